import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, transaction } from "../../core/db.ts";
import { badRequest, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import type { RepositoriesService } from "../repositories/repositories.service.ts";
import { insertAsset, listAssets, updateAsset } from "./assets.repo.ts";
import { assetSchema } from "./assets.schema.ts";

export function createAssetsService(deps: {
  db: Db;
  clock: Clock;
  repositories: Pick<RepositoriesService, "exists">;
}) {
  const { db, clock } = deps;
  const parse = async (input: unknown) => {
    const parsed = assetSchema.safeParse(input);
    if (!parsed.success) throw badRequest("Some fields are not valid.", zodFieldErrors(parsed.error));
    const { repositoryId } = parsed.data;
    if (repositoryId && !(await deps.repositories.exists(repositoryId)))
      throw badRequest("Some fields are not valid.", { repositoryId: "Choose a registered repository." });
    return parsed.data;
  };
  return {
    /** The scope; reads take the caller's transaction when it has one. */
    list: (opts: { activeOnly?: boolean } = {}, tx: Db = db) => listAssets(tx, opts),

    /** Adds an asset to the scope (in or out). */
    async create(actorId: string, input: unknown) {
      const values = await parse(input);
      return transaction(db, async (tx) => {
        const now = clock();
        const asset = await insertAsset(tx, { ...values, createdAt: now });
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "scope.asset_added",
            reportId: null,
            data: {
              assetId: asset.id,
              name: asset.name,
              inScope: asset.inScope,
              repositoryId: asset.repositoryId,
            },
          },
          now,
        );
        return asset;
      });
    },

    /** Edits an asset; retiring one (active=false) keeps old reports pointing at it. */
    async update(actorId: string, id: string, input: unknown) {
      const values = await parse(input);
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound("Asset");
      return transaction(db, async (tx) => {
        const asset = await updateAsset(tx, id, values);
        if (!asset) throw notFound("Asset");
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "scope.asset_updated",
            reportId: null,
            data: {
              assetId: id,
              name: asset.name,
              inScope: asset.inScope,
              active: asset.active,
              repositoryId: asset.repositoryId,
            },
          },
          clock(),
        );
        return asset;
      });
    },
  };
}

export type AssetsService = ReturnType<typeof createAssetsService>;
