// Team alerts and SLA notices: where alerts go, every delivery, and the SLA reminders already sent.

import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns.ts";
import { reports } from "./reports.ts";
import { users } from "./team.ts";

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
