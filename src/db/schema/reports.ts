// Reports and everything that belongs to one: reporters, tracking links, the conversation, attachments,
// fixes and their verifications, and severity scores.

import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  real,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { isOpen, REPORT_STATES } from "../../domain/workflow-states.ts";
import { createdAt, ts, tsvector } from "./columns.ts";
import { repositories } from "./repositories.ts";
import { assets } from "./settings.ts";
import { users } from "./team.ts";

/**
 * The inbox's severity order as a number (critical 5 … note 1, none 0). The inbox sorts by this very expression,
 * so the index on it serves the sort.
 */
export const severityRankSql = (severity: AnyPgColumn) =>
  sql`(case ${severity} when 'critical' then 5 when 'high' then 4 when 'medium' then 3 when 'low' then 2 when 'note' then 1 else 0 end)`;

/** The states a report is open in, as SQL literals for the partial index of the open load. */
const OPEN_STATES_SQL = sql.raw(
  REPORT_STATES.filter(isOpen)
    .map((s) => `'${s}'`)
    .join(", "),
);

/** Report numbers for human references (EMB-2026-0001); gaps after a rolled-back intake are harmless. */
export const reportSeq = pgSequence("report_seq", { startWith: 1 });

export const reporters = pgTable("reporters", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email"),
  name: text("name"),
  credit: text("credit", { enum: ["name", "handle", "anonymous"] })
    .notNull()
    .default("anonymous"),
  createdAt: createdAt(),
});

export const reports = pgTable(
  "reports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    seq: bigint("seq", { mode: "number" }).notNull().unique().default(sql`nextval('report_seq')`),
    reference: text("reference").notNull().unique(),
    title: text("title").notNull(),
    assetId: uuid("asset_id").references(() => assets.id),
    weakness: text("weakness").notNull().default(""),
    /** The CVSS vector the reporter proposed, as they wrote it (checked by the CVSS parser); the team's own is a score. */
    reporterCvss: text("reporter_cvss"),
    /** The versions the reporter says are affected, one entry each, in their order. */
    affectedVersions: text("affected_versions").array().notNull().default(sql`'{}'::text[]`),
    /** AES-256-GCM ciphertext of {description, steps, impact}. */
    bodyEnc: text("body_enc").notNull(),
    source: text("source", { enum: ["web", "api", "email"] }).notNull(),
    reporterId: uuid("reporter_id")
      .notNull()
      .references(() => reporters.id),
    state: text("state").notNull().default("new"),
    severity: text("severity"),
    assigneeId: uuid("assignee_id").references(() => users.id),
    rejectionReason: text("rejection_reason"),
    duplicateOfId: uuid("duplicate_of_id"),
    /**
     * What the latest rejection changed, so it can be undone exactly (features/reports/rejection-undo.service):
     * when, why, and the fields it overwrote. Cleared by the undo and by closing or reopening.
     */
    rejectionUndo: jsonb("rejection_undo"),
    releaseVerification: text("release_verification"),
    releaseOverrideReason: text("release_override_reason"),
    advisoryUrl: text("advisory_url"),
    noAdvisoryReason: text("no_advisory_reason"),
    receivedAt: ts("received_at").notNull(),
    acknowledgedAt: ts("acknowledged_at"),
    triagedAt: ts("triaged_at"),
    resolvedAt: ts("resolved_at"),
    closedAt: ts("closed_at"),
    lastReporterUpdateAt: ts("last_reporter_update_at"),
    /** Waiting for the reporter (request_info): the SLA clock is paused since needsInfoSince. */
    needsInfo: boolean("needs_info").notNull().default(false),
    needsInfoSince: ts("needs_info_since"),
    /** Time spent paused in earlier needs-info periods, which pushes the deadlines back. */
    pausedMs: bigint("paused_ms", { mode: "number" }).notNull().default(0),
    /** Keyed hashes of the words of title, body and asset (see features/search). */
    searchIndex: tsvector("search_index"),
    /**
     * The reporter's latest word: the report itself at intake, then each reply. Members' read marks compare to it;
     * null reads as received_at (rows written before the column, or by a bulk import).
     */
    lastReporterMessageAt: ts("last_reporter_message_at"),
    /**
     * Since when the report waits for the team: receipt until acknowledged, then the first reporter message after
     * the team's last reporter-visible update (the SLA's update anchor). Null while the team has had the last word.
     */
    awaitingTeamSince: ts("awaiting_team_since"),
    /** The best duplicate candidate ranked at intake, when it scored at least LIKELY_DUPLICATE_SCORE. */
    likelyDuplicateOfId: uuid("likely_duplicate_of_id"),
    likelyDuplicateScore: real("likely_duplicate_score"),
    acknowledgeBy: ts("acknowledge_by").notNull(),
    triageBy: ts("triage_by").notNull(),
    resolveBy: ts("resolve_by").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [
    index("reports_assignee_idx").on(t.assigneeId),
    index("reports_received_idx").on(t.receivedAt),
    // The inbox's sorts walk these backwards or forwards and stop at the page: no sort of every match.
    index("reports_updated_idx").on(t.updatedAt, t.seq),
    index("reports_severity_rank_idx").on(severityRankSql(t.severity), t.seq),
    index("reports_state_seq_idx").on(t.state, t.seq),
    // Automatic assignment weighs each member's open reports by severity: read from this small index alone.
    index("reports_open_load_idx")
      .on(t.assigneeId, t.severity)
      .where(sql`${t.state} in (${OPEN_STATES_SQL})`),
    index("reports_duplicate_of_idx").on(t.duplicateOfId),
    index("reports_search_idx").using("gin", t.searchIndex),
    // The inbox's SLA filters "waiting for us" (among open reports, as the inbox shows them) and "waiting for the
    // reporter" read these small partial indexes, not every report: its count reads only the matches, and its
    // default order (newest first) is a walk of the index that stops at the page's last row.
    index("reports_awaiting_team_idx")
      .on(t.receivedAt, t.seq)
      .where(sql`${t.awaitingTeamSince} is not null and ${t.state} in (${OPEN_STATES_SQL})`),
    index("reports_needs_info_idx").on(t.receivedAt, t.seq).where(sql`${t.needsInfo}`),
  ],
);

/**
 * Each member's read mark on a report: when they last opened its page. A report is unread for a member when the
 * reporter has written since (last_reporter_message_at > read_at) or when they never opened it.
 */
export const reportReads = pgTable(
  "report_reads",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    readAt: ts("read_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.reportId] })],
);

/**
 * The receipt shown once after a report is sent from the form: the tracking link sealed under the data key until
 * the first view, which clears it. Only the SHA-256 of the receipt's own URL token is kept.
 */
export const intakeReceipts = pgTable(
  "intake_receipts",
  {
    tokenHash: text("token_hash").primaryKey(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    /** The report's reference, which a receipt already shown still names. */
    reference: text("reference").notNull(),
    /** What the receipt shows, tracking link included, sealed; null once shown or expired. */
    sealed: text("sealed"),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    shownAt: ts("shown_at"),
  },
  (t) => [index("intake_receipts_expires_idx").on(t.expiresAt)],
);

/** Capability links for reporters: only the SHA-256 of the 128-bit token is kept. */
export const trackingTokens = pgTable(
  "tracking_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("tracking_tokens_report_idx").on(t.reportId)],
);

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Insertion order: messages written in one instant still read back in the order they were written. */
    seq: bigserial("seq", { mode: "number" }).notNull().unique(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    authorType: text("author_type", { enum: ["reporter", "team", "system"] }).notNull(),
    authorUserId: uuid("author_user_id").references(() => users.id),
    visibility: text("visibility", { enum: ["reporter", "internal"] }).notNull(),
    kind: text("kind", {
      enum: ["message", "acknowledgement", "rejection", "final_feedback", "note"],
    })
      .notNull()
      .default("message"),
    bodyEnc: text("body_enc").notNull(),
    /** Set when an undone rejection took this message back from the reporter: it is kept, as an internal note. */
    withdrawnAt: ts("withdrawn_at"),
    /** Keyed hashes of the message's words (see features/search). */
    searchIndex: tsvector("search_index"),
    createdAt: createdAt(),
  },
  (t) => [
    index("messages_report_idx").on(t.reportId, t.createdAt),
    index("messages_search_idx").using("gin", t.searchIndex),
  ],
);

export const attachments = pgTable(
  "attachments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    messageId: uuid("message_id").references(() => messages.id, { onDelete: "cascade" }),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    /** AES-256-GCM ciphertext of the file, base64 in the envelope format of crypto/data-key.ts. */
    dataEnc: text("data_enc").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("attachments_report_idx").on(t.reportId)],
);

/**
 * A report's fixes. A `link` fix is a URL a member typed (a commit or pull request elsewhere); a `commit` fix is a
 * commit pushed to the report's private fix repository (fix_repositories), recorded with its SHA, the branch it was
 * pushed to, its git author line, subject and changed files. author_id is the member who added the link or pushed
 * the commit.
 */
export const fixes = pgTable(
  "fixes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["link", "commit"] })
      .notNull()
      .default("link"),
    /** The link of a `link` fix; null for a pushed commit. */
    url: text("url"),
    /** The full SHA of a `commit` fix (or of a link fix whose creator named one). */
    sha: text("sha"),
    /** The fix branch a commit was pushed to, as a full ref (refs/heads/fix/…). */
    branch: text("branch"),
    subject: text("subject"),
    /** The commit's author as git records it: "Name <email>". */
    gitAuthor: text("git_author"),
    gitAuthorEmail: text("git_author_email"),
    /** Paths the commit changed (against its first parent). */
    files: jsonb("files").$type<string[]>(),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index("fixes_report_idx").on(t.reportId),
    uniqueIndex("fixes_report_sha_branch_idx").on(t.reportId, t.branch, t.sha),
  ],
);

/** A second member's verification of a fix, bound to the SHA they verified (null for a link without one). */
export const fixVerifications = pgTable("fix_verifications", {
  id: uuid("id").primaryKey().defaultRandom(),
  fixId: uuid("fix_id")
    .notNull()
    .references(() => fixes.id, { onDelete: "cascade" }),
  verifierId: uuid("verifier_id")
    .notNull()
    .references(() => users.id),
  sha: text("sha"),
  createdAt: createdAt(),
});

/**
 * A report's private fix repository: a bare repository at `<EMBARGO_GIT_DIR>/fixes/<report id>.git` that borrows
 * the mirror's objects through alternates. `base_sha` is where `fix/<reference>` started.
 */
export const fixRepositories = pgTable("fix_repositories", {
  reportId: uuid("report_id")
    .primaryKey()
    .references(() => reports.id, { onDelete: "cascade" }),
  repositoryId: uuid("repository_id")
    .notNull()
    .references(() => repositories.id),
  branch: text("branch").notNull(),
  baseRef: text("base_ref").notNull(),
  baseSha: text("base_sha").notNull(),
  createdBy: uuid("created_by")
    .notNull()
    .references(() => users.id),
  createdAt: createdAt(),
});

/** The heads of a fix repository's fix/* branches as Embargo last recorded them (after each push). */
export const fixBranches = pgTable(
  "fix_branches",
  {
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    /** The full ref, refs/heads/fix/… */
    ref: text("ref").notNull(),
    headSha: text("head_sha").notNull(),
    updatedBy: uuid("updated_by").references(() => users.id),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.ref] })],
);

/**
 * Tokens that reach one report's fix repository over /git/ without a member's API token: the reporter's read-only
 * fix-access token (consultation) and the short-lived read tokens that fix.pushed webhooks hand to CI. Only the
 * SHA-256 of the token is stored.
 */
export const fixAccessTokens = pgTable(
  "fix_access_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["reporter", "ci"] }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** Null: until the report is disclosed or closed (reporter tokens). */
    expiresAt: ts("expires_at"),
    revokedAt: ts("revoked_at"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("fix_access_tokens_report_idx").on(t.reportId)],
);

/** Every score a report has had, who set it and why. */
export const severityScores = pgTable(
  "severity_scores",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    method: text("method", { enum: ["owasp", "cvss"] }).notNull(),
    vector: text("vector").notNull(),
    severity: text("severity").notNull(),
    details: jsonb("details").notNull(),
    reason: text("reason").notNull().default(""),
    setById: uuid("set_by_id").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("severity_scores_report_idx").on(t.reportId, t.createdAt)],
);
