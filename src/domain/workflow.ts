// The report lifecycle: which actions may run in which state, under which guards, and where they lead.
// Pure: no I/O, no clock. The service loads ReportFacts, parses parameters with zod, and asks decide().
//
// This module is the public entry; the implementation is split by topic:
//   workflow-states.ts  states, severities, reasons, actions, their labels and the state table
//   workflow-decide.ts  decide() with its guards, and the actions to offer
//   rejection-undo.ts   when a rejection may be undone
//   fix-verification.ts who may verify a fix, and when a verification still counts

export {
  branchName,
  type FixBranchFact,
  type FixFact,
  findFixToVerify,
  fullShaOf,
  headFixOf,
  headOf,
  isCommitFix,
  isStale,
  shortSha,
  type VerificationFact,
  verifyRefusal,
  whyNotFixReady,
} from "./fix-verification.ts";
export {
  decideUndoRejection,
  type RejectionRecord,
  UNDO_WINDOW_MS,
  type UndoRejectionFacts,
} from "./rejection-undo.ts";
export {
  type ActionRequest,
  availableActions,
  type Decision,
  decide,
  fixReadyGuardHolds,
  fixReadyWentStale,
  MAX_URL_LENGTH,
  RELEASE_NEEDS,
  type ReportFacts,
} from "./workflow-decide.ts";
export {
  ACTION_LABELS,
  isOpen,
  REJECTABLE_STATES,
  REJECTION_LABELS,
  REJECTION_REASONS,
  REPORT_ACTIONS,
  REPORT_STATES,
  REQUEST_INFO_STATES,
  type RejectionReason,
  type ReportAction,
  type ReportState,
  SEVERITIES,
  type Severity,
  STATE_LABELS,
} from "./workflow-states.ts";
