import fs from "node:fs";
import path from "node:path";
import type { CurrentUser } from "../../core/actors.ts";
import type { Db, Tx } from "../../core/db.ts";
import { badRequest, conflict } from "../../core/errors.ts";
import { sha256Hex } from "../../crypto/tokens.ts";
import { fixAccessTokenLive } from "../../domain/consultation.ts";
import { branchNameProblem, isFullSha, refNameProblem } from "../../domain/git-refs.ts";
import { isReference } from "../../domain/ids.ts";
import { can } from "../../domain/permissions.ts";
import { createFixRepo, writePushHooks } from "../../git/fix-repo.ts";
import { GitError, resolveRef } from "../../git/git.ts";
import { fixRepoDir } from "../../git/store.ts";
import { createFixPushes } from "./fix-push.service.ts";
import {
  accessTokenByHash,
  fixRepositoryOf,
  insertFixRepository,
  servedReport,
  upsertFixBranch,
} from "./fixes.repo.ts";
import type { FixesDeps } from "./fixes.types.ts";

/** What creating a fix repository recorded, for the action's audit event. */
export interface CreatedFixRepository {
  repositoryId: string;
  repository: string;
  branch: string;
  baseRef: string;
  baseSha: string;
  cloneUrl: string;
}

/** Who may reach a fix repository over /git/, and how far: members by role, tokens fetch only. */
export interface GitAccess {
  reportId: string;
  reference: string;
  repoDir: string;
  mayPush: boolean;
  /** The member a push is recorded for; null for fix-access tokens, which never push. */
  pusherId: string | null;
  remoteUser: string;
}

/** Private fix repositories: creating one per report, who may reach it over git, and recording pushes. */
export function createFixesService(deps: FixesDeps) {
  const { db, clock } = deps;
  const hooksDir = path.join(path.resolve(deps.gitDir), "hooks");
  let hooksWritten = false;
  const repoDir = (reportId: string) => fixRepoDir(deps.gitDir, reportId);
  const cloneUrl = (reference: string) => `${deps.publicUrl}/git/${reference}.git`;

  /** The registered repository a fix branch is made in: the one named (id or name), else the asset's. */
  async function chooseRepository(tx: Tx, named: string | null, assetRepositoryId: string | null) {
    const all = await deps.repositories.list(tx);
    if (named) {
      const found = all.find((r) => r.id === named || r.name === named);
      if (!found)
        throw badRequest("Choose a registered repository.", {
          repository: `There is no registered repository ${JSON.stringify(named)}.`,
        });
      return found;
    }
    const fromAsset = assetRepositoryId ? all.find((r) => r.id === assetRepositoryId) : undefined;
    if (!fromAsset)
      throw badRequest("Choose the repository for the fix branch.", {
        repository:
          "This report's asset names no repository, so choose one (an admin registers repositories under Admin → Repositories).",
      });
    return fromAsset;
  }

  /** The commit `base` names in the mirror: a branch, a tag, a full ref or a full SHA; null when none. */
  async function resolveBase(mirror: string, base: string): Promise<{ ref: string; sha: string } | null> {
    const tryRef = async (ref: string) => {
      try {
        const sha = await resolveRef(mirror, ref);
        return sha ? { ref, sha } : null;
      } catch (error) {
        if (error instanceof GitError && error.kind === "invalid") return null;
        throw error;
      }
    };
    if (isFullSha(base)) return tryRef(base);
    if (base.startsWith("refs/heads/") || base.startsWith("refs/tags/"))
      return refNameProblem(base) ? null : tryRef(base);
    if (refNameProblem(base, { oneLevel: true })) return null;
    return (
      (branchNameProblem(base) ? null : await tryRef(`refs/heads/${base}`)) ?? tryRef(`refs/tags/${base}`)
    );
  }

  return {
    cloneUrl,
    repoDir,

    /** The clone URL of the report's fix repository, or null while it has none (create_fix_branch asks). */
    async existingCloneUrl(dbOrTx: Db, report: { id: string; reference: string }): Promise<string | null> {
      return (await fixRepositoryOf(dbOrTx, report.id)) ? cloneUrl(report.reference) : null;
    },

    /** What the report page's create-fix-branch form needs: the clone URL once there is one, else the choices. */
    async branchForm(report: { id: string; reference: string }) {
      const url = (await fixRepositoryOf(db, report.id)) ? cloneUrl(report.reference) : null;
      const repositories = url ? [] : (await deps.repositories.list()).map(({ id, name }) => ({ id, name }));
      return { cloneUrl: url, repositories };
    },

    /**
     * Creates the report's private fix repository inside the create_fix_branch action's transaction: the
     * repository and base are resolved in the mirror (400 naming the field when they cannot be), the bare
     * repository is made under the repository's advisory lock, and its rows are written in `tx`. A rollback
     * leaves a directory without a row, which the next creation replaces.
     */
    async createRepository(
      tx: Tx,
      input: {
        report: { id: string; reference: string };
        assetRepositoryId: string | null;
        actorId: string;
        repository: string | null;
        base: string | null;
        now: Date;
      },
    ): Promise<CreatedFixRepository> {
      const repo = await chooseRepository(tx, input.repository, input.assetRepositoryId);
      const mirror = deps.repositories.mirrorPath(repo.id);
      const defaultRef = `refs/heads/${repo.defaultBranch}`;
      const defaultSha = fs.existsSync(mirror) ? await resolveRef(mirror, defaultRef) : null;
      if (!defaultSha)
        throw conflict(
          "mirror_not_ready",
          `The mirror of ${repo.name} has no branch ${repo.defaultBranch} yet: fetch the repository (Admin → Repositories) and try again.`,
        );
      const base = input.base ? await resolveBase(mirror, input.base) : { ref: defaultRef, sha: defaultSha };
      if (!base)
        throw badRequest("The base was not found.", {
          base: `${repo.name} has no branch, tag or commit ${JSON.stringify(input.base)}; give a branch or tag name, or a full 40-character SHA.`,
        });
      const branch = `refs/heads/fix/${input.report.reference}`;
      await deps.repositories.withRepositoryLock(repo.id, () =>
        createFixRepo(repoDir(input.report.id), {
          mirrorDir: mirror,
          refs: { [defaultRef]: defaultSha, [branch]: base.sha },
          head: branch,
        }),
      );
      await insertFixRepository(tx, {
        reportId: input.report.id,
        repositoryId: repo.id,
        branch,
        baseRef: base.ref,
        baseSha: base.sha,
        createdBy: input.actorId,
        createdAt: input.now,
      });
      await upsertFixBranch(tx, {
        reportId: input.report.id,
        ref: branch,
        headSha: base.sha,
        updatedBy: input.actorId,
        updatedAt: input.now,
      });
      return {
        repositoryId: repo.id,
        repository: repo.name,
        branch,
        baseRef: base.ref,
        baseSha: base.sha,
        cloneUrl: cloneUrl(input.report.reference),
      };
    },

    /**
     * What a credential may do with a report's fix repository, or null for "not found": an unknown report, one
     * without a fix repository, and every credential that does not open it all look the same to the client.
     * A member reaches it by role (fetch with report.read, push with report.act); a fix-access token only the
     * report it was made for, while neither revoked nor expired, and a reporter's only while consultation allows.
     */
    async gitAccess(
      reference: string,
      secret: string,
      member: CurrentUser | null,
    ): Promise<GitAccess | null> {
      if (!isReference(reference)) return null;
      const served = await servedReport(db, reference);
      if (!served?.repository) return null;
      const dir = repoDir(served.reportId);
      if (!fs.existsSync(dir)) return null;
      const base = { reportId: served.reportId, reference: served.reference, repoDir: dir };
      if (member) {
        if (!can(member.role, "report.read")) return null;
        const mayPush = can(member.role, "report.act");
        return { ...base, mayPush, pusherId: mayPush ? member.id : null, remoteUser: member.email };
      }
      const token = await accessTokenByHash(db, sha256Hex(secret));
      if (!token || token.reportId !== served.reportId) return null;
      // A reporter's token follows consultation's rule (the tracking page asks the same); a CI token only its own.
      const now = clock();
      const live =
        token.kind === "reporter"
          ? fixAccessTokenLive(token, served.state, now)
          : !token.revokedAt && (!token.expiresAt || token.expiresAt.getTime() > now.getTime());
      if (!live) return null;
      return { ...base, mayPush: false, pusherId: null, remoteUser: `${token.kind}-token` };
    },

    /** The hooks directory the served repositories run (core.hooksPath), written on first use. */
    pushHooksDir(): string {
      if (!hooksWritten) {
        writePushHooks(hooksDir);
        hooksWritten = true;
      }
      return hooksDir;
    },

    // afterPush is read at each push: services.ts binds it once the reports feature exists.
    ...createFixPushes({
      ...deps,
      repoDir,
      cloneUrl,
      afterPush: (tx, reportId) => deps.afterPush?.(tx, reportId) ?? Promise.resolve(),
    }),
  };
}

export type FixesService = ReturnType<typeof createFixesService>;
