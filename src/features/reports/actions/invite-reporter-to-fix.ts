/**
 * Invite the reporter to check the fix: the team's message reaches the reporter like any reporter-visible update,
 * and their tracking page then shows the fix branch's diff against its base and offers read-only clone access.
 * The invitation records the branch and the head the reporter was shown, and points at the message it sent.
 */
import { randomUUID } from "node:crypto";
import { findFixBranchHead, findFixRepository, insertConsultation } from "../consultation.repo.ts";
import type { ActionHandler, InputOf } from "./action.types.ts";

export const inviteReporterToFix: ActionHandler<InputOf<"invite_reporter_to_fix">> = async (input, ctx) => ({
  request: { action: "invite_reporter_to_fix", message: input.message },
  apply: async () => {
    // decide() allowed it, so the fix repository exists (the report is locked: it cannot go away meanwhile).
    const repository = (await findFixRepository(ctx.tx, ctx.report.id))!;
    const headSha = await findFixBranchHead(ctx.tx, ctx.report.id, repository.branch);
    const consultationId = randomUUID();
    return {
      toReporter: { kind: "message", body: input.message },
      audit: { consultationId, branch: repository.branch, headSha },
      afterAudit: async ({ reporterMessageId }) => {
        await insertConsultation(ctx.tx, {
          id: consultationId,
          reportId: ctx.report.id,
          messageId: reporterMessageId!,
          invitedBy: ctx.actor.id,
          invitedAt: ctx.now,
          branch: repository.branch,
          headSha,
        });
      },
    };
  },
});
