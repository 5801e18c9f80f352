// The report lifecycle's vocabulary and shape: states, severities, rejection reasons, actions, their labels,
// and the state table of which action may run in which state and where it leads. Pure: no I/O, no clock.

export const REPORT_STATES = [
  "new",
  "acknowledged",
  "triage",
  "confirmed",
  "remediation",
  "fix_ready",
  "released",
  "disclosed",
  "closed",
  "rejected",
] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export const SEVERITIES = ["note", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const REJECTION_REASONS = [
  "invalid",
  "duplicate",
  "out_of_scope",
  "not_reproducible",
  "informative",
  "wont_fix",
  "spam",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export const REPORT_ACTIONS = [
  "acknowledge",
  "assign",
  "start_triage",
  "set_severity",
  "confirm",
  "reject",
  "mark_duplicate",
  "start_remediation",
  "add_fix",
  "create_fix_branch",
  "verify_fix",
  "release",
  "disclose",
  "close",
  "reopen",
  "request_info",
  "undo_rejection",
  "invite_reporter_to_fix",
] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];

export const STATE_LABELS: Record<ReportState, string> = {
  new: "New",
  acknowledged: "Acknowledged",
  triage: "Triage",
  confirmed: "Confirmed",
  remediation: "Remediation",
  fix_ready: "Fix ready",
  released: "Released",
  disclosed: "Disclosed",
  closed: "Closed",
  rejected: "Rejected",
};

export const ACTION_LABELS: Record<ReportAction, string> = {
  acknowledge: "Acknowledge",
  assign: "Assign",
  start_triage: "Start triage",
  set_severity: "Set severity",
  confirm: "Confirm",
  reject: "Reject",
  mark_duplicate: "Mark as duplicate",
  start_remediation: "Start remediation",
  add_fix: "Add fix",
  create_fix_branch: "Create fix branch",
  verify_fix: "Verify fix",
  release: "Release",
  disclose: "Disclose",
  close: "Close",
  reopen: "Reopen",
  request_info: "Request information",
  undo_rejection: "Undo rejection",
  invite_reporter_to_fix: "Invite the reporter to check the fix",
};

export const REJECTION_LABELS: Record<RejectionReason, string> = {
  invalid: "Invalid",
  duplicate: "Duplicate",
  out_of_scope: "Out of scope",
  not_reproducible: "Not reproducible",
  informative: "Informative",
  wont_fix: "Won't fix",
  spam: "Spam",
};

/** States from which reject is allowed. */
export const REJECTABLE_STATES: readonly ReportState[] = Object.freeze([
  "new",
  "acknowledged",
  "triage",
  "confirmed",
  "remediation",
  "fix_ready",
] as const);

/** States in which the team may ask the reporter for information: open, and being handled. */
export const REQUEST_INFO_STATES: readonly ReportState[] = Object.freeze([
  "acknowledged",
  "triage",
  "confirmed",
  "remediation",
  "fix_ready",
] as const);

/** Where an action leads from a state; "stay" means the state does not change. */
export type Target = ReportState | "stay";

/**
 * The state table: for each action, the states it may run in and the state it leads to
 * ("stay" = no state change). verify_fix is listed as "stay" and promoted by its guard logic; undo_rejection is
 * listed as "stay" and leads to the state the rejection recorded.
 */
export const TRANSITIONS: Record<ReportAction, Partial<Record<ReportState, Target>>> = {
  acknowledge: { new: "acknowledged" },
  assign: Object.fromEntries(REPORT_STATES.map((s) => [s, "stay"])),
  start_triage: { acknowledged: "triage" },
  set_severity: Object.fromEntries(
    REPORT_STATES.filter((s) => s !== "closed" && s !== "rejected").map((s) => [s, "stay"]),
  ),
  confirm: { triage: "confirmed" },
  reject: Object.fromEntries(REJECTABLE_STATES.map((s) => [s, "rejected"])),
  mark_duplicate: Object.fromEntries(REJECTABLE_STATES.map((s) => [s, "rejected"])),
  start_remediation: { confirmed: "remediation" },
  add_fix: { remediation: "stay", fix_ready: "stay" },
  // Creating the private fix repository starts remediation when the report is only confirmed.
  create_fix_branch: { confirmed: "remediation", remediation: "stay" },
  verify_fix: { remediation: "stay", fix_ready: "stay" },
  release: { fix_ready: "released" },
  disclose: { released: "disclosed" },
  close: { disclosed: "closed", rejected: "closed" },
  reopen: { closed: "triage" },
  request_info: Object.fromEntries(REQUEST_INFO_STATES.map((s) => [s, "stay"])),
  // Leads back to the state before the rejection, which the rejection recorded (domain/rejection-undo.ts).
  undo_rejection: { rejected: "stay" },
  // Consultation (domain/consultation.ts): the reporter checks the fix while it is being made.
  invite_reporter_to_fix: { remediation: "stay", fix_ready: "stay" },
};

const STATE_SET: ReadonlySet<string> = new Set(REPORT_STATES);
const ACTION_SET: ReadonlySet<string> = new Set(REPORT_ACTIONS);

/** Narrows an unknown value to a known report state without trusting the prototype chain. */
export function isReportState(value: unknown): value is ReportState {
  return typeof value === "string" && STATE_SET.has(value);
}

/** Narrows an unknown value to a known action without trusting the prototype chain. */
export function isReportAction(value: unknown): value is ReportAction {
  return typeof value === "string" && ACTION_SET.has(value);
}

/** The states in which an action may run, in lifecycle order. */
export function statesFor(action: ReportAction): ReportState[] {
  const row = TRANSITIONS[action];
  return REPORT_STATES.filter((s) => Object.hasOwn(row, s));
}

/** Whether the state table lets an action run in a state, ignoring guards. */
export function allowedIn(action: ReportAction, state: ReportState): boolean {
  return Object.hasOwn(TRANSITIONS[action], state);
}

/** True when the report is still open (not closed and not rejected). */
export function isOpen(state: ReportState): boolean {
  return isReportState(state) && state !== "closed" && state !== "rejected";
}
