/** Start triage: the Response Manager begins assessing the report, which meets the triage deadline. */
import type { ActionHandler, InputOf } from "./action.types.ts";

export const startTriage: ActionHandler<InputOf<"start_triage">> = async (_input, ctx) => ({
  request: { action: "start_triage" },
  apply: async () => ({ patch: { triagedAt: ctx.now } }),
});
