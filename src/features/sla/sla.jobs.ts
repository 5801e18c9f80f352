import type { Logger } from "pino";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import { SYSTEM_ACTOR } from "../../core/actors.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, transaction } from "../../core/db.ts";
import { AppError } from "../../core/errors.ts";
import type { reports } from "../../db/schema.ts";
import { evaluateSla, needsInfoExpiresAt, type SlaNoticeDue, slaNoticesDue } from "../../domain/sla.ts";
import { isOpen, type ReportState } from "../../domain/workflow.ts";
import type { JobQueue, QueueDefinition } from "../../jobs/queue.ts";
import type { AlertsService } from "../alerts/alerts.service.ts";
import { type ReportsService, slaFacts } from "../reports/reports.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import {
  activeAdminIds,
  findSweptReport,
  listOpenReportsForSweep,
  noticeKey,
  recordedNoticeKeys,
  recordSlaNotice,
} from "./sla.repo.ts";

type ReportRow = typeof reports.$inferSelect;

/** The durable SLA sweep: reminders, escalations and needs-info expiry for every open report. */
export const SLA_SWEEP = "sla-sweep";
/** How often the sweep runs; it queues its own next run, so a restart never loses the schedule. */
export const SLA_SWEEP_INTERVAL_SECONDS = 300;
/** Open reports the sweep reads per statement. */
const SWEEP_PAGE = 500;
/** One waiting sweep at a time: the "short" policy keeps a single queued job per key. */
const SLA_SWEEP_KEY = "sla-sweep";

export const slaQueues: QueueDefinition[] = [
  { name: SLA_SWEEP, retryLimit: 3, retryDelay: 60, retryBackoff: true, policy: "short" },
];

export interface SlaSweepDeps {
  db: Db;
  jobs: JobQueue;
  clock: Clock;
  reports: ReportsService;
  settings: SettingsService;
  alerts: AlertsService;
  logger?: Logger;
}

export interface SlaSweepResult {
  reminders: number;
  breaches: number;
  expired: number;
}

/** "2026-03-09 09:00 UTC": short, unambiguous, no report details. */
function when(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A refusal from the expiry hook: the reporter answered (or the request changed) since the sweep looked. */
class NoLongerExpired extends Error {}

/**
 * Checks every open report against the clock: reminds the Response Manager (or the admins, if nobody is assigned)
 * before each deadline, escalates each missed deadline to the admins, and rejects reports whose request for
 * information went unanswered for too long. Idempotent: each notice is recorded in sla_notices in the same
 * transaction as its alert and audit event, and only a new record sends anything; expiry re-checks under the
 * report's lock. Safe to run twice, concurrently, or after a crash.
 */
export async function runSlaSweep(deps: SlaSweepDeps): Promise<SlaSweepResult> {
  const result: SlaSweepResult = { reminders: 0, breaches: 0, expired: 0 };
  const policy = await deps.settings.sla();
  // Open reports are read a page at a time with only their SLA columns, and judged here with the same pure rules
  // the per-report step applies under its lock. Only a report with a request due to expire or a notice not yet
  // recorded gets that step (and its transaction): a sweep over 100,000 open reports with nothing due reads them
  // in a few hundred statements instead of opening 100,000 transactions.
  for (let afterSeq = 0; ; ) {
    const page = await listOpenReportsForSweep(deps.db, afterSeq, SWEEP_PAGE);
    if (page.length === 0) break;
    afterSeq = page.at(-1)!.seq;
    const now = deps.clock();
    const recorded = await recordedNoticeKeys(
      deps.db,
      page.map((r) => r.id),
    );
    for (const report of page) {
      const expiring =
        report.needsInfo &&
        report.needsInfoSince !== null &&
        now.getTime() >= needsInfoExpiresAt(report.needsInfoSince, policy).getTime();
      const due = slaNoticesDue(evaluateSla(slaFacts(report), policy, now).items, now, policy).filter(
        (notice) => !recorded.has(noticeKey(report.id, notice)),
      );
      if (!expiring && due.length === 0) continue;
      try {
        if (expiring && (await expireIfUnanswered(deps, report.id))) result.expired += 1;
        const sent = await sendDueNotices(deps, report.id);
        result.reminders += sent.filter((n) => n.kind === "reminder").length;
        result.breaches += sent.filter((n) => n.kind === "breach").length;
      } catch (error) {
        // One broken report must not stop the others; the next sweep tries it again.
        deps.logger?.error({ err: error, reportId: report.id }, "SLA sweep failed for a report");
      }
    }
    if (page.length < SWEEP_PAGE) break;
  }
  return result;
}

/** The reminders and escalations due now for one report, recorded and queued in one transaction. */
async function sendDueNotices(deps: SlaSweepDeps, reportId: string): Promise<SlaNoticeDue[]> {
  return transaction(deps.db, async (tx) => {
    const report = await findSweptReport(tx, reportId, { forUpdate: true });
    if (!report || !isOpen(report.state as ReportState)) return [];
    const policy = await deps.settings.sla(tx);
    const now = deps.clock();
    const due = slaNoticesDue(evaluateSla(slaFacts(report), policy, now).items, now, policy);
    const sent: SlaNoticeDue[] = [];
    let admins: string[] | null = null;
    for (const notice of due) {
      const fresh = await recordSlaNotice(
        tx,
        { reportId, item: notice.item, kind: notice.kind, dueAt: notice.dueAt },
        now,
      );
      if (!fresh) continue;
      admins ??= await activeAdminIds(tx);
      const userIds = notice.kind === "reminder" && report.assigneeId ? [report.assigneeId] : admins;
      await deps.alerts.queue(tx, {
        event: notice.kind === "reminder" ? "sla_reminder" : "sla_breach",
        reportId,
        userIds,
        detail:
          notice.kind === "reminder"
            ? `${notice.item} due ${when(notice.dueAt)}`
            : `${notice.item} was due ${when(notice.dueAt)}`,
        occurrence: `${reportId}:${notice.item}:${notice.dueAt.toISOString()}`,
      });
      await appendAuditEvent(
        tx,
        {
          actorType: "system",
          actorId: null,
          action: notice.kind === "reminder" ? "sla.reminder" : "sla.breach",
          reportId,
          data: { item: notice.item, dueAt: notice.dueAt.toISOString(), userIds },
        },
        now,
      );
      sent.push(notice);
    }
    return sent;
  });
}

/** The reporter-visible explanation of an expired request for information. */
function expiryMessage(since: Date, days: number): string {
  return [
    `On ${when(since)} we asked you for more information about this report. We have not heard back in ${days} days, so we have closed the report as not reproducible.`,
    "",
    "If you still have the details, you can reply on this page; the security team will see your message.",
  ].join("\n");
}

/**
 * Rejects a report as not_reproducible when its request for information has waited needsInfoExpiryDays, through
 * the normal lifecycle action (audit event by Embargo, reporter message and mail), with an alert to the team.
 */
async function expireIfUnanswered(deps: SlaSweepDeps, reportId: string): Promise<boolean> {
  const report = await findSweptReport(deps.db, reportId);
  if (!report?.needsInfo || !report.needsInfoSince) return false;
  const policy = await deps.settings.sla();
  const since = report.needsInfoSince;
  if (deps.clock().getTime() < needsInfoExpiresAt(since, policy).getTime()) return false;
  const input = {
    action: "reject",
    reason: "not_reproducible",
    message: expiryMessage(since, policy.needsInfoExpiryDays),
  };
  try {
    await deps.reports.act(SYSTEM_ACTOR, reportId, input, async (tx, locked: ReportRow) => {
      // The reporter may have answered between the look above and the lock.
      if (!locked.needsInfo || locked.needsInfoSince?.getTime() !== since.getTime()) {
        throw new NoLongerExpired();
      }
      const admins = await activeAdminIds(tx);
      await deps.alerts.queue(tx, {
        event: "needs_info_expired",
        reportId,
        userIds: locked.assigneeId
          ? [locked.assigneeId, ...admins.filter((a) => a !== locked.assigneeId)]
          : admins,
        detail: `no answer since ${when(since)}; rejected as not reproducible`,
        occurrence: `${reportId}:${since.toISOString()}`,
      });
    });
    return true;
  } catch (error) {
    if (error instanceof NoLongerExpired) return false;
    if (error instanceof AppError && error.status === 409) {
      // The lifecycle refuses (e.g. released meanwhile); the team decides by hand.
      deps.logger?.warn({ reportId, reason: error.userMessage }, "needs-info expiry refused");
      return false;
    }
    throw error;
  }
}

/** Queues the next sweep; "short" keeps one waiting, so repeated calls and restarts never pile them up. */
export async function scheduleSlaSweep(db: Db, jobs: JobQueue, afterSeconds = SLA_SWEEP_INTERVAL_SECONDS) {
  const startAfter = new Date(Date.now() + afterSeconds * 1000);
  await transaction(db, async (tx) => {
    await jobs.send(tx, SLA_SWEEP, {}, { startAfter, singletonKey: SLA_SWEEP_KEY });
  });
}

/** The job: one sweep, then the next one queued, whether this one went well or not. */
export function createSlaSweepHandler(deps: SlaSweepDeps & { intervalSeconds?: number }) {
  return async () => {
    try {
      const result = await runSlaSweep(deps);
      if (result.reminders + result.breaches + result.expired > 0) deps.logger?.info(result, "SLA sweep");
    } finally {
      await scheduleSlaSweep(deps.db, deps.jobs, deps.intervalSeconds);
    }
  };
}

/** Starts the sweep worker and makes sure a sweep is queued (a first run one interval from now). */
export async function registerSlaSweep(deps: SlaSweepDeps & { intervalSeconds?: number }): Promise<void> {
  await deps.jobs.work(SLA_SWEEP, createSlaSweepHandler(deps));
  await scheduleSlaSweep(deps.db, deps.jobs, deps.intervalSeconds);
}
