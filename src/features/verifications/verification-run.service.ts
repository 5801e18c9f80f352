/**
 * The package verification job's work: fetch the upstream (the tag with it) under the repository's advisory
 * lock, then the checks: `ancestry` per fix, `artifact_file` per fixed file when an artifact was given, and
 * `tag_signature`. Failed when any check fails, passed otherwise; error when it could not run (no tag, no fetch).
 * Each outcome is stored with the checks, and an audit event on each covered report puts it on the timeline.
 */
import fs from "node:fs";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import { transaction } from "../../core/db.ts";
import type { VerificationCheck } from "../../db/schema.ts";
import { blobAtTag, GitError } from "../../git/git.ts";
import { readTag } from "../../git/history.ts";
import { fixRepoDir } from "../../git/store.ts";
import { checkAncestry } from "./ancestry.ts";
import { DEFAULT_ARCHIVE_LIMITS } from "./archive.types.ts";
import { checkArtifact } from "./artifact.ts";
import { downloadArtifact } from "./artifact-download.adapter.ts";
import { checkTagSignature, type TrustedSigningKey } from "./tag-signature.adapter.ts";
import {
  activeMemberKeys,
  coveredReports,
  fixesOf,
  lockVerification,
  updateVerification,
  type VerificationRow,
  verificationById,
} from "./verifications.repo.ts";
import type { VerificationsDeps } from "./verifications.types.ts";

type Outcome = {
  status: "passed" | "failed" | "error";
  checks: VerificationCheck[];
  tagSha?: string | null;
  artifactSha256?: string | null;
  artifactName?: string | null;
  errorDetail?: string | null;
};

const MAX_DETAIL = 1000;

export function createVerificationRun(deps: VerificationsDeps) {
  const { db, clock, cipher } = deps;

  /** Marks the verification running; null when another delivery already finished it. */
  async function begin(id: string): Promise<VerificationRow | null> {
    return transaction(db, async (tx) => {
      const row = await lockVerification(tx, id);
      if (!row || (row.status !== "queued" && row.status !== "running")) return null;
      const now = clock();
      await updateVerification(tx, id, { status: "running", startedAt: now });
      await appendAuditEvent(
        tx,
        {
          actorType: "system",
          actorId: null,
          action: "verification.started",
          reportId: null,
          data: { verificationId: id, tag: row.tag, repositoryId: row.repositoryId },
        },
        now,
      );
      return row;
    });
  }

  /** Stores the outcome, drops the sealed upload, and puts a line on each covered report's timeline. */
  async function finish(row: VerificationRow, outcome: Outcome): Promise<void> {
    const reports = await coveredReports(db, row.id);
    await transaction(db, async (tx) => {
      const now = clock();
      await updateVerification(tx, row.id, {
        status: outcome.status,
        checks: outcome.checks,
        tagSha: outcome.tagSha ?? null,
        artifactSha256: outcome.artifactSha256 ?? null,
        ...(outcome.artifactName ? { artifactName: outcome.artifactName } : {}),
        errorDetail: outcome.errorDetail?.slice(0, MAX_DETAIL) ?? null,
        artifactEnc: null,
        finishedAt: now,
      });
      const count = (result: string) => outcome.checks.filter((c) => c.result === result).length;
      for (const report of reports)
        await appendAuditEvent(
          tx,
          {
            actorType: "system",
            actorId: null,
            action: "verification.finished",
            reportId: report.id,
            data: {
              verificationId: row.id,
              tag: row.tag,
              status: outcome.status,
              failed: count("fail"),
              warnings: count("warn"),
              ...(outcome.errorDetail ? { error: outcome.errorDetail.slice(0, MAX_DETAIL) } : {}),
            },
          },
          now,
        );
    });
  }

  /** The artifact's bytes: the sealed upload, or a download; a reason instead when there are none. */
  async function artifactBytes(
    row: VerificationRow,
  ): Promise<{ archive: Buffer; name: string } | { error: string } | null> {
    const limits = deps.archiveLimits ?? DEFAULT_ARCHIVE_LIMITS;
    if (row.artifactEnc)
      return { archive: cipher.decrypt(row.artifactEnc), name: row.artifactName ?? "artifact" };
    if (!row.artifactUrl) return null;
    const download = await downloadArtifact(row.artifactUrl, deps.allowPrivateHosts, limits.maxArchiveBytes);
    return download.ok ? { archive: download.archive, name: download.name } : { error: download.error };
  }

  async function checksFor(row: VerificationRow, mirror: string, tagCommit: string): Promise<Outcome> {
    const checks: VerificationCheck[] = [];
    const reports = await coveredReports(db, row.id);
    const fixes = await fixesOf(
      db,
      reports.map((r) => r.id),
    );
    // ancestry: each fix, looked for in its report's fix repository (which sees the mirror's objects) first.
    for (const fix of fixes) {
      const fixRepo = fixRepoDir(deps.gitDir, fix.reportId);
      const dirs = fs.existsSync(fixRepo) ? [fixRepo, mirror] : [mirror];
      checks.push(await checkAncestry(fix, { name: row.tag, commit: tagCommit }, dirs));
    }
    if (fixes.length === 0)
      checks.push({
        kind: "ancestry",
        subject: reports.map((r) => r.reference).join(", "),
        result: "skip",
        detail: "The reports have no fixes recorded, so there is nothing to look for in the tag",
      });
    // artifact_file: every file the fixes changed, compared by blob hash with the file at the tag.
    let artifactSha256: string | null = null;
    let artifactName: string | null = null;
    const artifact = await artifactBytes(row);
    if (artifact && "error" in artifact) {
      checks.push({
        kind: "artifact_file",
        subject: row.artifactUrl ?? "artifact",
        result: "fail",
        detail: `The artifact could not be downloaded: ${artifact.error}`,
      });
    } else if (artifact) {
      artifactName = artifact.name;
      const paths = [...new Set(fixes.flatMap((f) => f.files ?? []))];
      const files = [];
      for (const path of paths) {
        try {
          files.push({ path, expectedBlob: await blobAtTag(mirror, row.tag, path) });
        } catch (error) {
          // A path git refuses is no plain relative path, which the artifact check skips with the reason.
          if (!(error instanceof GitError) || error.kind !== "invalid") throw error;
          files.push({ path, expectedBlob: null });
        }
      }
      const result = await checkArtifact({
        archive: artifact.archive,
        name: artifact.name,
        files,
        ...(deps.archiveLimits ? { limits: deps.archiveLimits } : {}),
      });
      artifactSha256 = result.artifactSha256;
      checks.push(...result.checks);
      if (paths.length === 0 && result.refused === null)
        checks.push({
          kind: "artifact_file",
          subject: artifact.name,
          result: "skip",
          detail: "No fix names the files it changed, so no file of the artifact can be compared",
        });
    }
    // tag_signature: the members' keys and the repository's release-signing key.
    const tag = await readTag(mirror, row.tag);
    if (tag) {
      const trusted: TrustedSigningKey[] = (await activeMemberKeys(db)).map((k) => ({
        armored: k.armored,
        owner: `${k.name} <${k.email}>`,
      }));
      const repository = (await deps.repositories.list()).find((r) => r.id === row.repositoryId);
      if (repository?.releaseSigningKey)
        trusted.push({
          armored: repository.releaseSigningKey,
          owner: `the release-signing key of ${repository.name}`,
        });
      checks.push(await checkTagSignature(row.tag, tag, trusted, clock()));
    }
    const failed = checks.some((c) => c.result === "fail");
    return {
      status: failed ? "failed" : "passed",
      checks,
      tagSha: tagCommit,
      artifactSha256,
      artifactName,
    };
  }

  /**
   * Runs one verification; a second delivery of a finished one does nothing. Git and download problems become
   * its result; anything else is recorded as an error too (so no verification stays "running"), and logged.
   */
  return async function run(id: string): Promise<Outcome | null> {
    const existing = await verificationById(db, id);
    if (!existing) return null;
    const row = await begin(id);
    if (!row) return null;
    let outcome: Outcome;
    try {
      const fetched = await deps.repositories.fetch(row.repositoryId);
      const mirror = deps.repositories.mirrorPath(row.repositoryId);
      const tag = fetched.ok ? await readTag(mirror, row.tag) : null;
      if (!fetched.ok)
        outcome = {
          status: "error",
          checks: [],
          errorDetail: `The upstream could not be fetched, so the tag ${row.tag} was not checked: ${fetched.error}`,
        };
      else if (!tag)
        outcome = {
          status: "error",
          checks: [],
          errorDetail: `The tag ${row.tag} is not in the upstream (fetched just now). Push the tag, or check its name, and start the verification again.`,
        };
      else outcome = await checksFor(row, mirror, tag.commit);
    } catch (error) {
      const why =
        error instanceof GitError
          ? error.message
          : "an internal error stopped it (the server log has the details)";
      outcome = { status: "error", checks: [], errorDetail: `The verification could not finish: ${why}` };
      if (!(error instanceof GitError))
        deps.logger?.error({ err: error, verificationId: id }, "verification failed");
    }
    await finish(row, outcome);
    return outcome;
  };
}
