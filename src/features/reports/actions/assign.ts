/**
 * Assign: makes a team member the report's Response Manager, who drives it through the process. Only active
 * responders or admins with a usable key may manage a report, since mail about it is encrypted to them; they
 * get an alert unless they assigned themselves.
 */
import { AppError, badRequest } from "../../../core/errors.ts";
import type { ActionHandler, InputOf } from "./action.types.ts";

export const assign: ActionHandler<InputOf<"assign">> = async (input, ctx) => {
  const { tx, report, actor, now, deps } = ctx;
  const { team, keys, alerts } = deps.features;
  const assignee = await team.byEmail(input.assignee, tx);
  if (!assignee?.active) {
    throw badRequest("No active team member has that email.", {
      assignee: "No active team member has that email.",
    });
  }
  if (assignee.role === "viewer") {
    throw badRequest("Viewers cannot be Response Managers.", {
      assignee: "Viewers cannot be Response Managers; choose a responder or admin.",
    });
  }
  // Mail about a report is encrypted to its Response Manager: without a usable key nobody may manage one.
  const keyProblem = await keys.memberKeyProblemIn(tx, assignee.id, now);
  if (keyProblem) {
    throw new AppError("guard_failed", 409, `${assignee.name} cannot be assigned reports yet. ${keyProblem}`);
  }
  return {
    request: { action: "assign", assigneeId: assignee.id },
    apply: async () => {
      await team.recordAssignment(tx, assignee.id, now);
      if (assignee.id !== actor.id) {
        const occurrence = `${report.id}:${assignee.id}:${now.getTime()}`;
        await alerts.queue(tx, {
          event: "report_assigned",
          reportId: report.id,
          userIds: [assignee.id],
          occurrence,
        });
      }
      return {
        patch: { assigneeId: assignee.id },
        audit: {
          assignee: { id: assignee.id, email: assignee.email, name: assignee.name },
          previousAssigneeId: report.assigneeId,
        },
      };
    },
  };
};
