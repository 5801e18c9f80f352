/**
 * Verify fix: a second member confirms that a fix works. The input names a fix by id or a pushed commit by its full
 * SHA (or nothing: the latest fix, or its branch's head). The domain refuses the fix's creator, a commit's pusher
 * and git author, and a commit that is not its branch's head; a commit's verification is bound to its SHA.
 */
import { branchName, findFixToVerify, fullShaOf } from "../../../domain/workflow.ts";
import { insertFixVerification } from "../reports.repo.ts";
import type { ActionHandler, InputOf } from "./action.types.ts";

export const verifyFix: ActionHandler<InputOf<"verify_fix">> = async (input, ctx) => ({
  request: { action: "verify_fix", fix: input.fix ?? null, verifierId: ctx.actor.id },
  apply: async () => {
    // decide() found this fix and allowed it; the lookup is the same pure function over the same facts.
    const fix = findFixToVerify(ctx.facts, input.fix ?? null)!;
    const sha = fullShaOf(fix.sha);
    await insertFixVerification(ctx.tx, { fixId: fix.id, verifierId: ctx.actor.id, sha, createdAt: ctx.now });
    return {
      audit: {
        fixId: fix.id,
        ...(sha ? { sha } : {}),
        ...(fix.branch ? { branch: branchName(fix.branch) } : {}),
      },
    };
  },
});
