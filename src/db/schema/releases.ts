// Releases (issue 13 §1, §2, §4): planned from the reports' severity, scheduled at an exact publication instant,
// pre-notified to lists by encrypted mail, and published by one job in one transaction.

import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { ReleaseTrack } from "../../domain/release-policy.ts";
import { createdAt, ts } from "./columns.ts";
import { notificationListMembers, notificationLists } from "./notifications.ts";
import { reports } from "./reports.ts";
import { repositories } from "./repositories.ts";
import { users } from "./team.ts";

export const RELEASE_STATES = ["planned", "scheduled", "published", "cancelled"] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

export const releases = pgTable(
  "releases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    version: text("version").notNull(),
    repositoryId: uuid("repository_id").references(() => repositories.id),
    track: text("track").$type<ReleaseTrack>().notNull(),
    /** Why the track differs from the policy's; null when it follows the policy. */
    trackOverrideReason: text("track_override_reason"),
    state: text("state").$type<ReleaseState>().notNull().default("planned"),
    publishAt: ts("publish_at").notNull(),
    /** Null: no pre-notification. */
    prenotifyAt: ts("prenotify_at"),
    /** Why it was scheduled with checklist items open. */
    openItemsReason: text("open_items_reason"),
    scheduledAt: ts("scheduled_at"),
    /** When `ship` moved the reports to released. */
    shippedAt: ts("shipped_at"),
    publishedAt: ts("published_at"),
    /** Set by publish_now: the embargo was broken, e.g. on a leak. */
    publishNowReason: text("publish_now_reason"),
    cancelledAt: ts("cancelled_at"),
    cancelReason: text("cancel_reason"),
    /** When the pre-notification was sent (the job ran), so reschedules and cancels send updates. */
    prenotifiedAt: ts("prenotified_at"),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [
    index("releases_publish_at_idx").on(t.state, t.publishAt),
    uniqueIndex("releases_repository_version_idx").on(t.repositoryId, t.version),
  ],
);

export const releaseReports = pgTable(
  "release_reports",
  {
    releaseId: uuid("release_id")
      .notNull()
      .references(() => releases.id, { onDelete: "cascade" }),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.releaseId, t.reportId] }),
    index("release_reports_report_idx").on(t.reportId),
  ],
);

/** The notification lists a release pre-notifies. */
export const releaseLists = pgTable(
  "release_lists",
  {
    releaseId: uuid("release_id")
      .notNull()
      .references(() => releases.id, { onDelete: "cascade" }),
    listId: uuid("list_id")
      .notNull()
      .references(() => notificationLists.id),
  },
  (t) => [primaryKey({ columns: [t.releaseId, t.listId] })],
);

/** A member's own "getting ready" item, ticked with a note. */
export const releaseItems = pgTable("release_items", {
  id: uuid("id").primaryKey().defaultRandom(),
  releaseId: uuid("release_id")
    .notNull()
    .references(() => releases.id, { onDelete: "cascade" }),
  label: text("label").notNull(),
  done: boolean("done").notNull().default(false),
  note: text("note"),
  doneBy: uuid("done_by").references(() => users.id),
  doneAt: ts("done_at"),
  createdBy: uuid("created_by")
    .notNull()
    .references(() => users.id),
  createdAt: createdAt(),
});

/**
 * One pre-notification mail to one list member: the first notice, or an update after a reschedule or cancel.
 * Name, email and fingerprint are copied so the record stays true if the list changes. `ack_token_hash` is the
 * SHA-256 of the personal acknowledgement link's token.
 */
export const prenotifications = pgTable(
  "prenotifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    releaseId: uuid("release_id")
      .notNull()
      .references(() => releases.id, { onDelete: "cascade" }),
    listId: uuid("list_id").references(() => notificationLists.id, { onDelete: "set null" }),
    memberId: uuid("member_id").references(() => notificationListMembers.id, { onDelete: "set null" }),
    kind: text("kind", { enum: ["notice", "reschedule", "cancel"] }).notNull(),
    /** How many times this release's recipients were written to; an update has a higher round. */
    round: integer("round").notNull().default(1),
    name: text("name").notNull(),
    email: text("email").notNull(),
    fingerprint: text("fingerprint").notNull(),
    status: text("status", { enum: ["queued", "sent", "failed"] })
      .notNull()
      .default("queued"),
    failure: text("failure"),
    ackTokenHash: text("ack_token_hash").unique(),
    sentAt: ts("sent_at"),
    acknowledgedAt: ts("acknowledged_at"),
    createdAt: createdAt(),
  },
  (t) => [index("prenotifications_release_idx").on(t.releaseId, t.createdAt)],
);

/** Where a report's issue became public before its release (a leak): a URL and a note. */
export const reportLeaks = pgTable(
  "report_leaks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    url: text("url"),
    note: text("note").notNull(),
    recordedBy: uuid("recorded_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("report_leaks_report_idx").on(t.reportId)],
);
