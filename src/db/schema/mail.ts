// Mail in both directions: the outbox that delivers what the app sends, and the record of inbound mail.

import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns.ts";
import { messages, reports } from "./reports.ts";

/** Mail is written here in the transaction that causes it and delivered by a job; without SMTP it waits for admins to read. */
export const outbox = pgTable(
  "outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id").references(() => reports.id, { onDelete: "set null" }),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    /** Never holds a secret: where a private tracking link goes, it holds a placeholder (domain/sealed-secrets). */
    body: text("body").notNull(),
    /** The secrets the body's placeholders stand for, as a JSON list sealed under the data key; cleared once sent. */
    secretsEnc: text("secrets_enc"),
    /**
     * How the delivery job sends it (the recipient, a plain text for a recipient without a key, a message to add
     * when encrypted): the job's own payload, kept so mail held without SMTP can be queued again as it was meant
     * to leave. Null only for mail written before it was kept; such mail is not sent again blindly.
     */
    delivery: jsonb("delivery").$type<Record<string, unknown>>(),
    /**
     * sending: an attempt began the SMTP conversation and has not recorded how it ended (see the delivery job).
     * bounced: sent, then returned by the recipient's mail system (a delivery report named it).
     * cancelled: taken back before it left (an undone rejection); the delivery job never sends it.
     */
    status: text("status", { enum: ["queued", "sending", "sent", "held", "failed", "bounced", "cancelled"] })
      .notNull()
      .default("queued"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: createdAt(),
    sentAt: ts("sent_at"),
  },
  (t) => [index("outbox_status_idx").on(t.status, t.createdAt)],
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
    /**
     * imported; failed (stays in the mailbox); retry (an admin asked); dismissed (an admin set it aside);
     * held (a reply naming its report only by subject or plus-address, unsigned by the reporter's key: it waits
     * for a team member to accept or dismiss it).
     */
    status: text("status", { enum: ["imported", "failed", "retry", "dismissed", "held"] }).notNull(),
    reportId: uuid("report_id").references(() => reports.id, { onDelete: "set null" }),
    /** The conversation message it became; null when it became the report itself. */
    messageRowId: uuid("message_row_id").references(() => messages.id, { onDelete: "set null" }),
    fromAddress: text("from_address"),
    subject: text("subject"),
    /** {encryption, signature, threadedBy, attachments, keyAdded, heldReason, pendingKey}: shown on the report. */
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
    /** A held reply's raw message, sealed by the data key, until a team member accepts or dismisses it. */
    heldRaw: text("held_raw"),
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
