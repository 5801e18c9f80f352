/** Close: the process is over; the reporter gets the team's final feedback. */
import type { ActionHandler, InputOf } from "./action.types.ts";

export const close: ActionHandler<InputOf<"close">> = async (input, ctx) => ({
  request: { action: "close", message: input.message },
  apply: async () => {
    // On a fixed report the feedback ends with the facts (fix, release, advisory, credit, bounty); not on a rejection.
    const summary = (await ctx.deps.features.credits?.finalFeedbackSummary(ctx.tx, ctx.report.id)) ?? null;
    return {
      // Closing is final feedback: the rejection before it can no longer be undone.
      patch: { closedAt: ctx.now, rejectionUndo: null },
      toReporter: {
        kind: "final_feedback",
        body: summary ? `${input.message}\n\n${summary}` : input.message,
      },
    };
  },
});
