/**
 * Verify fix: a second member confirms that a fix works (the named one, or the latest); the domain refuses
 * verification by the fix's own author.
 */
import { insertFixVerification } from "../reports.repo.ts";
import type { ActionHandler, InputOf } from "./action.types.ts";

export const verifyFix: ActionHandler<InputOf<"verify_fix">> = async (input, ctx) => ({
  request: { action: "verify_fix", fixId: input.fix ?? null, verifierId: ctx.actor.id },
  apply: async () => {
    const fixId = input.fix ?? ctx.facts.fixes.at(-1)!.id;
    await insertFixVerification(ctx.tx, { fixId, verifierId: ctx.actor.id, createdAt: ctx.now });
    return { audit: { fixId } };
  },
});
