// Consultation: the reporter checks the fix. When the tracking page may show the fix, when the reporter may hold
// a read-only fix-access token and answer, what their answers mean for the team, and whether a token still
// works. Pure: no I/O, no clock (instants are parameters).

import { isReportState, type ReportState } from "./workflow-states.ts";

/** The reporter's verdict on the fix they were shown. */
export const FIX_VERDICTS = ["fixes", "does_not_fix"] as const;
export type FixVerdict = (typeof FIX_VERDICTS)[number];

export const FIX_VERDICT_LABELS: Record<FixVerdict, string> = {
  fixes: "This fixes it",
  does_not_fix: "This does not fix it",
};

/**
 * States in which an invited reporter may fetch the fix, ask for clone access and answer: while the fix is being
 * made and until it is public. Disclosure and closing end the access (the tokens are revoked then).
 */
export const FIX_ACCESS_STATES: readonly ReportState[] = Object.freeze([
  "remediation",
  "fix_ready",
  "released",
] as const);

/** States in which an invited reporter still sees the fix on their page: the access states, and after disclosure. */
const FIX_VISIBLE_STATES: ReadonlySet<ReportState> = new Set<ReportState>([
  ...FIX_ACCESS_STATES,
  "disclosed",
  "closed",
]);

/** Whether a reporter who was invited may still fetch the fix and answer in this state. */
export function fixAccessAllowed(state: unknown): boolean {
  return isReportState(state) && FIX_ACCESS_STATES.includes(state);
}

/**
 * Whether the tracking page shows the fix: only after an invitation, and never on a rejected report, nor on one
 * closed after its rejection (that code was never the answer to this report). Without an invitation the page
 * shows no code at all.
 */
export function fixVisibleToReporter(state: unknown, invited: boolean, rejected = false): boolean {
  return invited === true && rejected !== true && isReportState(state) && FIX_VISIBLE_STATES.has(state);
}

/** A refusal the reporter reads, or yes. */
export type ConsultationDecision = { ok: true } | { ok: false; message: string };

const NOT_OPEN: ConsultationDecision = {
  ok: false,
  message: "The fix can no longer be checked here: the report has moved on.",
};

/** Whether the reporter may be given clone access (a new fix-access token) now. */
export function decideFixAccess(facts: { state: unknown; invited: boolean }): ConsultationDecision {
  if (facts?.invited !== true) return { ok: false, message: "There is no fix to check yet." };
  if (!fixAccessAllowed(facts.state)) return NOT_OPEN;
  return { ok: true };
}

/** Whether the reporter may answer "fixes" or "does not fix" now. */
export function decideFixAnswer(facts: {
  state: unknown;
  invited: boolean;
  verdict: unknown;
}): ConsultationDecision {
  if (facts?.invited !== true) return { ok: false, message: "There is no fix to check yet." };
  if (!fixAccessAllowed(facts.state)) return NOT_OPEN;
  if (!isFixVerdict(facts.verdict)) {
    return { ok: false, message: "Choose “This fixes it” or “This does not fix it”." };
  }
  return { ok: true };
}

/** Narrows an unknown value to a verdict without trusting the prototype chain. */
export function isFixVerdict(value: unknown): value is FixVerdict {
  return value === "fixes" || value === "does_not_fix";
}

/** What the team needs to know about a report's consultation, from its latest invitation and the answers. */
export interface ConsultationFacts {
  /** The latest invitation's time, or null when the reporter was never invited. */
  invitedAt: Date | null;
  answers: ReadonlyArray<{ verdict: FixVerdict; at: Date }>;
}

export type ConsultationStatus = "not_invited" | "invited" | "confirmed" | "disputed";

export const CONSULTATION_STATUS_LABELS: Record<ConsultationStatus, string> = {
  not_invited: "Not invited",
  invited: "Invited, no answer yet",
  confirmed: "The reporter says the fix works",
  disputed: "The reporter says the fix does not fix it",
};

function time(value: unknown): number | null {
  return value instanceof Date && Number.isFinite(value.getTime()) ? value.getTime() : null;
}

/**
 * Where the consultation stands: the reporter's latest answer to the latest invitation counts. A new invitation
 * (after a new push, say) asks again, so an earlier "does not fix" no longer makes the report need attention.
 */
export function consultationStatus(facts: ConsultationFacts): ConsultationStatus {
  const invited = time(facts?.invitedAt);
  if (invited === null) return "not_invited";
  let latest: { verdict: FixVerdict; at: number } | null = null;
  for (const answer of Array.isArray(facts.answers) ? facts.answers : []) {
    const at = time(answer?.at);
    if (at === null || at < invited || !isFixVerdict(answer.verdict)) continue;
    if (latest === null || at >= latest.at) latest = { verdict: answer.verdict, at };
  }
  if (latest === null) return "invited";
  return latest.verdict === "fixes" ? "confirmed" : "disputed";
}

/** A fix-access token as stored: only its state matters here, never the secret. */
export interface FixAccessTokenFacts {
  revokedAt: Date | null;
  expiresAt: Date | null;
}

/**
 * Whether a reporter's fix-access token works now: not revoked, not expired, and the report still in a state
 * where the reporter may fetch. Both the /git/ check and the tracking page ask this.
 */
export function fixAccessTokenLive(token: FixAccessTokenFacts, state: unknown, now: Date): boolean {
  const at = time(now);
  if (at === null || token === null || typeof token !== "object") return false;
  if (token.revokedAt !== null && token.revokedAt !== undefined) return false;
  if (token.expiresAt !== null && token.expiresAt !== undefined) {
    const expires = time(token.expiresAt);
    if (expires === null || expires <= at) return false;
  }
  return fixAccessAllowed(state);
}
