/** Disclose: the vulnerability is made public, with the advisory's URL or the reason there is none. */
import type { ActionHandler, InputOf } from "./action.types.ts";

export const disclose: ActionHandler<InputOf<"disclose">> = async (input) => {
  const advisoryUrl = input.advisory_url;
  const noAdvisoryReason = input.no_advisory_reason;
  return {
    request: { action: "disclose", advisoryUrl, noAdvisoryReason },
    apply: async () => {
      const patch = { advisoryUrl, noAdvisoryReason: advisoryUrl ? null : noAdvisoryReason };
      return { patch, audit: { advisoryUrl: patch.advisoryUrl, noAdvisoryReason: patch.noAdvisoryReason } };
    },
  };
};
