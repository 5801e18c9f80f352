/**
 * Create fix branch: a private fix repository for the report (features/fixes), in the repository named or the
 * one the report's asset names, with fix/<reference> at the base. In Confirmed it also starts remediation; a
 * report that has one already is refused with its clone URL.
 */
import type { ActionHandler, InputOf } from "./action.types.ts";

export const createFixBranch: ActionHandler<InputOf<"create_fix_branch">> = async (input, ctx) => {
  const { fixes, assets } = ctx.deps.features;
  const existingCloneUrl = await fixes.existingCloneUrl(ctx.tx, ctx.report);
  return {
    request: { action: "create_fix_branch", existingCloneUrl },
    apply: async () => {
      const asset = ctx.report.assetId
        ? (await assets.list({}, ctx.tx)).find((a) => a.id === ctx.report.assetId)
        : undefined;
      const created = await fixes.createRepository(ctx.tx, {
        report: ctx.report,
        assetRepositoryId: asset?.repositoryId ?? null,
        actorId: ctx.actor.id,
        repository: input.repository,
        base: input.base,
        now: ctx.now,
      });
      return { audit: { ...created } };
    },
  };
};
