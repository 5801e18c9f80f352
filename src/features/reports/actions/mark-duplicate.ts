/**
 * Mark duplicate: the report repeats an earlier one, so it is rejected as a duplicate and linked to the original.
 * The link may not form a loop; the audit event records who reported the issue first (they get the credit), the
 * original's timeline notes the new duplicate, and the reporter is told, with the original's reference only when
 * the organisation allows it.
 */

import { appendAuditEvent } from "../../../audit/audit-log.ts";
import type { Tx } from "../../../core/db.ts";
import { AppError, badRequest } from "../../../core/errors.ts";
import type { ReportsCollaborators } from "../collaborators.types.ts";
import { rejectionRecord } from "../rejection-undo.service.ts";
import { findDuplicateLink, findReport } from "../reports.repo.ts";
import type { ActionHandler, InputOf } from "./action.types.ts";

/**
 * Refuses links that would make the duplicate graph a loop (409, like the lifecycle's other guards, with the
 * message at the `of` field): a report cannot duplicate itself, nor a report that
 * is (directly or through a chain) a duplicate of it. Checked inside the marking transaction, on locked rows.
 */
export async function assertNoDuplicateCycle(
  tx: Tx,
  report: { id: string; reference: string },
  original: { id: string; reference: string; duplicateOfId: string | null },
): Promise<void> {
  if (original.id === report.id) {
    const message = "A report cannot be a duplicate of itself. Name the earlier report it repeats.";
    throw new AppError("guard_failed", 409, message, { of: message });
  }
  let current: { id: string; reference: string; duplicateOfId: string | null } | undefined = original;
  for (let hops = 0; current?.duplicateOfId && hops < 100; hops++) {
    if (current.duplicateOfId === report.id) {
      const message =
        current.id === original.id
          ? `${original.reference} is already marked as a duplicate of ${report.reference}, so ${report.reference} cannot be a duplicate of it. Mark it as a duplicate of a report that came first.`
          : `${original.reference} leads back to ${report.reference} through ${current.reference}; marking it would make a loop of duplicates.`;
      throw new AppError("guard_failed", 409, message, { of: message });
    }
    current = await findDuplicateLink(tx, current.duplicateOfId);
  }
}

/**
 * What the duplicate's reporter is told about the original. Its reference only when the organisation allows it
 * (it tells the reporter that someone else found the same issue and what it is called); otherwise neutral words.
 */
async function duplicateNoticeForReporter(
  features: ReportsCollaborators,
  tx: Tx,
  message: string,
  original: { reference: string },
): Promise<string> {
  const org = await features.settings.org(tx);
  const notice =
    org.revealDuplicateReference === "true"
      ? `This issue was reported to us earlier as ${original.reference}; we are handling it there.`
      : "This issue had already been reported to us, and we are handling it under the earlier report.";
  return `${message.trim()}\n\n${notice}`;
}

/** The audit data of a mark_duplicate: who reported first, so credit goes to them. */
async function duplicateCreditRecord(
  features: ReportsCollaborators,
  tx: Tx,
  report: { id: string },
  original: { id: string },
): Promise<Record<string, unknown>> {
  const first = await features.search.firstReporter(tx, original.id, [report.id]);
  if (!first) return {};
  return {
    firstReported: {
      reportId: first.reportId,
      reference: first.reference,
      receivedAt: first.receivedAt.toISOString(),
      credit: first.credit,
    },
  };
}

export const markDuplicate: ActionHandler<InputOf<"mark_duplicate">> = async (input, ctx) => {
  const { tx, report, actor, now, deps } = ctx;
  const { features } = deps;
  const original = await findReport(tx, input.of);
  if (!original)
    throw badRequest("The original report does not exist.", {
      of: "No report has that id or reference.",
    });
  await assertNoDuplicateCycle(tx, report, original);
  return {
    request: {
      action: "mark_duplicate",
      originalId: original.id,
      reportId: report.id,
      message: input.message,
    },
    apply: async () => {
      const credit = await duplicateCreditRecord(features, tx, report, original);
      const notice = await duplicateNoticeForReporter(features, tx, input.message, original);
      // The original's own timeline records that a duplicate now points to it (the reporter's view never shows it).
      await appendAuditEvent(
        tx,
        {
          actorType: "user",
          actorId: actor.id,
          action: "report.duplicate_linked",
          reportId: original.id,
          data: { duplicateId: report.id, duplicateReference: report.reference },
        },
        now,
      );
      return {
        patch: {
          rejectionReason: "duplicate",
          resolvedAt: now,
          duplicateOfId: original.id,
          rejectionUndo: rejectionRecord(report, now, "duplicate"),
        },
        audit: {
          originalId: original.id,
          originalReference: original.reference,
          ...credit,
          reason: "duplicate",
        },
        toReporter: { kind: "rejection", body: notice },
      };
    },
  };
};
