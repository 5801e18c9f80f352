// Package verifications (issue 12 §5): whether a tagged release, and optionally its artifact, holds the fixes of
// the reports it covers. The job fills in status and checks; an uploaded artifact waits sealed until it is read.

import { index, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns.ts";
import { reports } from "./reports.ts";
import { repositories } from "./repositories.ts";
import { users } from "./team.ts";

/** One check of a verification, as `GET /api/v1/verifications/:id` lists it. */
export interface VerificationCheck {
  kind: "ancestry" | "artifact_file" | "tag_signature";
  subject: string;
  result: "pass" | "fail" | "warn" | "skip";
  detail: string;
}

/**
 * A verification of one tag of one registered repository. `tag_sha` is the commit the tag named when the job
 * fetched it. An uploaded artifact is kept sealed under the data key in `artifact_enc` only until the job has
 * read it (then null); a URL is kept, since it names where the archive came from. `error_detail` says why a
 * verification could not run (status `error`), e.g. a missing tag.
 */
export const packageVerifications = pgTable(
  "package_verifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    repositoryId: uuid("repository_id")
      .notNull()
      .references(() => repositories.id),
    tag: text("tag").notNull(),
    tagSha: text("tag_sha"),
    status: text("status", { enum: ["queued", "running", "passed", "failed", "error"] })
      .notNull()
      .default("queued"),
    checks: jsonb("checks").$type<VerificationCheck[]>().notNull().default([]),
    artifactName: text("artifact_name"),
    artifactUrl: text("artifact_url"),
    artifactEnc: text("artifact_enc"),
    artifactSha256: text("artifact_sha256"),
    errorDetail: text("error_detail"),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
  },
  (t) => [index("package_verifications_repository_idx").on(t.repositoryId, t.createdAt)],
);

/** The reports a verification covers: a passed one lets each of them be released. */
export const packageVerificationReports = pgTable(
  "package_verification_reports",
  {
    verificationId: uuid("verification_id")
      .notNull()
      .references(() => packageVerifications.id, { onDelete: "cascade" }),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.verificationId, t.reportId] }),
    index("package_verification_reports_report_idx").on(t.reportId),
  ],
);
