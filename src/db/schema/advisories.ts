// Advisories (issue 13 §3): drafted by members, reviewed by a second member, published by their release at the
// exact embargo time, then changed only by a revision with a summary, or withdrawn with a reason. The stable public
// id (`<prefix>-YYYY-NNNN`) is fixed at creation; nothing public is served before `published_at`.

import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { AffectedProduct, ReferenceType } from "../../domain/advisory-record.ts";
import type { AdvisoryState } from "../../domain/advisory-review.ts";
import type { TeamCredit } from "../../domain/credit.ts";
import { createdAt, ts } from "./columns.ts";
import { reports } from "./reports.ts";
import { users } from "./team.ts";

/** The editable text of an advisory, as a revision snapshots it. */
export interface AdvisoryContent {
  title: string;
  summary: string;
  details: string;
  cveId: string | null;
  noCveReason: string | null;
  cwe: string[];
  cvss: string | null;
  affected: AffectedProduct[];
  workarounds: string | null;
  solution: string | null;
  references: { type: ReferenceType; url: string }[];
  teamCredits: TeamCredit[];
}

export const advisories = pgTable(
  "advisories",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** `<prefix>-YYYY-NNNN`, e.g. EMBSA-2026-0001; stable for life. */
    publicId: text("public_id").notNull().unique(),
    /** The year and number in the public id, so the next number of a year is max + 1 under a lock. */
    idYear: integer("id_year").notNull(),
    idNumber: integer("id_number").notNull(),
    state: text("state").$type<AdvisoryState>().notNull().default("draft"),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    details: text("details").notNull().default(""),
    cveId: text("cve_id"),
    /** Why the advisory has no CVE ID, as the release checklist asks when there is none. */
    noCveReason: text("no_cve_reason"),
    cwe: jsonb("cwe").$type<string[]>().notNull().default([]),
    cvss: text("cvss"),
    affected: jsonb("affected").$type<AffectedProduct[]>().notNull().default([]),
    workarounds: text("workarounds"),
    solution: text("solution"),
    references: jsonb("references").$type<{ type: ReferenceType; url: string }[]>().notNull().default([]),
    /** Credits the team adds for other people (analyst, tool, sponsor…); the reporter's comes from their choice. */
    teamCredits: jsonb("team_credits").$type<TeamCredit[]>().notNull().default([]),
    lastEditorId: uuid("last_editor_id")
      .notNull()
      .references(() => users.id),
    approvedBy: uuid("approved_by").references(() => users.id),
    approvedAt: ts("approved_at"),
    /** When a member shared the draft with the reporters; null: they do not see it. */
    sharedAt: ts("shared_at"),
    publishedAt: ts("published_at"),
    /** The last public change (publication or revision). */
    modifiedAt: ts("modified_at"),
    withdrawnAt: ts("withdrawn_at"),
    withdrawnReason: text("withdrawn_reason"),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("advisories_cve_id_idx").on(t.cveId).where(sql`${t.cveId} is not null`),
    uniqueIndex("advisories_id_year_number_idx").on(t.idYear, t.idNumber),
    index("advisories_published_idx").on(t.publishedAt),
  ],
);

/** The reports an advisory covers. */
export const advisoryReports = pgTable(
  "advisory_reports",
  {
    advisoryId: uuid("advisory_id")
      .notNull()
      .references(() => advisories.id, { onDelete: "cascade" }),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.advisoryId, t.reportId] }),
    index("advisory_reports_report_idx").on(t.reportId),
  ],
);

/**
 * The public history: revision 1 is the publication, each later one an update with a summary of what changed.
 * `content` is the advisory as it was made public then, so a public page never shows unreviewed text.
 */
export const advisoryRevisions = pgTable(
  "advisory_revisions",
  {
    advisoryId: uuid("advisory_id")
      .notNull()
      .references(() => advisories.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    summary: text("summary").notNull(),
    content: jsonb("content").$type<AdvisoryContent>().notNull(),
    actorId: uuid("actor_id").references(() => users.id),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.advisoryId, t.number] })],
);

/** Comments on a shared draft: from a reporter (by their report) or a member. */
export const advisoryComments = pgTable(
  "advisory_comments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    advisoryId: uuid("advisory_id")
      .notNull()
      .references(() => advisories.id, { onDelete: "cascade" }),
    /** Set for a reporter's comment: which report's reporter wrote it. */
    reportId: uuid("report_id").references(() => reports.id, { onDelete: "cascade" }),
    /** Set for a member's comment. */
    authorId: uuid("author_id").references(() => users.id),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("advisory_comments_advisory_idx").on(t.advisoryId, t.createdAt)],
);
