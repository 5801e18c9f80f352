// A world for the releases tests: a small real implementation of the advisories contract over the advisories
// table (the advisories feature provides the real one), advisory rows written with Drizzle, a recording stub of
// the pre-notification hooks, and reports brought to fix_ready through the lifecycle.

import { and, eq, inArray, isNull, max } from "drizzle-orm";
import type { Db } from "../../src/core/db.ts";
import { AppError } from "../../src/core/errors.ts";
import { advisories, advisoryReports } from "../../src/db/schema.ts";
import type { AdvisoryState } from "../../src/domain/advisory-review.ts";
import type {
  AdvisoriesForReleases,
  ReleaseAdvisory,
} from "../../src/features/advisories/advisories.types.ts";
import type { PrenotifyHooks } from "../../src/features/releases/releases.types.ts";
import type { Actor } from "./actors.ts";
import { makeTeam, reportFields } from "./actors.ts";
import type { TestDb } from "./db.ts";

/** An OWASP vector the organisation's default method scores critical. */
export const CRITICAL_OWASP = "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9";
/** A title the test advisories refuse to publish, as an advisory whose exports would not validate. */
export const INVALID_TITLE = "Invalid: exports would not validate";

async function rowsFor(db: Db, reportIds: readonly string[]): Promise<ReleaseAdvisory[]> {
  if (reportIds.length === 0) return [];
  const links = await db
    .select({ advisoryId: advisoryReports.advisoryId })
    .from(advisoryReports)
    .where(inArray(advisoryReports.reportId, [...reportIds]));
  const ids = [...new Set(links.map((l) => l.advisoryId))];
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(advisories)
    .where(inArray(advisories.id, ids))
    .orderBy(advisories.createdAt);
  const all = await db.select().from(advisoryReports).where(inArray(advisoryReports.advisoryId, ids));
  return rows
    .filter((a) => a.state !== "withdrawn")
    .map((a) => ({
      id: a.id,
      publicId: a.publicId,
      title: a.title,
      state: a.state,
      cveId: a.cveId,
      noCveReason: a.noCveReason,
      reportIds: all.filter((l) => l.advisoryId === a.id).map((l) => l.reportId),
    }));
}

/** The contract over the advisories table: approved advisories are published; anything else refuses. */
export const testAdvisories: AdvisoriesForReleases = {
  forReports: rowsFor,
  approvedText: async (db, reportIds) =>
    (await rowsFor(db, reportIds))
      .filter((a) => a.state === "approved")
      .map((a) => ({ publicId: a.publicId, title: a.title, text: a.title })),
  async publishInTx(tx, reportIds, at) {
    const covering = await rowsFor(tx, reportIds);
    const published: ReleaseAdvisory[] = [];
    for (const a of covering) {
      if (a.state === "published") continue;
      if (a.state !== "approved" || a.title === INVALID_TITLE)
        throw new AppError("advisory_not_publishable", 409, `Advisory ${a.publicId} cannot be published.`);
      await tx
        .update(advisories)
        .set({ state: "published", publishedAt: at, modifiedAt: at, updatedAt: at })
        .where(and(eq(advisories.id, a.id), isNull(advisories.publishedAt)));
      published.push({ ...a, state: "published" });
    }
    return published;
  },
};

/** Writes an advisory row covering reports. */
export async function insertAdvisory(
  t: TestDb,
  by: string,
  reportIds: string[],
  opts: { state?: AdvisoryState; cveId?: string | null; title?: string } = {},
) {
  const db = t.database.db;
  const [{ n } = { n: 0 }] = await db.select({ n: max(advisories.idNumber) }).from(advisories);
  const number = (n ?? 0) + 1;
  const now = t.clock();
  const [row] = await db
    .insert(advisories)
    .values({
      publicId: `EMBSA-2026-${String(number).padStart(4, "0")}`,
      idYear: 2026,
      idNumber: number,
      state: opts.state ?? "approved",
      title: opts.title ?? "Stored XSS in the comment preview",
      summary: "An attacker can run script in a reader's session.",
      cveId: opts.cveId === undefined ? `CVE-2026-${1000 + number}` : opts.cveId,
      lastEditorId: by,
      createdBy: by,
      updatedAt: now,
    })
    .returning();
  await db.insert(advisoryReports).values(reportIds.map((reportId) => ({ advisoryId: row!.id, reportId })));
  return row!;
}

/** The pre-notification hooks, recording each call. */
export function recordingPrenotify() {
  const calls: { hook: "schedule" | "update"; releaseId: string; at?: string; kind?: string }[] = [];
  const hooks: PrenotifyHooks = {
    async scheduleInTx(_tx, releaseId, prenotifyAt) {
      calls.push({ hook: "schedule", releaseId, at: prenotifyAt.toISOString() });
    },
    async updateInTx(_tx, releaseId, kind) {
      calls.push({ hook: "update", releaseId, kind });
    },
  };
  return { calls, hooks };
}

/** Team, the test advisories and recording hooks wired into the services, and a way to make fix_ready reports. */
export async function openReleaseWorld(t: TestDb) {
  const team = await makeTeam(t);
  const org = await t.services.settings.org();
  await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });
  const prenotify = recordingPrenotify();
  t.services.releasesDeps.advisories = testAdvisories;
  t.services.releasesDeps.prenotify = prenotify.hooks;
  const act = (actor: Actor, ref: string, body: Record<string, unknown>) =>
    t.services.reports.act(actor, ref, body);
  return {
    team,
    prenotify,
    /** A new report, scored critical and brought to fix_ready (Alice's fix, verified by Bob). */
    async fixReadyReport(overrides: Record<string, unknown> = {}) {
      const { report, token } = await t.services.reports.submit(reportFields(overrides), [], "web");
      for (const body of [
        { action: "acknowledge" },
        { action: "assign", assignee: team.alice.email },
        { action: "start_triage" },
        { action: "set_severity", owasp: CRITICAL_OWASP },
        { action: "confirm" },
        { action: "start_remediation" },
        { action: "add_fix", url: "https://git.example.org/app/commit/abc123" },
      ])
        await act(team.alice, report.reference, body);
      const fixId = (await t.services.reports.teamView(report.reference)).fixes[0]!.id;
      await act(team.bob, report.reference, { action: "verify_fix", fix: fixId });
      // The reporter confirms how they will be credited, as the release checklist asks.
      await t.services.credits.confirmCreditAsReporter(token);
      return { ref: report.reference, id: report.id, token };
    },
  };
}
