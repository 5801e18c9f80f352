/** Confirm: triage found the vulnerability real and in scope; the report now waits for remediation. */
import { type ActionHandler, type InputOf, nothingElse } from "./action.types.ts";

export const confirm: ActionHandler<InputOf<"confirm">> = async () => ({
  request: { action: "confirm" },
  apply: nothingElse,
});
