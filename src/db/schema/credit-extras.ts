// What the researcher's side adds around their credit (issue 14 §2, §5): "thanks" entries in the hall of fame for
// valid reports that needed no advisory, the reporter's rating of how we handled their report, and the one-time
// links and short sessions of "My reports" (/r/mine). Tokens are stored as SHA-256 only.

import { index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns.ts";
import { reports } from "./reports.ts";
import { users } from "./team.ts";

/** A hall-of-fame "thanks" the team grants on a report; it shows once the reporter accepted it. */
export const hallOfFameThanks = pgTable("hall_of_fame_thanks", {
  reportId: uuid("report_id")
    .primaryKey()
    .references(() => reports.id, { onDelete: "cascade" }),
  grantedBy: uuid("granted_by")
    .notNull()
    .references(() => users.id),
  grantedAt: ts("granted_at").notNull(),
  acceptedAt: ts("accepted_at"),
});

/** The reporter's optional feedback once the report is closed: one per report, rating 1–5 and a comment. */
export const reportFeedback = pgTable("report_feedback", {
  reportId: uuid("report_id")
    .primaryKey()
    .references(() => reports.id, { onDelete: "cascade" }),
  rating: integer("rating").notNull(),
  comment: text("comment").notNull().default(""),
  createdAt: ts("created_at").notNull(),
});

/**
 * "My reports": a mailed one-time link (kind "link", valid 1 hour, used once) opens a session (kind "session",
 * ending at most 1 hour after the link was sent). Only the SHA-256 of each token is stored.
 */
export const myReportsTokens = pgTable(
  "my_reports_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    kind: text("kind", { enum: ["link", "session"] }).notNull(),
    /** The address, lower-cased, whose reports the token shows. */
    email: text("email").notNull(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("my_reports_tokens_expires_idx").on(t.expiresAt)],
);
