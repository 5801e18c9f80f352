// The hash-chained audit log and its head.

import { bigint, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { ts } from "./columns.ts";

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
