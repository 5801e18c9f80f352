/**
 * Reject: the report ends without a fix (invalid, out of scope, not reproducible, informative, won't fix or spam),
 * which resolves it. The reporter is told why, except for spam: replying would confirm that the address works.
 */
import { rejectionRecord } from "../rejection-undo.service.ts";
import type { ActionHandler, InputOf } from "./action.types.ts";

export const reject: ActionHandler<InputOf<"reject">> = async (input, ctx) => ({
  request: { action: "reject", reason: input.reason, message: input.message },
  apply: async () => ({
    patch: {
      rejectionReason: input.reason,
      resolvedAt: ctx.now,
      // What this rejection overwrote, so a wrong click can be undone exactly (undo-rejection.ts).
      rejectionUndo: rejectionRecord(ctx.report, ctx.now, input.reason),
    },
    audit: { reason: input.reason },
    // Spam gets no answer: replying would confirm to the sender that the address works.
    ...(input.reason !== "spam" ? { toReporter: { kind: "rejection", body: input.message ?? "" } } : {}),
  }),
});
