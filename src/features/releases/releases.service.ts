import type { CurrentUser } from "../../core/actors.ts";
import { type Db, transaction } from "../../core/db.ts";
import { badRequest, forbidden, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { can } from "../../domain/permissions.ts";
import { planRelease, TRACK_LABELS } from "../../domain/release-policy.ts";
import type { Severity } from "../../domain/workflow-states.ts";
import { createReleaseActions } from "./release-actions.service.ts";
import { auditRelease, utcText } from "./release-audit.service.ts";
import { createReleasePublication } from "./release-publish.service.ts";
import {
  type ReleaseDetail,
  type ReleaseView,
  releaseDetail,
  releaseView,
  reportViews,
} from "./release-view.service.ts";
import { NO_PRENOTIFY, prenotifyHoursSetting, type ReleasesDeps } from "./releases.deps.ts";
import {
  allReleases,
  insertRelease,
  linkReleaseLists,
  linkReleaseReports,
  publishedReleaseOfReport,
  releaseById,
  releaseWithVersion,
  reportsByReferences,
  reportsInOpenReleases,
  repositoryById,
} from "./releases.repo.ts";
import { createReleaseSchema } from "./releases.schema.ts";
import { createReportLeaks } from "./report-leaks.service.ts";

export type { ReleaseDetail, ReleaseView } from "./release-view.service.ts";
export type { ReleasesDeps } from "./releases.deps.ts";

/**
 * Releases (issue 13 §1, §4): planned from the reports' severity, checked by a computed "getting ready" list,
 * scheduled at an exact instant, and published by one job in one transaction.
 */
export function createReleasesService(deps: ReleasesDeps) {
  const { db, clock } = deps;
  const hooks = () => deps.prenotify ?? NO_PRENOTIFY;
  const publication = createReleasePublication(deps);
  const actions = createReleaseActions(deps, hooks, publication);
  const leaks = createReportLeaks(deps);

  const requireRelease = async (id: string) => {
    const row = await releaseById(db, id);
    if (!row) throw notFound("Release");
    return row;
  };

  return {
    async list(): Promise<ReleaseView[]> {
      const rows = await allReleases(db);
      const reports = await reportViews(
        db,
        rows.map((r) => r.id),
      );
      return rows.map((r) => releaseView(r, reports.get(r.id) ?? [], []));
    },

    async get(id: string): Promise<ReleaseDetail> {
      return releaseDetail(deps, db, await requireRelease(id));
    },

    /** Plans a release: the track from the policy (or overridden with a reason), the pre-notification time. */
    async create(actor: CurrentUser, input: unknown): Promise<ReleaseDetail> {
      if (!can(actor.role, "report.act")) throw forbidden("Viewers cannot plan releases.");
      const parsed = createReleaseSchema.safeParse(input);
      if (!parsed.success) throw badRequest("Some fields are not valid.", zodFieldErrors(parsed.error));
      const v = parsed.data;
      // Read before the transaction: the notifications service reads through the global handle.
      const lists = v.notify.length > 0 ? await deps.notifications.lists() : [];
      const id = await transaction(db, async (tx) => {
        const now = clock();
        const fields: Record<string, string> = {};
        const found = await reportsByReferences(tx, v.reports);
        const byKey = (ref: string) =>
          found.find((r) => r.reference === ref.trim().toUpperCase() || r.id === ref.trim());
        const unknown = v.reports.filter((ref) => !byKey(ref));
        if (unknown.length > 0) fields.reports = `No report ${unknown.join(", ")}.`;
        const reports = [...new Map(found.map((r) => [r.id, r])).values()];
        const closed = reports.filter((r) =>
          ["rejected", "duplicate", "closed", "disclosed"].includes(r.state),
        );
        if (!fields.reports && closed.length > 0)
          fields.reports = `${closed.map((r) => `${r.reference} (${r.state})`).join(", ")} cannot be released.`;
        const taken = await reportsInOpenReleases(
          tx,
          reports.map((r) => r.id),
        );
        if (!fields.reports && taken.length > 0)
          fields.reports = taken
            .map(
              (t) =>
                `${reports.find((r) => r.id === t.reportId)?.reference} is in release ${t.version} already.`,
            )
            .join(" ");
        let repositoryId: string | null = null;
        if (v.repository) {
          const repo = await repositoryById(tx, v.repository);
          if (!repo) fields.repository = "There is no such repository.";
          else repositoryId = repo.id;
        }
        if (!fields.repository && (await releaseWithVersion(tx, repositoryId, v.version)))
          fields.version = `There is a release ${v.version}${repositoryId ? " of this repository" : ""} already.`;
        const listIds = [...new Set(v.notify)];
        if (listIds.length > 0) {
          const missing = listIds.filter((l) => !lists.some((x) => x.id === l));
          if (missing.length > 0) fields.notify = `No notification list ${missing.join(", ")}.`;
        }
        const plan = planRelease({
          severities: unknown.length > 0 ? [] : reports.map((r) => r.severity as Severity | null),
          publishAt: v.publishAt,
          prenotifyAt: v.prenotifyAt ?? null,
          hasLists: listIds.length > 0,
          track: v.track ?? null,
          trackOverrideReason: v.trackOverrideReason,
          prenotifyHours: await prenotifyHoursSetting(deps, tx),
          now,
        });
        if (!plan.ok) for (const [k, m] of Object.entries(plan.problems)) if (!fields[k] && m) fields[k] = m;
        if (Object.keys(fields).length > 0 || !plan.ok)
          throw badRequest("The release cannot be planned; each problem is named.", fields);
        const p = plan.plan;
        const row = await insertRelease(tx, {
          version: v.version,
          repositoryId,
          track: p.track,
          trackOverrideReason: p.overridden ? v.trackOverrideReason : null,
          state: "planned",
          publishAt: p.publishAt,
          prenotifyAt: p.prenotifyAt,
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        });
        await linkReleaseReports(
          tx,
          row.id,
          reports.map((r) => r.id),
        );
        await linkReleaseLists(tx, row.id, listIds);
        await auditRelease(
          tx,
          actor,
          "release.created",
          row,
          reports.map((r) => r.id),
          `Release ${row.version} planned (${TRACK_LABELS[p.track]}${p.overridden ? `, instead of the policy's ${p.policyTrack}: ${v.trackOverrideReason}` : ""}) for ${utcText(p.publishAt)}${p.prenotifyAt ? `; lists told at ${utcText(p.prenotifyAt)}` : ""}.`,
          {
            track: p.track,
            policyTrack: p.policyTrack,
            publishAt: p.publishAt.toISOString(),
            prenotifyAt: p.prenotifyAt?.toISOString() ?? null,
            lists: listIds,
          },
          now,
        );
        return row.id;
      });
      return releaseDetail(deps, db, await requireRelease(id));
    },

    /** One action on a release (schedule, reschedule, ship, publish_now, cancel, waivers, custom items). */
    async act(actor: CurrentUser, id: string, input: unknown): Promise<ReleaseDetail> {
      await actions.act(actor, id, input);
      return releaseDetail(deps, db, await requireRelease(id));
    },

    /** The publication at publishAt; the job and the sweep call it. */
    publish: (releaseId: string) => publication.publish(releaseId),

    /** The published release that carried a report (its repository and version), for final feedback. */
    async releaseOf(dbOrTx: Db, reportId: string): Promise<{ name: string; version: string } | null> {
      const row = await publishedReleaseOfReport(dbOrTx, reportId);
      return row ? { name: row.repository ?? "Release", version: row.version } : null;
    },

    /** "Report a leak" on a report, and what the report page shows of leaks and the report's open release. */
    recordLeak: leaks.recordLeak,
    leaksOfReport: leaks.leaksOfReport,
  };
}

export type ReleasesService = ReturnType<typeof createReleasesService>;
