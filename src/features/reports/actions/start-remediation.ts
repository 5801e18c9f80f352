/** Start remediation: work on a fix for the confirmed vulnerability has begun. */
import { type ActionHandler, type InputOf, nothingElse } from "./action.types.ts";

export const startRemediation: ActionHandler<InputOf<"start_remediation">> = async () => ({
  request: { action: "start_remediation" },
  apply: nothingElse,
});
