// Consultation: the team invites the reporter to check the fix before it is released, and the reporter answers
// whether it fixes what they found. The words of both sides live in the conversation (messages, encrypted at
// rest); these rows say what each message was and which fix head it was about.

import { index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns.ts";
import { messages, reports } from "./reports.ts";
import { users } from "./team.ts";

/**
 * One invitation to check the fix: who invited, when, the message it sent (a reporter-visible message holding the
 * team's words), and the fix branch and its head SHA at that moment, so an answer can be read against what the
 * reporter was shown. The latest invitation of a report is the one its tracking page shows.
 */
export const fixConsultations = pgTable(
  "fix_consultations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    /** The team's message to the reporter that carried the invitation. */
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    invitedBy: uuid("invited_by")
      .notNull()
      .references(() => users.id),
    invitedAt: ts("invited_at").notNull(),
    /** The fix branch the reporter was shown (a full ref, refs/heads/fix/…). */
    branch: text("branch").notNull(),
    /** The branch's head SHA when the reporter was invited; null when Embargo had not recorded a push yet. */
    headSha: text("head_sha"),
    createdAt: createdAt(),
  },
  (t) => [index("fix_consultations_report_idx").on(t.reportId, t.invitedAt)],
);

/**
 * The reporter's answer to an invitation: the fix fixes it, or it does not. The comment (and any attachments) is
 * the reporter message the answer became; only its id is kept here, so the words stay encrypted in one place.
 */
export const fixConsultationAnswers = pgTable(
  "fix_consultation_answers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    consultationId: uuid("consultation_id")
      .notNull()
      .references(() => fixConsultations.id, { onDelete: "cascade" }),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    verdict: text("verdict", { enum: ["fixes", "does_not_fix"] }).notNull(),
    /** The reporter message holding the comment and attachments. */
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    /** The fix head the reporter answered about (the branch's head when they answered). */
    headSha: text("head_sha"),
    answeredAt: ts("answered_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("fix_consultation_answers_report_idx").on(t.reportId, t.answeredAt)],
);
