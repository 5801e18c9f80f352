import { acknowledge } from "./acknowledge.ts";
import type { ActionContext, ActionHandlers, ActionName, InputOf } from "./action.types.ts";
import { addFix } from "./add-fix.ts";
import { assign } from "./assign.ts";
import { close } from "./close.ts";
import { confirm } from "./confirm.ts";
import { createFixBranch } from "./create-fix-branch.ts";
import { disclose } from "./disclose.ts";
import { inviteReporterToFix } from "./invite-reporter-to-fix.ts";
import { markDuplicate } from "./mark-duplicate.ts";
import { reject } from "./reject.ts";
import { release } from "./release.ts";
import { reopen } from "./reopen.ts";
import { requestInfo } from "./request-info.ts";
import { setSeverity } from "./set-severity.ts";
import { startRemediation } from "./start-remediation.ts";
import { startTriage } from "./start-triage.ts";
import { undoRejection } from "./undo-rejection.ts";
import { verifyFix } from "./verify-fix.ts";

/** The lifecycle's actions, one handler each. */
export const ACTION_HANDLERS: ActionHandlers = {
  acknowledge,
  assign,
  start_triage: startTriage,
  set_severity: setSeverity,
  confirm,
  reject,
  mark_duplicate: markDuplicate,
  start_remediation: startRemediation,
  add_fix: addFix,
  create_fix_branch: createFixBranch,
  verify_fix: verifyFix,
  release,
  disclose,
  close,
  reopen,
  request_info: requestInfo,
  undo_rejection: undoRejection,
  invite_reporter_to_fix: inviteReporterToFix,
};

/** Resolves an action's input into its plan with that action's handler, which receives exactly its input type. */
export function planAction<K extends ActionName>(input: InputOf<K>, ctx: ActionContext) {
  const handler: ActionHandlers[K] = ACTION_HANDLERS[input.action];
  return handler(input, ctx);
}
