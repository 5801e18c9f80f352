import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { CurrentUser } from "../../core/actors.ts";
import { type Db, transaction } from "../../core/db.ts";
import { badRequest, forbidden, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import type { VerificationCheck } from "../../db/schema.ts";
import { checkArtifactUrl } from "../../domain/artifact-url.ts";
import { can } from "../../domain/permissions.ts";
import { createVerificationRun } from "./verification-run.service.ts";
import {
  coveredReports,
  insertVerification,
  passedCovering,
  reportsByReferences,
  type VerificationRow,
  verificationById,
  verificationsOfReport,
} from "./verifications.repo.ts";
import { verificationSchema } from "./verifications.schema.ts";
import type { VerificationsDeps } from "./verifications.types.ts";
import { VERIFICATION_RUN } from "./verifications-queue.jobs.ts";

/** A verification as the API and the report page show it: never the sealed upload. */
export interface VerificationView {
  id: string;
  repository: string;
  tag: string;
  tagSha: string | null;
  status: VerificationRow["status"];
  checks: VerificationCheck[];
  artifactName: string | null;
  artifactSha256: string | null;
  errorDetail: string | null;
  reports: string[];
  createdAt: Date;
  finishedAt: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Package verifications (issue 12 §5): a member asks whether a release tag holds the reports' fixes; a job answers. */
export function createVerificationsService(deps: VerificationsDeps) {
  const { db, clock, cipher, jobs } = deps;
  const repositoryName = async (id: string) =>
    (await deps.repositories.list()).find((r) => r.id === id)?.name ?? id;
  const viewOf = (row: VerificationRow, repository: string, reports: string[]): VerificationView => ({
    id: row.id,
    repository,
    tag: row.tag,
    tagSha: row.tagSha,
    status: row.status,
    checks: row.checks,
    artifactName: row.artifactName,
    artifactSha256: row.artifactSha256,
    errorDetail: row.errorDetail,
    reports,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  });

  return {
    /**
     * Starts a verification: checks the input (a 400 names each wrong field, and nothing is stored), stores it
     * with the upload sealed under the data key, writes a timeline event on each covered report and queues the
     * job, all in one transaction. Members who can act on reports may; viewers may not.
     */
    async start(actor: CurrentUser, input: unknown): Promise<{ id: string }> {
      if (!can(actor.role, "report.act")) throw forbidden("Viewers cannot start package verifications.");
      const parsed = verificationSchema.safeParse(input);
      if (!parsed.success) throw badRequest("Some fields are not valid.", zodFieldErrors(parsed.error));
      const values = parsed.data;
      const fields: Record<string, string> = {};
      const repository = (await deps.repositories.list()).find(
        (r) => r.name === values.repository || r.id === values.repository,
      );
      if (!repository) fields.repository = `No repository named ${values.repository} is registered.`;
      const references = [...new Set(values.reports.map((r) => r.toUpperCase()))];
      const found = await reportsByReferences(db, references);
      const missing = references.filter((r) => !found.some((f) => f.reference === r));
      if (missing.length > 0) fields.reports = `No report ${missing.join(", ")}.`;
      const artifact = values.artifact ?? null;
      let artifactUrl: string | null = null;
      if (artifact && "url" in artifact) {
        const rule = checkArtifactUrl(artifact.url, deps.allowPrivateHosts);
        if (rule.ok) artifactUrl = rule.url;
        else fields.artifact = `The ${rule.problem.replace(/^the /, "")}.`;
      }
      if (Object.keys(fields).length > 0 || !repository)
        throw badRequest("Some fields are not valid.", fields);
      return transaction(db, async (tx) => {
        const now = clock();
        const row = await insertVerification(
          tx,
          {
            repositoryId: repository.id,
            tag: values.tag,
            status: "queued",
            createdBy: actor.id,
            createdAt: now,
            artifactUrl,
            ...(artifact && "content" in artifact
              ? { artifactName: artifact.filename, artifactEnc: cipher.encrypt(artifact.content) }
              : {}),
          },
          found.map((r) => r.id),
        );
        for (const report of found)
          await appendAuditEvent(
            tx,
            {
              actorType: "user",
              actorId: actor.id,
              action: "verification.requested",
              reportId: report.id,
              data: { verificationId: row.id, repository: repository.name, tag: values.tag },
            },
            now,
          );
        await jobs.send(tx, VERIFICATION_RUN, { verificationId: row.id }, { singletonKey: row.id });
        return { id: row.id };
      });
    },

    /** One verification; a 404 for an id that is not one. */
    async get(id: string): Promise<VerificationView> {
      const row = UUID.test(id) ? await verificationById(db, id) : null;
      if (!row) throw notFound("Verification");
      const reports = (await coveredReports(db, id)).map((r) => r.reference);
      return viewOf(row, await repositoryName(row.repositoryId), reports);
    },

    /** A report's verifications, newest first, for its page. */
    async forReport(reportId: string): Promise<VerificationView[]> {
      const rows = await verificationsOfReport(db, reportId);
      return Promise.all(
        rows.map(async ({ v, repository }) =>
          viewOf(
            v,
            repository,
            (await coveredReports(db, v.id)).map((r) => r.reference),
          ),
        ),
      );
    },

    /** The newest passed verification covering the report, for the release guard (read in its transaction). */
    async passedCovering(reportId: string, dbOrTx: Db = db): Promise<{ id: string; tag: string } | null> {
      const row = await passedCovering(dbOrTx, reportId);
      return row ? { id: row.id, tag: row.tag } : null;
    },

    /** The job's work; see verification-run.service.ts. */
    run: createVerificationRun(deps),
  };
}

export type VerificationsService = ReturnType<typeof createVerificationsService>;
