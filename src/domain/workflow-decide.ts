// The lifecycle's decisions: whether an action may run now under its guards and where it leads (decide()), and
// which actions to offer. Pure: no I/O, no clock. The service loads ReportFacts, parses parameters with zod,
// and asks decide().

import {
  type FixBranchFact,
  type FixFact,
  findFixToVerify,
  fixReadyGuardHolds,
  fullShaOf,
  type VerificationFact,
  verifyRefusal,
  whyNotFixReady,
} from "./fix-verification.ts";
import { decideUndoRejection, type UndoRejectionFacts } from "./rejection-undo.ts";
import {
  ACTION_LABELS,
  allowedIn,
  isReportAction,
  isReportState,
  REJECTION_LABELS,
  REJECTION_REASONS,
  REPORT_ACTIONS,
  type RejectionReason,
  type ReportAction,
  type ReportState,
  SEVERITIES,
  type Severity,
  STATE_LABELS,
  statesFor,
  TRANSITIONS,
} from "./workflow-states.ts";

/** Everything the guards need to know about a report, loaded by the service. */
export interface ReportFacts {
  state: ReportState;
  assigneeId: string | null;
  severity: Severity | null;
  /** Links and pushed commits, oldest first; a commit's git author is resolved to a member when one matches. */
  fixes: ReadonlyArray<FixFact>;
  /** Oldest first; each bound to the SHA it verified. */
  fixVerifications: ReadonlyArray<VerificationFact>;
  /** The fix branches' current heads (none without a fix repository). */
  fixBranches?: ReadonlyArray<FixBranchFact> | null;
  /** Waiting for the reporter's answer to a request for information (the SLA clock is paused). */
  needsInfo?: boolean;
  /** Whether the report has a private fix repository (create_fix_branch): what the reporter is invited to check. */
  fixRepository?: boolean;
  /** What undoing the latest rejection depends on; loaded only for a rejected report. */
  undo?: UndoRejectionFacts | null;
}

/** The parameters of each action, already parsed to the right types by zod in the service layer. */
export type ActionRequest =
  | { action: "acknowledge" }
  | { action: "assign"; assigneeId: string }
  | { action: "start_triage" }
  | { action: "set_severity"; severity: Severity }
  | { action: "confirm" }
  | { action: "reject"; reason: RejectionReason; message?: string | null } // spam needs no message
  | { action: "mark_duplicate"; originalId: string; reportId: string; message: string }
  | { action: "start_remediation" }
  | { action: "add_fix"; url: string; authorId: string }
  /** existingCloneUrl: the clone URL of the report's fix repository when it already has one. */
  | { action: "create_fix_branch"; existingCloneUrl: string | null }
  // fix: a fix's id or a pushed commit's full SHA; null = the most recently added fix (its branch's head for a commit)
  | { action: "verify_fix"; fix: string | null; verifierId: string }
  // The id of a passed package verification that covers the report, found by the service; null when there is none.
  | { action: "release"; passedVerificationId: string | null; overrideReason: string | null }
  | { action: "disclose"; advisoryUrl: string | null; noAdvisoryReason: string | null }
  | { action: "close"; message: string }
  | { action: "reopen"; reason: string }
  | { action: "request_info"; message: string }
  | { action: "undo_rejection" }
  | { action: "invite_reporter_to_fix"; message: string };

export type Decision =
  | { ok: true; from: ReportState; to: ReportState; stateChanged: boolean }
  | { ok: false; code: "invalid_transition" | "guard_failed"; message: string };

/** What the release guard asks for, in words a member (or an API client) can act on. */
export const RELEASE_NEEDS =
  "Releasing needs a passed package verification that covers this report (start one on the report page or with POST /api/v1/verifications), or an override with a reason.";

/** Longest URL accepted for fix links and advisories. */
export const MAX_URL_LENGTH = 2048;

/** How a state reads in a sentence ("a report that is …"). */
const STATE_PHRASES: Record<ReportState, string> = {
  new: "new",
  acknowledged: "acknowledged",
  triage: "in triage",
  confirmed: "confirmed",
  remediation: "in remediation",
  fix_ready: "fix ready",
  released: "released",
  disclosed: "disclosed",
  closed: "closed",
  rejected: "rejected",
};

/** How an action reads in a sentence ("Cannot … a report"). */
const ACTION_PHRASES: Record<ReportAction, string> = {
  acknowledge: "acknowledge",
  assign: "assign",
  start_triage: "start triage on",
  set_severity: "set the severity of",
  confirm: "confirm",
  reject: "reject",
  mark_duplicate: "mark as a duplicate",
  start_remediation: "start remediation on",
  add_fix: "add a fix to",
  create_fix_branch: "create a fix branch for",
  verify_fix: "verify a fix on",
  release: "release",
  disclose: "disclose",
  close: "close",
  reopen: "reopen",
  request_info: "ask the reporter for information on",
  undo_rejection: "undo the rejection of",
  invite_reporter_to_fix: "invite the reporter to check the fix of",
};

const SEVERITY_SET: ReadonlySet<string> = new Set(SEVERITIES);
const REASON_SET: ReadonlySet<string> = new Set(REJECTION_REASONS);

/** Guards treat anything that is not a string with visible characters as missing (zero-width characters are invisible). */
function isNonBlank(value: unknown): value is string {
  return typeof value === "string" && value.replace(/[\u200b-\u200d\u2060\ufeff]/gu, "").trim() !== "";
}

/** The facts arrive from the database; a missing list must read as empty, not crash a guard. */
function listOf<T>(value: ReadonlyArray<T> | null | undefined): ReadonlyArray<T> {
  return Array.isArray(value) ? value : [];
}

/** Explains a URL problem in words, or returns null for an acceptable absolute http(s) URL. */
function httpUrlProblem(value: unknown, what: string): string | null {
  if (typeof value !== "string") return `${what} must be a URL.`;
  if (!isNonBlank(value)) return `${what} is empty.`;
  if (value.length > MAX_URL_LENGTH) return `${what} is longer than ${MAX_URL_LENGTH} characters.`;
  // The URL parser silently strips surrounding whitespace and control characters; we refuse them instead.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\s\u0000-\u001f\u007f]/u.test(value)) return `${what} must not contain spaces or control characters.`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${what} must be an absolute URL starting with https:// or http://.`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `${what} must start with https:// or http:// (got ${url.protocol}).`;
  }
  // The parser also accepts "https:example.org"; stored links must read as what they are.
  if (!/^https?:\/\//iu.test(value)) return `${what} must start with https:// or http://.`;
  if (url.hostname === "") return `${what} must name a host.`;
  if (url.username !== "" || url.password !== "") return `${what} must not contain a user name or password.`;
  return null;
}

/** Formats a list of state labels as "A, B or C" for refusal messages. */
function orList(states: readonly ReportState[]): string {
  const labels = states.map((s) => STATE_LABELS[s]);
  if (labels.length <= 1) return labels.join("");
  return `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}

/** The one refusal message for a state-table miss, so every action explains itself the same way. */
function invalidTransition(action: ReportAction, state: ReportState): Decision {
  const from = statesFor(action);
  return {
    ok: false,
    code: "invalid_transition",
    message:
      `Cannot ${ACTION_PHRASES[action]} a report that is ${STATE_PHRASES[state]}. ` +
      `${ACTION_LABELS[action]} is only possible when the report is ${orList(from)}.`,
  };
}

/** A guard refusal: the action fits the state but its preconditions or parameters do not hold. */
function guardFailed(message: string): Decision {
  return { ok: false, code: "guard_failed", message };
}

/** An accepted action, with stateChanged derived so callers never compute it themselves. */
function accept(from: ReportState, to: ReportState): Decision {
  return { ok: true, from, to, stateChanged: from !== to };
}

export { fixReadyGuardHolds };

/** A fix_ready report whose guard no longer holds: its fix branch moved past the verified head. */
export function fixReadyWentStale(facts: ReportFacts): boolean {
  return facts?.state === "fix_ready" && !fixReadyGuardHolds(facts);
}

/** Single source of truth for whether an action may run now and where it leads; the server calls it whatever the client sent. */
export function decide(facts: ReportFacts, req: ActionRequest): Decision {
  const state: unknown = facts?.state;
  if (!isReportState(state)) {
    return { ok: false, code: "invalid_transition", message: "The report is in an unknown state." };
  }
  const action: unknown = (req as { action?: unknown } | null | undefined)?.action;
  if (!isReportAction(action)) {
    return { ok: false, code: "invalid_transition", message: "Unknown action." };
  }
  if (!allowedIn(action, state)) return invalidTransition(action, state);
  const target = TRANSITIONS[action][state];
  const to: ReportState = target === undefined || target === "stay" ? state : target;

  // req.action is a known action from here on, so the union narrows on it.
  const r = req;
  switch (r.action) {
    case "acknowledge":
    case "start_remediation":
      return accept(state, to);

    case "assign":
      if (!isNonBlank(r.assigneeId)) return guardFailed("Choose a team member to assign the report to.");
      return accept(state, to);

    case "start_triage":
      if (!isNonBlank(facts.assigneeId))
        return guardFailed("Assign a Response Manager before starting triage.");
      return accept(state, to);

    case "set_severity":
      if (typeof r.severity !== "string" || !SEVERITY_SET.has(r.severity)) {
        return guardFailed(`Choose a severity: ${SEVERITIES.join(", ")}.`);
      }
      return accept(state, to);

    case "confirm":
      if (facts.severity === null || !SEVERITY_SET.has(facts.severity)) {
        return guardFailed("Set a severity before confirming the report.");
      }
      return accept(state, to);

    case "reject":
      if (typeof r.reason !== "string" || !REASON_SET.has(r.reason)) {
        return guardFailed(
          `Choose a rejection reason: ${REJECTION_REASONS.map((x) => REJECTION_LABELS[x]).join(", ")}.`,
        );
      }
      if (r.reason === "duplicate") {
        return guardFailed("To reject a duplicate, use “Mark as duplicate” and name the original report.");
      }
      if (r.reason !== "spam" && !isNonBlank(r.message)) {
        return guardFailed("A rejection needs a message to the reporter explaining the decision.");
      }
      return accept(state, to);

    case "mark_duplicate":
      if (!isNonBlank(r.originalId)) return guardFailed("Name the original report this one duplicates.");
      if (isNonBlank(r.reportId) && r.originalId.trim() === r.reportId.trim()) {
        return guardFailed("A report cannot be a duplicate of itself.");
      }
      if (!isNonBlank(r.message)) {
        return guardFailed("Marking a duplicate needs a message to the reporter explaining the decision.");
      }
      return accept(state, to);

    case "add_fix": {
      const problem = httpUrlProblem(r.url, "The fix link");
      if (problem !== null) return guardFailed(problem);
      if (!isNonBlank(r.authorId)) return guardFailed("A fix needs an author.");
      return accept(state, to);
    }

    case "create_fix_branch":
      if (isNonBlank(r.existingCloneUrl)) {
        return guardFailed(
          `This report already has a private fix repository; clone it from ${r.existingCloneUrl} and push to its fix branch.`,
        );
      }
      return accept(state, to);

    case "verify_fix": {
      if (listOf(facts.fixes).length === 0) return guardFailed("Add a fix link before verifying.");
      if (r.fix !== null && typeof r.fix !== "string") return guardFailed("Choose the fix to verify.");
      const fix = findFixToVerify(facts, r.fix);
      if (fix === undefined)
        return guardFailed("That fix does not belong to this report; choose one of its fixes.");
      const refusal = verifyRefusal(facts, fix, r.verifierId);
      if (refusal !== null) return guardFailed(refusal);
      const after: ReportFacts = {
        ...facts,
        fixVerifications: [
          ...listOf(facts.fixVerifications),
          { fixId: fix.id, verifierId: r.verifierId, sha: fullShaOf(fix.sha) },
        ],
      };
      return accept(state, state === "remediation" && fixReadyGuardHolds(after) ? "fix_ready" : state);
    }

    case "release":
      // The fix must still be verified as it stands: a branch that moved after its verification does not ship.
      if (!fixReadyGuardHolds(facts)) return guardFailed(`Cannot release yet. ${whyNotFixReady(facts)}`);
      if (isNonBlank(r.passedVerificationId) || isNonBlank(r.overrideReason)) return accept(state, to);
      return guardFailed(RELEASE_NEEDS);

    case "disclose": {
      // A blank field from a form means "no URL", so the reason alone can carry the decision.
      const hasUrl =
        r.advisoryUrl !== null &&
        r.advisoryUrl !== undefined &&
        !(typeof r.advisoryUrl === "string" && !isNonBlank(r.advisoryUrl));
      if (hasUrl) {
        const problem = httpUrlProblem(r.advisoryUrl, "The advisory URL");
        if (problem !== null) return guardFailed(problem);
        return accept(state, to);
      }
      if (isNonBlank(r.noAdvisoryReason)) return accept(state, to);
      return guardFailed("Link the published advisory, or explain why there is no advisory.");
    }

    case "close":
      if (!isNonBlank(r.message)) {
        return guardFailed("Closing needs final feedback to the reporter.");
      }
      return accept(state, to);

    case "reopen":
      if (!isNonBlank(r.reason)) return guardFailed("Reopening needs a reason.");
      if (!isNonBlank(facts.assigneeId)) {
        return guardFailed("Assign a Response Manager before reopening; triage needs one.");
      }
      return accept(state, to);

    case "request_info":
      if (facts.needsInfo === true) {
        return guardFailed(
          "The report is already waiting for the reporter's answer; wait for it, or write to the reporter instead.",
        );
      }
      if (!isNonBlank(r.message)) return guardFailed("Write the question for the reporter.");
      return accept(state, to);

    case "undo_rejection": {
      const undo = decideUndoRejection(state, facts.undo);
      if (!undo.ok) return undo;
      return accept(state, undo.to);
    }

    case "invite_reporter_to_fix":
      // The reporter checks the fix in Embargo's private fix repository: its diff and a read-only clone.
      if (facts.fixRepository !== true) {
        return guardFailed(
          "Create the fix branch first: the reporter checks the fix in this report's private fix repository.",
        );
      }
      if (!isNonBlank(r.message))
        return guardFailed("Write the message inviting the reporter to check the fix.");
      return accept(state, to);
  }
}

/** Which actions to offer in the UI right now: those decide() could accept given suitable parameters. */
export function availableActions(facts: ReportFacts): ReportAction[] {
  const state: unknown = facts?.state;
  if (!isReportState(state)) return [];
  return REPORT_ACTIONS.filter((action) => {
    if (!allowedIn(action, state)) return false;
    switch (action) {
      case "start_triage":
      case "reopen":
        return isNonBlank(facts.assigneeId);
      case "confirm":
        return facts.severity !== null && SEVERITY_SET.has(facts.severity);
      case "verify_fix":
        return listOf(facts.fixes).length > 0;
      case "release":
        return fixReadyGuardHolds(facts);
      case "request_info":
        return facts.needsInfo !== true;
      case "undo_rejection":
        return decideUndoRejection(state, facts.undo).ok;
      case "invite_reporter_to_fix":
        return facts.fixRepository === true;
      case "create_fix_branch":
        // One private repository per report: once it exists, the page offers cloning it, not another one.
        return facts.fixRepository !== true;
      default:
        return true;
    }
  });
}
