/**
 * Request info: the team asks the reporter a question and waits for the answer (needs-info), which pauses the
 * SLA clock until the reporter replies or the report moves on.
 */
import { startNeedsInfo } from "../needs-info.service.ts";
import type { ActionHandler, InputOf } from "./action.types.ts";

export const requestInfo: ActionHandler<InputOf<"request_info">> = async (input, ctx) => ({
  request: { action: "request_info", message: input.message },
  apply: async () => ({
    toReporter: { kind: "message", body: input.message },
    patch: startNeedsInfo(ctx.now),
  }),
});
