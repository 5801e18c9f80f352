import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/** PostgreSQL's tsvector (PGlite has it too); the search index holds keyed hashes of words, not the words. */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Report numbers for human references (EMB-2026-0001); gaps after a rolled-back intake are harmless. */
export const reportSeq = pgSequence("report_seq", { startWith: 1 });

/** Team members. Reporters never get accounts; they hold capability links instead. */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    role: text("role", { enum: ["admin", "responder", "viewer"] }).notNull(),
    active: boolean("active").notNull().default(true),
    expertise: text("expertise").array().notNull().default(sql`'{}'::text[]`),
    /** Away until this instant (exclusive); null means available. */
    awayUntil: ts("away_until"),
    availabilityNote: text("availability_note").notNull().default(""),
    lastAssignedAt: ts("last_assigned_at"),
    /** IANA zone in which workingHours and awayPeriods are read. */
    timeZone: text("time_zone").notNull().default("UTC"),
    /** Weekly hours {days: 0..6[], start: "HH:MM", end: "HH:MM"}, or null for "any time". */
    workingHours: jsonb("working_hours").$type<{ days: number[]; start: string; end: string } | null>(),
    /** Whole local days away, both ends inclusive. */
    awayPeriods: jsonb("away_periods")
      .$type<{ start: string; end: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** The member's own alert choices: {email?: boolean, events?: string[]}; empty means the defaults. */
    alertPrefs: jsonb("alert_prefs")
      .$type<{ email?: boolean; events?: string[] }>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`)],
);

export const sessions = pgTable(
  "sessions",
  {
    /** SHA-256 of the cookie value; the cookie itself is never stored. */
    idHash: text("id_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const apiTokens = pgTable("api_tokens", {
  id: uuid("id").primaryKey().defaultRandom(),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  label: text("label").notNull().default(""),
  createdAt: createdAt(),
  lastUsedAt: ts("last_used_at"),
  revokedAt: ts("revoked_at"),
});

/** One-time links: the first-admin setup link and reporters' link recovery. */
export const oneTimeTokens = pgTable("one_time_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  purpose: text("purpose", { enum: ["setup"] }).notNull(),
  createdAt: createdAt(),
  expiresAt: ts("expires_at").notNull(),
  usedAt: ts("used_at"),
});

export const loginFailures = pgTable(
  "login_failures",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("login_failures_email_idx").on(t.email, t.createdAt),
    index("login_failures_ip_idx").on(t.ip, t.createdAt),
  ],
);

/** Typed settings live as JSON under a key; their schemas are in features/settings. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: createdAt(),
});

/** The scope: what researchers may test (inScope) and what they may not. */
export const assets = pgTable("assets", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  identifier: text("identifier").notNull().default(""),
  kind: text("kind", { enum: ["web", "api", "mobile", "source", "package", "infrastructure", "other"] })
    .notNull()
    .default("web"),
  inScope: boolean("in_scope").notNull(),
  description: text("description").notNull().default(""),
  tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
  active: boolean("active").notNull().default(true),
  createdAt: createdAt(),
});

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
    acknowledgeBy: ts("acknowledge_by").notNull(),
    triageBy: ts("triage_by").notNull(),
    resolveBy: ts("resolve_by").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [
    index("reports_state_idx").on(t.state),
    index("reports_assignee_idx").on(t.assigneeId),
    index("reports_received_idx").on(t.receivedAt),
    index("reports_duplicate_of_idx").on(t.duplicateOfId),
    index("reports_search_idx").using("gin", t.searchIndex),
  ],
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

export const fixes = pgTable(
  "fixes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("fixes_report_idx").on(t.reportId)],
);

export const fixVerifications = pgTable("fix_verifications", {
  id: uuid("id").primaryKey().defaultRandom(),
  fixId: uuid("fix_id")
    .notNull()
    .references(() => fixes.id, { onDelete: "cascade" }),
  verifierId: uuid("verifier_id")
    .notNull()
    .references(() => users.id),
  createdAt: createdAt(),
});

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

/** Mail is written here in the transaction that causes it and delivered by a job; without SMTP it waits for admins to read. */
export const outbox = pgTable(
  "outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id").references(() => reports.id, { onDelete: "set null" }),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    /** bounced: sent, then returned by the recipient's mail system (a delivery report named it). */
    status: text("status", { enum: ["queued", "sent", "held", "failed", "bounced"] })
      .notNull()
      .default("queued"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: createdAt(),
    sentAt: ts("sent_at"),
  },
  (t) => [index("outbox_status_idx").on(t.status, t.createdAt)],
);

/** The hash-chained audit log. seq orders the chain; hash covers the row's content and prevHash. */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    id: uuid("id").notNull().unique().defaultRandom(),
    occurredAt: ts("occurred_at").notNull(),
    actorType: text("actor_type", { enum: ["user", "reporter", "system"] }).notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    reportId: uuid("report_id"),
    data: jsonb("data").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [index("audit_events_report_idx").on(t.reportId, t.seq)],
);

/** The newest link of the chain, so that removing the last events is detected too. */
export const auditHead = pgTable("audit_head", {
  id: integer("id").primaryKey(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  hash: text("hash").notNull(),
});

/** Fixed-window counters for rate limits; shared by every instance through the database. */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    windowStart: ts("window_start").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [
    uniqueIndex("rate_limits_key_window").on(t.key, t.windowStart),
    index("rate_limits_window_idx").on(t.windowStart),
  ],
);

/** Admin-managed reply templates with {{variables}}; purpose says where the picker offers them. */
export const cannedResponses = pgTable("canned_responses", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  /** acknowledgement | needs_info | rejection:<reason> | final_feedback | general */
  purpose: text("purpose").notNull(),
  body: text("body").notNull(),
  active: boolean("active").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull(),
});

/** Where team alerts go, chosen by admins. config_enc holds the URL/token/secret, encrypted at rest. */
export const alertChannels = pgTable("alert_channels", {
  id: uuid("id").primaryKey().defaultRandom(),
  kind: text("kind", { enum: ["email", "slack", "discord", "matrix", "webhook"] }).notNull(),
  name: text("name").notNull(),
  configEnc: text("config_enc").notNull(),
  /** Which events this channel receives. */
  events: text("events").array().notNull().default(sql`'{}'::text[]`),
  active: boolean("active").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull(),
});

/** One alert to one channel (or one member's mailbox), with every attempt and its result. */
export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    channelId: uuid("channel_id").references(() => alertChannels.id, { onDelete: "set null" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    event: text("event").notNull(),
    reportId: uuid("report_id").references(() => reports.id, { onDelete: "set null" }),
    /** Makes a re-run job a no-op: one delivery per (event occurrence, target). */
    dedupeKey: text("dedupe_key").notNull().unique(),
    status: text("status", { enum: ["pending", "sent", "failed"] })
      .notNull()
      .default("pending"),
    attempts: jsonb("attempts")
      .$type<{ at: string; ok: boolean; status?: number; error?: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdAt: createdAt(),
    sentAt: ts("sent_at"),
  },
  (t) => [index("alert_deliveries_created_idx").on(t.createdAt)],
);

/** SLA reminders and breach escalations already sent, so a re-run job never sends one twice. */
export const slaNotices = pgTable(
  "sla_notices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    item: text("item").notNull(),
    kind: text("kind", { enum: ["reminder", "breach"] }).notNull(),
    dueAt: ts("due_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("sla_notices_once").on(t.reportId, t.item, t.kind, t.dueAt)],
);

/**
 * Every message the mail intake has seen, by Message-ID (or the hash of the raw message when it has none): the
 * record that makes imports idempotent, threads replies to their report, and shows admins what failed and why.
 */
export const inboundEmails = pgTable(
  "inbound_emails",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** "mid:<Message-ID>" or "sha256:<hash of the raw message>". */
    dedupeKey: text("dedupe_key").notNull().unique(),
    messageId: text("message_id"),
    /** imported; failed (stays in the mailbox); retry (an admin asked); dismissed (an admin set it aside). */
    status: text("status", { enum: ["imported", "failed", "retry", "dismissed"] }).notNull(),
    reportId: uuid("report_id").references(() => reports.id, { onDelete: "set null" }),
    /** The conversation message it became; null when it became the report itself. */
    messageRowId: uuid("message_row_id").references(() => messages.id, { onDelete: "set null" }),
    fromAddress: text("from_address"),
    subject: text("subject"),
    /** {encryption, signature, threadedBy, attachments, keyAdded}: shown on the report. */
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
    errorCode: text("error_code"),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    mailbox: text("mailbox"),
    uid: bigint("uid", { mode: "number" }),
    firstSeenAt: ts("first_seen_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [
    index("inbound_emails_report_idx").on(t.reportId),
    index("inbound_emails_message_id_idx").on(t.messageId),
    index("inbound_emails_status_idx").on(t.status, t.updatedAt),
  ],
);

/** A team member's OpenPGP public key, as checked when it was uploaded; mail to them is encrypted to it. */
export const userKeys = pgTable("user_keys", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  fingerprint: text("fingerprint").notNull(),
  armored: text("armored").notNull(),
  userIds: text("user_ids").array().notNull().default(sql`'{}'::text[]`),
  expiresAt: ts("expires_at"),
  uploadedAt: ts("uploaded_at").notNull(),
  /** Who uploaded it: the member, or an admin for them. */
  uploadedBy: text("uploaded_by").notNull(),
});

/**
 * The intake key pairs of the security address: exactly one current (retired_at null), and the retired ones,
 * kept because they still decrypt what was sent to them. private_enc is sealed by the data key.
 */
export const intakeKeys = pgTable(
  "intake_keys",
  {
    fingerprint: text("fingerprint").primaryKey(),
    publicArmored: text("public_armored").notNull(),
    privateEnc: text("private_enc").notNull(),
    userIds: text("user_ids").array().notNull().default(sql`'{}'::text[]`),
    source: text("source", { enum: ["generated", "imported"] }).notNull(),
    createdAt: ts("created_at").notNull(),
    retiredAt: ts("retired_at"),
  },
  (t) => [uniqueIndex("intake_keys_one_current").on(sql`(true)`).where(sql`${t.retiredAt} is null`)],
);

/** The public key a reporter gave (form, JSON or mail), so mail to them goes out encrypted. */
export const reporterKeys = pgTable("reporter_keys", {
  reporterId: uuid("reporter_id")
    .primaryKey()
    .references(() => reporters.id, { onDelete: "cascade" }),
  fingerprint: text("fingerprint").notNull(),
  armored: text("armored").notNull(),
  userIds: text("user_ids").array().notNull().default(sql`'{}'::text[]`),
  expiresAt: ts("expires_at"),
});
