/**
 * Release: the fix has shipped, which resolves the report. It records how the fix was verified, or why it was
 * released without a passed verification.
 */
import type { ActionHandler, InputOf } from "./action.types.ts";

export const release: ActionHandler<InputOf<"release">> = async (input, ctx) => {
  const verification = input.verification ?? null;
  const overrideReason = input.override_reason;
  return {
    request: { action: "release", verification, overrideReason },
    apply: async () => ({
      patch: {
        releaseVerification: verification,
        releaseOverrideReason: overrideReason,
        resolvedAt: ctx.now,
      },
      audit: { verification, overrideReason },
    }),
  };
};
