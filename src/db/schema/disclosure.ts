// Disclosure requests and the 90-day clock (issue 14 §3): the negotiation's dated moves, the planned disclosure
// date both sides agreed (linked to the release that covers the report), recorded extensions of the target, and
// the 14-day warnings already sent, so the sweep alerts once per report per target date.

import { bigserial, index, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { DisclosureMove } from "../../domain/disclosure.ts";
import { createdAt, ts } from "./columns.ts";
import { releases } from "./releases.ts";
import { reports } from "./reports.ts";
import { users } from "./team.ts";

/** One move of the negotiation, oldest first by `seq`; the text is sealed under the data key like messages. */
export const disclosureEntries = pgTable(
  "disclosure_entries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** The order of moves, even when two share an instant. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    move: text("move").$type<DisclosureMove>().notNull(),
    by: text("by", { enum: ["reporter", "team"] }).notNull(),
    /** The date proposed or agreed, YYYY-MM-DD. */
    date: text("date"),
    textEnc: text("text_enc"),
    actorUserId: uuid("actor_user_id").references(() => users.id),
    at: ts("at").notNull(),
  },
  (t) => [index("disclosure_entries_report_idx").on(t.reportId, t.seq)],
);

/** The planned disclosure date once agreed; the report's own row is not touched. */
export const disclosurePlans = pgTable("disclosure_plans", {
  reportId: uuid("report_id")
    .primaryKey()
    .references(() => reports.id, { onDelete: "cascade" }),
  plannedDate: text("planned_date").notNull(),
  /** The release that covers the report when the date was agreed, if any. */
  releaseId: uuid("release_id").references(() => releases.id, { onDelete: "set null" }),
  updatedAt: ts("updated_at").notNull(),
});

/** A recorded extension of the 90-day target, with the reason the reporter is told. */
export const disclosureExtensions = pgTable(
  "disclosure_extensions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    until: ts("until").notNull(),
    reasonEnc: text("reason_enc").notNull(),
    actorUserId: uuid("actor_user_id").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("disclosure_extensions_report_idx").on(t.reportId)],
);

/** The 14-day warnings sent: one per report per target, so repeated sweeps alert once. */
export const disclosureWarnings = pgTable(
  "disclosure_warnings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    target: ts("target").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("disclosure_warnings_once").on(t.reportId, t.target)],
);
