// "Report a leak": where a report's issue became public before its release. Recorded with its audit event and
// an alert to the team; the report page then offers publish_now on the report's open release.

import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { CurrentUser } from "../../core/actors.ts";
import { transaction } from "../../core/db.ts";
import { badRequest, forbidden, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { can } from "../../domain/permissions.ts";
import type { ReleasesDeps } from "./releases.deps.ts";
import { insertLeak, leaksOf, openReleaseOfReport, reportRef } from "./releases.repo.ts";
import { leakSchema } from "./releases.schema.ts";

export function createReportLeaks(deps: ReleasesDeps) {
  const { db, clock } = deps;

  async function recordLeak(actor: CurrentUser, reportIdOrRef: string, input: unknown) {
    if (!can(actor.role, "report.act")) throw forbidden("Viewers cannot record leaks.");
    const parsed = leakSchema.safeParse(input);
    if (!parsed.success) throw badRequest("Some fields are not valid.", zodFieldErrors(parsed.error));
    const report = await reportRef(db, reportIdOrRef);
    if (!report) throw notFound("Report");
    return transaction(db, async (tx) => {
      const now = clock();
      const leak = await insertLeak(tx, {
        reportId: report.id,
        url: parsed.data.url ?? null,
        note: parsed.data.note,
        recordedBy: actor.id,
        createdAt: now,
      });
      const release = await openReleaseOfReport(tx, report.id);
      await appendAuditEvent(
        tx,
        {
          actorType: "user",
          actorId: actor.id,
          action: "report.leak_recorded",
          reportId: report.id,
          data: { leakId: leak.id, url: leak.url, note: leak.note, releaseId: release?.releaseId ?? null },
        },
        now,
      );
      await deps.alerts.queue(tx, {
        event: "report_leaked",
        reportId: report.id,
        occurrence: leak.id,
        detail: release ? `release ${release.version} can be published now` : "no open release",
      });
      return {
        id: leak.id,
        reportId: report.id,
        reference: report.reference,
        url: leak.url,
        note: leak.note,
        createdAt: leak.createdAt,
        release: release ? { id: release.releaseId, version: release.version } : null,
      };
    });
  }

  /** The report page's leak section: what was recorded, and the open release publish_now would publish. */
  async function leaksOfReport(reportId: string) {
    const [leaks, release] = await Promise.all([leaksOf(db, reportId), openReleaseOfReport(db, reportId)]);
    return {
      leaks: leaks.map((l) => ({ id: l.id, url: l.url, note: l.note, createdAt: l.createdAt })),
      release: release ? { id: release.releaseId, version: release.version } : null,
    };
  }

  return { recordLeak, leaksOfReport };
}
