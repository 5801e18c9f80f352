// Disclosure: the reporter's requests to publish, the team's answers, and the 90-day target of the seeds. A
// request is a dated proposal with a message; the team agrees (the date becomes the planned disclosure date),
// proposes another date with a reason, or declines with a reason; the reporter accepts a counter-proposal or
// proposes again. Every move is one dated entry both sides see. The target is 90 days from receipt, moved on by
// the time the SLA clock was paused (waiting for the reporter) and by recorded extensions. Pure: time is a
// parameter.

export const DISCLOSURE_MOVES = ["request", "agree", "propose", "decline", "accept"] as const;
export type DisclosureMove = (typeof DISCLOSURE_MOVES)[number];

/** Where a negotiation stands after its latest move. */
export type NegotiationState = "none" | "requested" | "countered" | "agreed" | "declined";

export interface NegotiationEntry {
  move: DisclosureMove;
  by: "reporter" | "team";
  /** The date proposed or agreed (YYYY-MM-DD), where the move has one. */
  date: string | null;
  text: string | null;
  at: Date;
}

export const DISCLOSURE_TARGET_DAYS = 90;
/** How long before the target the Response Manager and admins are alerted when no release is scheduled. */
export const DISCLOSURE_WARNING_DAYS = 14;
export const MAX_DISCLOSURE_TEXT = 5000;
/** The furthest a proposed date may be: two years ahead. */
export const MAX_DISCLOSURE_HORIZON_DAYS = 730;

const DAY_MS = 86_400_000;

/** Who may make each move, and from which states. */
const RULES: Record<
  DisclosureMove,
  { by: "reporter" | "team"; from: readonly NegotiationState[]; to: NegotiationState }
> = {
  request: { by: "reporter", from: ["none", "countered", "declined", "agreed"], to: "requested" },
  agree: { by: "team", from: ["requested"], to: "agreed" },
  propose: { by: "team", from: ["requested", "agreed"], to: "countered" },
  decline: { by: "team", from: ["requested"], to: "declined" },
  accept: { by: "reporter", from: ["countered"], to: "agreed" },
};

/** The state after a list of entries, oldest first. */
export function negotiationState(entries: readonly Pick<NegotiationEntry, "move">[]): NegotiationState {
  const last = entries.at(-1);
  return last ? RULES[last.move].to : "none";
}

/** The date both sides agreed, if the negotiation stands agreed. */
export function agreedDate(entries: readonly NegotiationEntry[]): string | null {
  if (negotiationState(entries) !== "agreed") return null;
  const last = entries.at(-1) as NegotiationEntry;
  if (last.move === "agree") return last.date;
  // accept: the date of the counter-proposal it accepts
  return [...entries].reverse().find((e) => e.move === "propose")?.date ?? null;
}

function isNonBlank(value: unknown): value is string {
  return typeof value === "string" && value.replace(/[\u200b-\u200d\u2060\ufeff]/gu, "").trim() !== "";
}

/** A calendar date (YYYY-MM-DD) that exists, as the start of that day in UTC; null otherwise. */
export function parseDisclosureDate(value: unknown): Date | null {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isFinite(d.getTime()) && d.toISOString().startsWith(value) ? d : null;
}

export type MoveDecision =
  | { ok: true; to: NegotiationState; entry: NegotiationEntry }
  | { ok: false; code: "invalid_transition" | "guard_failed"; field?: "date" | "text"; message: string };

const WHO_MOVES: Record<DisclosureMove, string> = {
  request: "request disclosure",
  agree: "agree to a date",
  propose: "propose another date",
  decline: "decline the request",
  accept: "accept the proposed date",
};

const STATE_WORDS: Record<NegotiationState, string> = {
  none: "nothing has been requested",
  requested: "a request is waiting for the team's answer",
  countered: "the team proposed another date",
  agreed: "a date is agreed",
  declined: "the team declined",
};

/**
 * Judges one move. The reporter's request and re-proposal need a future date and may carry a message; the team's
 * counter-proposal needs a future date and a reason; a decline needs a reason; agreeing takes the requested date.
 */
export function decideMove(
  entries: readonly NegotiationEntry[],
  move: { move: DisclosureMove; by: "reporter" | "team"; date?: string | null; text?: string | null },
  now: Date,
): MoveDecision {
  const rule = (RULES as Record<string, (typeof RULES)[DisclosureMove] | undefined>)[move.move];
  if (!rule || !Object.hasOwn(RULES, move.move))
    return {
      ok: false,
      code: "invalid_transition",
      message: `Unknown move; use one of ${DISCLOSURE_MOVES.join(", ")}.`,
    };
  if (rule.by !== move.by)
    return {
      ok: false,
      code: "invalid_transition",
      message: `Only the ${rule.by} may ${WHO_MOVES[move.move]}.`,
    };
  const state = negotiationState(entries);
  if (!rule.from.includes(state))
    return {
      ok: false,
      code: "invalid_transition",
      message: `Cannot ${WHO_MOVES[move.move]} now: ${STATE_WORDS[state]}.`,
    };
  const text = move.text ?? null;
  if (text !== null && (typeof text !== "string" || text.length > MAX_DISCLOSURE_TEXT))
    return {
      ok: false,
      code: "guard_failed",
      field: "text",
      message: `The message must be text of at most ${MAX_DISCLOSURE_TEXT} characters.`,
    };

  let date: string | null = null;
  if (move.move === "request" || move.move === "propose") {
    const parsed = parseDisclosureDate(move.date);
    if (!parsed)
      return {
        ok: false,
        code: "guard_failed",
        field: "date",
        message: "Give the date as YYYY-MM-DD, a day that exists.",
      };
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    if (parsed.getTime() <= today)
      return { ok: false, code: "guard_failed", field: "date", message: "The date must be after today." };
    if (parsed.getTime() > today + MAX_DISCLOSURE_HORIZON_DAYS * DAY_MS)
      return {
        ok: false,
        code: "guard_failed",
        field: "date",
        message: "The date must be within two years.",
      };
    date = move.date as string;
  }
  if ((move.move === "propose" || move.move === "decline") && !isNonBlank(text))
    return {
      ok: false,
      code: "guard_failed",
      field: "text",
      message:
        move.move === "propose" ? "Say why another date is needed." : "Say why disclosure is declined.",
    };
  if (move.move === "agree") date = [...entries].reverse().find((e) => e.move === "request")?.date ?? null;
  if (move.move === "accept") date = [...entries].reverse().find((e) => e.move === "propose")?.date ?? null;
  return {
    ok: true,
    to: rule.to,
    entry: { move: move.move, by: move.by, date, text: isNonBlank(text) ? text : null, at: now },
  };
}

export interface TargetFacts {
  receivedAt: Date;
  /** Milliseconds the SLA clock was paused (waiting for the reporter's information). */
  pausedMs: number;
  /** Recorded extensions, each moving the target to its date. */
  extensions: readonly { until: Date; reason: string }[];
}

/** The disclosure target: 90 days after receipt plus pauses, or the latest recorded extension if later. */
export function disclosureTarget(facts: TargetFacts): Date {
  const paused = Number.isFinite(facts.pausedMs) && facts.pausedMs > 0 ? facts.pausedMs : 0;
  const base = facts.receivedAt.getTime() + DISCLOSURE_TARGET_DAYS * DAY_MS + paused;
  const extended = facts.extensions.reduce((latest, e) => Math.max(latest, e.until.getTime()), base);
  return new Date(extended);
}

/** Why an extension cannot be recorded, or null: it needs a reason and a date past the current target. */
export function extensionProblem(currentTarget: Date, until: Date, reason: unknown): string | null {
  if (!Number.isFinite(until.getTime())) return "Give the new target as a date.";
  if (until.getTime() <= currentTarget.getTime())
    return "An extension moves the target later than it is now.";
  if (!isNonBlank(reason)) return "An extension needs a reason; the reporter is told.";
  if (reason.length > MAX_DISCLOSURE_TEXT)
    return `The reason is longer than ${MAX_DISCLOSURE_TEXT} characters.`;
  return null;
}

export type DisclosureClock = "on_track" | "due_soon" | "overdue" | "done";

/**
 * Where the 90-day clock stands: done once disclosed; overdue on or after the target when the reporter asked for
 * disclosure; due soon within 14 days when no release is scheduled (the alert fires then); on track otherwise.
 */
export function disclosureClock(
  target: Date,
  now: Date,
  facts: { disclosed: boolean; releaseScheduled: boolean; reporterRequested: boolean },
): DisclosureClock {
  if (facts.disclosed) return "done";
  const left = target.getTime() - now.getTime();
  if (left <= 0 && facts.reporterRequested) return "overdue";
  if (left <= DISCLOSURE_WARNING_DAYS * DAY_MS && !facts.releaseScheduled) return "due_soon";
  return "on_track";
}
