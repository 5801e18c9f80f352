// The life of an advisory: drafted, submitted for review, approved by a member other than its last editor, and
// published by its release; once public it changes only by a revision with a summary, or is withdrawn with a
// reason. An edit after approval sends it back to draft. Pure: the service loads the facts and applies the answer.

export const ADVISORY_STATES = ["draft", "in_review", "approved", "published", "withdrawn"] as const;
export type AdvisoryState = (typeof ADVISORY_STATES)[number];

export const ADVISORY_ACTIONS = ["submit", "approve", "request_changes", "withdraw"] as const;
export type AdvisoryAction = (typeof ADVISORY_ACTIONS)[number];

export const ADVISORY_STATE_LABELS: Record<AdvisoryState, string> = {
  draft: "Draft",
  in_review: "In review",
  approved: "Approved",
  published: "Published",
  withdrawn: "Withdrawn",
};

export interface AdvisoryFacts {
  state: AdvisoryState;
  /** The member who last changed the text; approval needs someone else. */
  lastEditorId: string;
}

export type AdvisoryDecision =
  | { ok: true; to: AdvisoryState }
  | { ok: false; code: "invalid_transition" | "guard_failed"; message: string };

/** The longest message or reason accepted with a review action. */
export const MAX_REVIEW_MESSAGE = 5000;

function isNonBlank(value: unknown): value is string {
  return typeof value === "string" && value.replace(/[\u200b-\u200d\u2060\ufeff]/gu, "").trim() !== "";
}

const FROM: Record<AdvisoryAction, readonly AdvisoryState[]> = {
  submit: ["draft"],
  approve: ["in_review"],
  request_changes: ["in_review", "approved"],
  withdraw: ["published"],
};

const TO: Record<AdvisoryAction, AdvisoryState> = {
  submit: "in_review",
  approve: "approved",
  request_changes: "draft",
  withdraw: "withdrawn",
};

const PHRASES: Record<AdvisoryAction, string> = {
  submit: "submit for review",
  approve: "approve",
  request_changes: "request changes to",
  withdraw: "withdraw",
};

/** Whether a review action may run now, by whom, and where it leads. */
export function decideAdvisory(
  facts: AdvisoryFacts,
  request: { action: AdvisoryAction; actorId: string; message?: string | null },
): AdvisoryDecision {
  if (!(ADVISORY_ACTIONS as readonly string[]).includes(request.action))
    return {
      ok: false,
      code: "invalid_transition",
      message: `Unknown action; use one of ${ADVISORY_ACTIONS.join(", ")}.`,
    };
  const from = FROM[request.action];
  if (!from.includes(facts.state)) {
    return {
      ok: false,
      code: "invalid_transition",
      message: `Cannot ${PHRASES[request.action]} an advisory that is ${ADVISORY_STATE_LABELS[facts.state].toLowerCase()}; it must be ${from.map((s) => ADVISORY_STATE_LABELS[s].toLowerCase()).join(" or ")}.`,
    };
  }
  const message = request.message ?? null;
  if (message !== null && (typeof message !== "string" || message.length > MAX_REVIEW_MESSAGE))
    return {
      ok: false,
      code: "guard_failed",
      message: `The message must be text of at most ${MAX_REVIEW_MESSAGE} characters.`,
    };
  switch (request.action) {
    case "approve":
      if (!isNonBlank(request.actorId))
        return { ok: false, code: "guard_failed", message: "An approval needs a member." };
      if (request.actorId === facts.lastEditorId)
        return {
          ok: false,
          code: "guard_failed",
          message: "You made the last edit, so another member must approve this advisory.",
        };
      break;
    case "request_changes":
      if (!isNonBlank(message))
        return { ok: false, code: "guard_failed", message: "Say what should change." };
      break;
    case "withdraw":
      if (!isNonBlank(message))
        return {
          ok: false,
          code: "guard_failed",
          message: "A withdrawal needs a reason; it is shown on the public page.",
        };
      break;
    default:
      break;
  }
  return { ok: true, to: TO[request.action] };
}

/**
 * What an edit does: a draft or a submitted advisory stays where it is (a submitted one goes back to draft so the
 * reviewer sees the new text), an approved one loses its approval, a published one needs a revision summary and
 * stays published, a withdrawn one cannot change.
 */
export function decideEdit(
  state: AdvisoryState,
  revisionSummary: string | null | undefined,
): { ok: true; to: AdvisoryState; newRevision: boolean } | { ok: false; message: string } {
  switch (state) {
    case "draft":
      return { ok: true, to: "draft", newRevision: false };
    case "in_review":
    case "approved":
      return { ok: true, to: "draft", newRevision: false };
    case "published":
      if (!isNonBlank(revisionSummary))
        return {
          ok: false,
          message: "A published advisory changes only by a revision: say what changed (revisionSummary).",
        };
      if (revisionSummary.length > MAX_REVIEW_MESSAGE)
        return {
          ok: false,
          message: `The revision summary is longer than ${MAX_REVIEW_MESSAGE} characters.`,
        };
      return { ok: true, to: "published", newRevision: true };
    case "withdrawn":
      return { ok: false, message: "A withdrawn advisory cannot be edited." };
    default:
      return { ok: false, message: "Unknown advisory state." };
  }
}

/** An advisory id: `<prefix>-<year>-<sequence, at least four digits>`, e.g. EMBSA-2026-0001. */
export function advisoryId(prefix: string, year: number, sequence: number): string {
  return `${prefix}-${year}-${String(sequence).padStart(4, "0")}`;
}

/** Why an advisory id prefix setting is unusable, or null: 2–16 capital letters or digits, starting with a letter. */
export function advisoryPrefixProblem(prefix: string): string | null {
  if (!/^[A-Z][A-Z0-9]{1,15}$/.test(prefix))
    return "The advisory prefix is 2 to 16 capital letters or digits, starting with a letter (e.g. EMBSA).";
  return null;
}
