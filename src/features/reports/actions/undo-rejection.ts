/**
 * Undo rejection: a wrong "Spam" or "Reject" click is taken back and the report returns exactly to where it was:
 * its state, and every field the rejection overwrote (resolution, duplicate link, the needs-info pause it ended).
 * The rejection's mail, still unsent, is cancelled in the outbox, and its message leaves the reporter's page (the
 * team keeps it, marked withdrawn). Nobody is mailed. The domain says when this is allowed (rejection-undo.ts).
 */

import { appendAuditEvent } from "../../../audit/audit-log.ts";
import { AppError } from "../../../core/errors.ts";
import { loadUndoState, restoredFields } from "../rejection-undo.service.ts";
import { findReport, withdrawMessage } from "../reports.repo.ts";
import type { ActionHandler, InputOf } from "./action.types.ts";

export const undoRejection: ActionHandler<InputOf<"undo_rejection">> = async (_input, ctx) => ({
  request: { action: "undo_rejection" },
  apply: async () => {
    const { tx, report, reporter, actor, now, deps } = ctx;
    // Read again under the report's lock, with the outbox rows locked too, so no delivery starts in between.
    const undo = await loadUndoState(deps.features, tx, report, reporter.email, now, true);
    if (undo.record === null) throw new AppError("guard_failed", 409, "There is no rejection to undo.");
    const cancelled = undo.unsentMailIds;
    await deps.features.outbox.cancel(
      tx,
      cancelled,
      `Cancelled: the rejection of ${report.reference} was undone before this mail left.`,
    );
    if (undo.rejectionMessageId) await withdrawMessage(tx, undo.rejectionMessageId, now);
    if (report.duplicateOfId) {
      // The original's timeline said a duplicate points to it; it records that the link is gone.
      const original = await findReport(tx, report.duplicateOfId);
      if (original) {
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId: actor.id,
            action: "report.duplicate_unlinked",
            reportId: original.id,
            data: { duplicateId: report.id, duplicateReference: report.reference },
          },
          now,
        );
      }
    }
    return {
      patch: restoredFields(undo.record),
      audit: {
        reason: undo.record.reason,
        rejectedAt: undo.record.at.toISOString(),
        cancelledMails: cancelled.length,
        withdrawnMessageId: undo.rejectionMessageId,
      },
    };
  },
});
