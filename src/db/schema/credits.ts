// Credit as the researcher chooses it (issue 14 §1): one choice per report, which the reporter may change until
// publication and confirms before the advisory goes public. Every public output reads it through the domain's
// publicCredits(), so anonymous never leaks.

import { boolean, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { ts } from "./columns.ts";
import { reports } from "./reports.ts";

export const reportCredits = pgTable("report_credits", {
  reportId: uuid("report_id")
    .primaryKey()
    .references(() => reports.id, { onDelete: "cascade" }),
  display: text("display", { enum: ["name", "handle", "anonymous"] }).notNull(),
  name: text("name"),
  handle: text("handle"),
  url: text("url"),
  affiliation: text("affiliation"),
  coFinders: jsonb("co_finders").$type<string[]>().notNull().default([]),
  hallOfFame: boolean("hall_of_fame").notNull().default(false),
  /** When the reporter confirmed exactly this credit; any change clears it. */
  confirmedAt: ts("confirmed_at"),
  updatedAt: ts("updated_at").notNull(),
});
