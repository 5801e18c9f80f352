/**
 * Release: the fix has shipped, which resolves the report. It needs a passed package verification that covers
 * the report (read in this transaction, so a verification finishing meanwhile is seen), or an override with a
 * reason, which is recorded.
 */
import type { ActionHandler, InputOf } from "./action.types.ts";

export const release: ActionHandler<InputOf<"release">> = async (input, ctx) => {
  const passed = await ctx.deps.features.verifications.passedCovering(ctx.report.id, ctx.tx);
  const overrideReason = input.override_reason;
  return {
    request: { action: "release", passedVerificationId: passed?.id ?? null, overrideReason },
    apply: async () => {
      // A passed verification is the evidence when there is one; an override reason is kept beside it either way.
      const verification = passed ? "passed" : null;
      return {
        patch: {
          releaseVerification: verification,
          releaseOverrideReason: overrideReason,
          resolvedAt: ctx.now,
        },
        audit: {
          verification,
          overrideReason,
          ...(passed ? { verificationId: passed.id, tag: passed.tag } : {}),
        },
      };
    },
  };
};
