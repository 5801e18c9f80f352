import type { Logger } from "pino";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, transaction } from "../../core/db.ts";
import { DISCLOSURE_WARNING_DAYS, disclosureClock, disclosureTarget } from "../../domain/disclosure.ts";
import type { JobQueue, QueueDefinition } from "../../jobs/queue.ts";
import type { AlertsService } from "../alerts/alerts.service.ts";
import {
  activeAdminIds,
  clockFactsFor,
  findReport,
  listRunningReports,
  recordWarning,
  reportsWithScheduledRelease,
} from "./disclosure.repo.ts";
import { pausedMsOf } from "./disclosure.service.ts";

/** The durable disclosure sweep: 14 days before the target with no release scheduled, the team is warned. */
export const DISCLOSURE_SWEEP = "disclosure-sweep";
export const DISCLOSURE_SWEEP_INTERVAL_SECONDS = 3600;
const SWEEP_PAGE = 500;
const DAY_MS = 86_400_000;

export const disclosureQueues: QueueDefinition[] = [
  { name: DISCLOSURE_SWEEP, retryLimit: 3, retryDelay: 60, retryBackoff: true, policy: "short" },
];

export interface DisclosureSweepDeps {
  db: Db;
  jobs: JobQueue;
  clock: Clock;
  alerts: Pick<AlertsService, "queue">;
  logger?: Logger;
}

/**
 * Warns the Response Manager and the admins once per report per target date when the target is 14 days away or
 * less and no release is scheduled. Idempotent: the warning is recorded (unique per report and target) in the
 * transaction that queues its alert and audit event, so a repeated, concurrent or retried sweep sends nothing new.
 * A moved target (an extension, a pause) is a new date and warns again.
 */
export async function runDisclosureSweep(deps: DisclosureSweepDeps): Promise<{ warned: number }> {
  let warned = 0;
  for (let afterSeq = 0; ; ) {
    const page = await listRunningReports(deps.db, afterSeq, SWEEP_PAGE);
    if (page.length === 0) break;
    afterSeq = page.at(-1)!.seq;
    const ids = page.map((r) => r.id);
    const [facts, scheduled] = await Promise.all([
      clockFactsFor(deps.db, ids),
      reportsWithScheduledRelease(deps.db, ids),
    ]);
    const now = deps.clock();
    for (const report of page) {
      // While the clock is paused the target keeps moving, so nothing is due yet.
      if (scheduled.has(report.id) || report.needsInfo) continue;
      const target = disclosureTarget({
        receivedAt: report.receivedAt,
        pausedMs: pausedMsOf(report, now),
        extensions: (facts.extensions.get(report.id) ?? []).map((until) => ({ until, reason: "" })),
      });
      const state = disclosureClock(target, now, {
        disclosed: false,
        releaseScheduled: false,
        reporterRequested: facts.requested.has(report.id),
      });
      if (state === "on_track") continue;
      try {
        if (await warnOnce(deps, report.id, target)) warned += 1;
      } catch (error) {
        deps.logger?.error({ err: error, reportId: report.id }, "disclosure sweep failed for a report");
      }
    }
    if (page.length < SWEEP_PAGE) break;
  }
  return { warned };
}

async function warnOnce(deps: DisclosureSweepDeps, reportId: string, target: Date): Promise<boolean> {
  return transaction(deps.db, async (tx) => {
    const report = await findReport(tx, reportId, { forUpdate: true });
    if (!report) return false;
    const now = deps.clock();
    if (!(await recordWarning(tx, reportId, target, now))) return false;
    const admins = await activeAdminIds(tx);
    const userIds = report.assigneeId
      ? [report.assigneeId, ...admins.filter((a) => a !== report.assigneeId)]
      : admins;
    const days = Math.max(0, Math.ceil((target.getTime() - now.getTime()) / DAY_MS));
    await deps.alerts.queue(tx, {
      event: "disclosure_due",
      reportId,
      userIds,
      detail:
        days > 0
          ? `disclosure target ${target.toISOString().slice(0, 10)} in ${days} days, no release scheduled`
          : `disclosure target ${target.toISOString().slice(0, 10)} reached, no release scheduled`,
      occurrence: `${reportId}:${target.toISOString()}`,
    });
    await appendAuditEvent(
      tx,
      {
        actorType: "system",
        actorId: null,
        action: "disclosure.warning",
        reportId,
        data: { target: target.toISOString(), userIds, warningDays: DISCLOSURE_WARNING_DAYS },
      },
      now,
    );
    return true;
  });
}

export async function scheduleDisclosureSweep(
  db: Db,
  jobs: JobQueue,
  afterSeconds = DISCLOSURE_SWEEP_INTERVAL_SECONDS,
) {
  const startAfter = new Date(Date.now() + afterSeconds * 1000);
  await transaction(db, async (tx) => {
    await jobs.send(tx, DISCLOSURE_SWEEP, {}, { startAfter, singletonKey: DISCLOSURE_SWEEP });
  });
}

/** Starts the sweep worker; each run queues the next, so a restart never loses the schedule. */
export async function registerDisclosureSweep(deps: DisclosureSweepDeps): Promise<void> {
  await deps.jobs.work(DISCLOSURE_SWEEP, async () => {
    try {
      const result = await runDisclosureSweep(deps);
      if (result.warned > 0) deps.logger?.info(result, "disclosure sweep");
    } finally {
      await scheduleDisclosureSweep(deps.db, deps.jobs);
    }
  });
  await scheduleDisclosureSweep(deps.db, deps.jobs);
}
