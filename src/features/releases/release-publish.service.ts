// The embargo clock (issue 13 §4): a scheduled release is published at its publication time, in ONE
// transaction: the release becomes published, its approved advisories public, its reports released and then
// disclosed through the reports lifecycle, and each reporter gets a message with the advisory's link. Any refusal
// (an advisory that cannot be published, a report the lifecycle will not move) rolls the whole of it back: the
// release stays scheduled, the failure is recorded and the team alerted, and the sweep tries again.

import { authorOf, type CurrentUser, SYSTEM_ACTOR } from "../../core/actors.ts";
import { transaction } from "../../core/db.ts";
import { AppError } from "../../core/errors.ts";
import type { ReleaseAdvisory } from "../advisories/advisories.types.ts";
import { auditRelease, utcText } from "./release-audit.service.ts";
import type { ReleasesDeps } from "./releases.deps.ts";
import {
  type ReleaseRow,
  releaseById,
  releaseHistory,
  reportsOfReleases,
  updateRelease,
  waiversOf,
} from "./releases.repo.ts";

export type PublishOutcome =
  | { published: true; lateSeconds: number; advisories: string[] }
  | { published: false; why: "missing" | "not_scheduled" | "early"; publishAt?: Date }
  | { published: false; why: "failed"; error: string };

const AFTER_RELEASE = new Set(["released", "disclosed", "closed"]);

/** The advisory link a reporter and the report's disclosure carry. */
export function advisoryUrl(publicUrl: string, publicId: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/advisories/${encodeURIComponent(publicId)}`;
}

/**
 * Why a report may be released without a passed package verification, as the release guard asks: the waiver
 * recorded on this release, or the reason it was scheduled with open items. Null: only a passed verification will do.
 */
export function releaseOverride(release: ReleaseRow, waiver: string | null): string | null {
  if (waiver) return `Package verification waived for release ${release.version}: ${waiver}`;
  if (release.openItemsReason)
    return `Release ${release.version} was scheduled with open checklist items: ${release.openItemsReason}`;
  return null;
}

export function createReleasePublication(deps: ReleasesDeps) {
  const { db, clock } = deps;

  /**
   * Publishes one release now, if it is due (or at once for publish_now, with its reason). The row is locked
   * FOR UPDATE and its state read again under the lock, so two instances (two job queues on one database, or the
   * job and the sweep) publish it once: the second finds it published and does nothing.
   */
  async function publish(
    releaseId: string,
    breaking: { actor: CurrentUser; reason: string } | null = null,
  ): Promise<PublishOutcome> {
    try {
      return await transaction(db, async (tx) => {
        const release = await releaseById(tx, releaseId, true);
        if (!release) return { published: false, why: "missing" };
        const open = breaking
          ? release.state === "planned" || release.state === "scheduled"
          : release.state === "scheduled";
        if (!open) return { published: false, why: "not_scheduled" };
        const now = clock();
        // Not a second early: the job may run before its time (a clock step, a retry), and then only re-queues.
        if (!breaking && now.getTime() < release.publishAt.getTime())
          return { published: false, why: "early", publishAt: release.publishAt };
        const actor = breaking?.actor ?? SYSTEM_ACTOR;
        const reports = await reportsOfReleases(tx, [release.id]);
        const reportIds = reports.map((r) => r.id);
        const advisories = await deps.advisories.publishInTx(tx, reportIds, now, authorOf(actor).actorId);
        const waivers = await waiversOf(tx, release.id);
        for (const report of reports) {
          const covering: ReleaseAdvisory | undefined = advisories.find((a) =>
            a.reportIds.includes(report.id),
          );
          const url = covering ? advisoryUrl(deps.publicUrl, covering.publicId) : null;
          let state = report.state;
          if (state === "fix_ready") {
            const waiver = waivers.find((w) => w.reportId === report.id && w.kind === "package_verification");
            const override = releaseOverride(release, waiver?.reason ?? null);
            state = (
              await deps.reports.actInTx(tx, actor, report.id, {
                action: "release",
                override_reason: override,
              })
            ).state;
          }
          if (state === "released")
            await deps.reports.actInTx(tx, actor, report.id, {
              action: "disclose",
              advisory_url: url,
              no_advisory_reason: url
                ? null
                : `Disclosed with release ${release.version}, without an advisory.`,
            });
          else if (!AFTER_RELEASE.has(state))
            throw new AppError(
              "release_report_not_ready",
              409,
              `${report.reference} is not fix ready (it is ${state.replace("_", " ")}), so release ${release.version} cannot disclose it.`,
            );
          await deps.reports.messageReporterInTx(
            tx,
            report.id,
            url
              ? `The fix for your report ${report.reference} was released in ${release.version}, and the advisory is public: ${url}\n\nThank you for reporting it.`
              : `The fix for your report ${report.reference} was released in ${release.version}, and the issue is now public.\n\nThank you for reporting it.`,
          );
        }
        const lateSeconds = Math.max(0, Math.floor((now.getTime() - release.publishAt.getTime()) / 1000));
        await updateRelease(tx, release.id, {
          state: "published",
          publishedAt: now,
          updatedAt: now,
          ...(breaking ? { publishNowReason: breaking.reason } : {}),
        });
        const ids = advisories.map((a) => a.publicId);
        await auditRelease(
          tx,
          actor,
          breaking ? "release.published_now" : "release.published",
          release,
          reportIds,
          breaking
            ? `Release ${release.version} was published at once, before ${utcText(release.publishAt)}: ${breaking.reason}`
            : `Release ${release.version} was published${lateSeconds > 0 ? `, ${lateSeconds} s after its time (the server was not running then)` : " at its time"}${ids.length > 0 ? `; advisories ${ids.join(", ")} are public` : ""}.`,
          {
            publishAt: release.publishAt.toISOString(),
            lateSeconds,
            advisories: ids,
            ...(breaking ? { reason: breaking.reason } : {}),
          },
          now,
        );
        return { published: true, lateSeconds, advisories: ids };
      });
    } catch (error) {
      if (!(error instanceof AppError) || breaking) throw error;
      await recordFailure(releaseId, error.userMessage ?? error.message);
      return { published: false, why: "failed", error: error.userMessage ?? error.message };
    }
  }

  /**
   * A publication that was refused: nothing of it was written. The failure is recorded (once per scheduled time
   * and cause, so the sweep retrying every minute does not fill the log) and the team is alerted.
   */
  async function recordFailure(releaseId: string, error: string) {
    await transaction(db, async (tx) => {
      const release = await releaseById(tx, releaseId, true);
      if (release?.state !== "scheduled") return;
      const reports = await reportsOfReleases(tx, [release.id]);
      const history = await releaseHistory(tx, release.id);
      const last = history.at(-1);
      const data = (last?.data ?? {}) as { error?: string; publishAt?: string };
      if (
        last?.action === "release.publication_failed" &&
        data.error === error &&
        data.publishAt === release.publishAt.toISOString()
      )
        return;
      const now = clock();
      await auditRelease(
        tx,
        SYSTEM_ACTOR,
        "release.publication_failed",
        release,
        reports.map((r) => r.id),
        `Release ${release.version} could not be published; nothing was made public and it stays scheduled: ${error}`,
        { error, publishAt: release.publishAt.toISOString() },
        now,
      );
      const first = reports[0];
      if (first)
        await deps.alerts.queue(tx, {
          event: "release_publication_failed",
          reportId: first.id,
          occurrence: `${release.id}:${now.toISOString()}`,
          detail: `release ${release.version}`,
        });
    });
  }

  return { publish };
}
