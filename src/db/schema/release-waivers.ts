// What the team waived for one report of one release, with the reason the checklist shows: the reporter's
// consultation on the fix, or the package verification (an override the release's `ship` and publication pass on
// to the report's release guard).

import { pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.ts";
import { releases } from "./releases.ts";
import { reports } from "./reports.ts";
import { users } from "./team.ts";

export const RELEASE_WAIVER_KINDS = ["consultation", "package_verification"] as const;
export type ReleaseWaiverKind = (typeof RELEASE_WAIVER_KINDS)[number];

export const releaseWaivers = pgTable(
  "release_waivers",
  {
    releaseId: uuid("release_id")
      .notNull()
      .references(() => releases.id, { onDelete: "cascade" }),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: RELEASE_WAIVER_KINDS }).notNull(),
    reason: text("reason").notNull(),
    recordedBy: uuid("recorded_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.releaseId, t.reportId, t.kind] })],
);
