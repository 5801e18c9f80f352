import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { CurrentUser } from "../../core/actors.ts";
import { transaction } from "../../core/db.ts";
import { badRequest } from "../../core/errors.ts";
import { BOUNTY_SEVERITIES, type BountyPolicy, policyProblems } from "../../domain/bounty.ts";
import { CHAIN_METHODS, type ChainMethod, explorerProblem } from "../../domain/bounty-export.ts";
import { findPolicy, savePolicy } from "./bounties.repo.ts";
import type { BountiesDeps } from "./bounty-common.ts";
import { actorOf, type BountyPolicyView, objectOf, policyView, requireAdmin } from "./bounty-common.ts";

export type { BountyPolicyView } from "./bounty-common.ts";

/** The bounty policy admins set: currency, ranges per severity, what earns nothing, block-explorer links. */
export function createBountyPolicies(deps: BountiesDeps) {
  const { db, clock } = deps;
  return {
    async policy(): Promise<BountyPolicyView | null> {
      return policyView(await findPolicy(db));
    },

    /** Sets the policy; every wrong part is named in fields (ranges.<severity>, explorers.<chain>). */
    async setPolicy(actor: CurrentUser, raw: unknown): Promise<BountyPolicyView> {
      requireAdmin(actor, "set the bounty policy");
      const body = objectOf(raw);
      const fields: Record<string, string> = {};
      const rangesIn = body.ranges ?? {};
      const ranges: BountyPolicy["ranges"] = {};
      if (typeof rangesIn !== "object" || rangesIn === null || Array.isArray(rangesIn))
        fields.ranges = "Give the ranges as an object by severity.";
      else
        for (const [key, value] of Object.entries(rangesIn)) {
          if (!(BOUNTY_SEVERITIES as readonly string[]).includes(key)) {
            fields[`ranges.${key}`] = `Severities are ${BOUNTY_SEVERITIES.join(", ")}.`;
            continue;
          }
          if (value === null) continue;
          const r = value as { min?: unknown; max?: unknown };
          ranges[key as keyof BountyPolicy["ranges"]] = { min: r?.min as number, max: r?.max as number };
        }
      const scope = body.noBountyScope === undefined || body.noBountyScope === "" ? null : body.noBountyScope;
      const policy: BountyPolicy = {
        currency: body.currency as string,
        ranges,
        noBountyScope: scope as string | null,
      };
      for (const [k, v] of Object.entries(policyProblems(policy)))
        fields[(BOUNTY_SEVERITIES as readonly string[]).includes(k) ? `ranges.${k}` : k] = v as string;
      const explorers: Partial<Record<ChainMethod, string>> = {};
      const explorersIn = body.explorers ?? {};
      if (typeof explorersIn !== "object" || explorersIn === null || Array.isArray(explorersIn))
        fields.explorers = "Give the explorer templates as an object by chain.";
      else
        for (const [chain, template] of Object.entries(explorersIn)) {
          if (!(CHAIN_METHODS as readonly string[]).includes(chain)) {
            fields[`explorers.${chain}`] = `Chains are ${CHAIN_METHODS.join(", ")}.`;
            continue;
          }
          if (template === null || template === "") continue;
          const problem = explorerProblem(template);
          if (problem) fields[`explorers.${chain}`] = problem;
          else explorers[chain as ChainMethod] = template as string;
        }
      if (Object.keys(fields).length > 0) throw badRequest("The bounty policy is not valid.", fields);
      return transaction(db, async (tx) => {
        const now = clock();
        await savePolicy(tx, { ...policy, explorers, updatedBy: actor.id, updatedAt: now });
        await appendAuditEvent(
          tx,
          { ...actorOf(actor), action: "bounty.policy", reportId: null, data: { ...policy, explorers } },
          now,
        );
        return { ...policy, explorers };
      });
    },
  };
}
