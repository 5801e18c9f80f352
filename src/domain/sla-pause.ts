// Needs-info pauses: restarting the SLA clock when the reporter answers a request for information, and when an
// unanswered request expires. Pure: every instant is a parameter.

import {
  addBusinessMs,
  addCalendarDays,
  businessMsBetween,
  instantOf,
  optionalInstant,
} from "./sla-calendar.ts";
import type { ReportDeadlines } from "./sla-deadlines.ts";
import type { SlaPolicy } from "./sla-policy.ts";

/** What a reporter's answer needs to know about the report to restart its clock. */
export interface PausedReport {
  deadlines: ReportDeadlines;
  acknowledgedAt: Date | null;
  triagedAt: Date | null;
  resolvedAt: Date | null;
  lastReporterUpdateAt: Date | null;
  /** Total of earlier pauses, in milliseconds. */
  pausedMs: number;
  /** When the team asked for information. */
  pausedSince: Date;
}

export interface ResumedClock {
  deadlines: ReportDeadlines;
  /** The anchor of the reporter-update cadence, moved forward by the part of the pause after it. */
  lastReporterUpdateAt: Date | null;
  /** pausedMs plus this pause. */
  pausedMs: number;
  /** The length of this pause, in milliseconds. */
  pauseMs: number;
}

/**
 * Restarts the SLA clock when the reporter answers a request for information. Every deadline that was still
 * running when the pause began moves back by the pause: business-day targets (acknowledge, triage) by the
 * business time the pause covered, so a pause over a weekend or a holiday costs nothing extra; calendar targets
 * (resolution, the update cadence) by the elapsed time. Deadlines already met, or already missed before the pause,
 * stay where they are: pausing never erases a breach.
 */
export function resumeSlaClock(report: PausedReport, resumedAt: Date, policy: SlaPolicy): ResumedClock {
  const sinceMs = instantOf(report.pausedSince, "pausedSince");
  const resumedMs = instantOf(resumedAt, "resumedAt");
  const before = Number.isFinite(report.pausedMs) && report.pausedMs > 0 ? Math.floor(report.pausedMs) : 0;
  const pauseMs = Math.max(0, resumedMs - sinceMs);
  const businessPause = businessMsBetween(report.pausedSince, resumedAt, policy);
  const running = (dueAt: Date, metAt: Date | null) =>
    metAt === null && instantOf(dueAt, "A deadline") > sinceMs;
  const { acknowledgeBy, triageBy, resolveBy } = report.deadlines;
  const deadlines: ReportDeadlines = {
    acknowledgeBy: running(acknowledgeBy, report.acknowledgedAt)
      ? addBusinessMs(acknowledgeBy, businessPause, policy)
      : new Date(acknowledgeBy),
    triageBy: running(triageBy, report.triagedAt)
      ? addBusinessMs(triageBy, businessPause, policy)
      : new Date(triageBy),
    resolveBy: running(resolveBy, report.resolvedAt)
      ? new Date(resolveBy.getTime() + pauseMs)
      : new Date(resolveBy),
  };

  // The update cadence runs from the last reporter-visible update (or the acknowledgement).
  let lastReporterUpdateAt = optionalInstant(report.lastReporterUpdateAt, "lastReporterUpdateAt");
  const anchor = lastReporterUpdateAt ?? optionalInstant(report.acknowledgedAt, "acknowledgedAt");
  if (anchor !== null) {
    const dueMs = addCalendarDays(anchor.getTime(), policy.updateIntervalDays, policy.timeZone);
    if (dueMs > sinceMs) {
      const overlap = Math.max(0, resumedMs - Math.max(sinceMs, anchor.getTime()));
      lastReporterUpdateAt = new Date(anchor.getTime() + overlap);
    }
  }
  return { deadlines, lastReporterUpdateAt, pausedMs: before + pauseMs, pauseMs };
}

/** When an unanswered request for information gives up: needsInfoExpiryDays calendar days after it was sent. */
export function needsInfoExpiresAt(
  since: Date,
  policy: Pick<SlaPolicy, "needsInfoExpiryDays" | "timeZone">,
): Date {
  const sinceMs = instantOf(since, "The request's time");
  const days = policy.needsInfoExpiryDays;
  if (!Number.isInteger(days) || days < 1) {
    throw new RangeError(`needsInfoExpiryDays must be a whole number of days (got ${String(days)}).`);
  }
  return new Date(addCalendarDays(sinceMs, days, policy.timeZone));
}
