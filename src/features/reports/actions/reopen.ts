/**
 * Reopen: a closed or rejected report goes back into the process; its closing, resolution, rejection reason and
 * duplicate link are cleared, and the reason is recorded.
 */
import type { ActionHandler, InputOf } from "./action.types.ts";

export const reopen: ActionHandler<InputOf<"reopen">> = async (input) => ({
  request: { action: "reopen", reason: input.reason },
  apply: async () => ({
    patch: {
      closedAt: null,
      resolvedAt: null,
      rejectionReason: null,
      duplicateOfId: null,
      rejectionUndo: null,
    },
    audit: { reason: input.reason },
  }),
});
