// SLA deadlines and their evaluation: the deadlines promised at receipt, and the SLA picture of a report at a
// given instant (met, due soon, overdue, paused), with the reminders and escalations it calls for.
// Pure: `now` is always a parameter.

import { addBusinessDays, addCalendarDays, instantOf, optionalInstant } from "./sla-calendar.ts";
import type { SlaPolicy } from "./sla-policy.ts";

export interface ReportDeadlines {
  acknowledgeBy: Date;
  triageBy: Date;
  resolveBy: Date;
}

export type SlaItemKey = "acknowledge" | "triage" | "update" | "resolve";

export interface SlaItem {
  key: SlaItemKey;
  label: string;
  dueAt: Date;
  met: boolean;
  metAt: Date | null;
  overdue: boolean;
  dueSoon: boolean;
  /** The clock is stopped for this item while the team waits for the reporter (needs-info). */
  paused: boolean;
}

export interface SlaFacts {
  receivedAt: Date;
  acknowledgedAt: Date | null;
  triagedAt: Date | null;
  resolvedAt: Date | null;
  lastReporterUpdateAt: Date | null;
  open: boolean;
  /** The deadlines promised at receipt; when given they win over the policy, so later setting changes do not move them. */
  deadlines?: ReportDeadlines;
  /**
   * Set while the team waits for the reporter (needs-info): every deadline still ahead at this instant is
   * frozen (neither due soon nor overdue) until the reply moves it back by the pause.
   */
  pausedSince?: Date | null;
}

export type SlaStatus = "ok" | "due_soon" | "overdue" | "met" | "paused";

export const SLA_ITEM_LABELS: Record<SlaItemKey, string> = {
  acknowledge: "Acknowledge the report",
  triage: "Complete triage",
  update: "Update the reporter",
  resolve: "Resolve the report",
};

/** How close a deadline must be to count as due soon. */
export const DUE_SOON_MS = 24 * 60 * 60 * 1000;

/** The fixed deadlines of a report, computed once at receipt so later policy changes do not move them. */
export function computeDeadlines(receivedAt: Date, policy: SlaPolicy): ReportDeadlines {
  const receivedMs = instantOf(receivedAt, "receivedAt");
  if (!Number.isInteger(policy.resolutionDays) || policy.resolutionDays < 0) {
    throw new RangeError(
      `resolutionDays must be a whole number of days (got ${String(policy.resolutionDays)}).`,
    );
  }
  return {
    acknowledgeBy: addBusinessDays(receivedAt, policy.acknowledgeBusinessDays, policy),
    triageBy: addBusinessDays(receivedAt, policy.triageBusinessDays, policy),
    resolveBy: new Date(addCalendarDays(receivedMs, policy.resolutionDays, policy.timeZone)),
  };
}

/** The SLA picture of one report at `now`: each target, whether it is met, due soon (within 24h) or overdue. */
export function evaluateSla(
  facts: SlaFacts,
  policy: SlaPolicy,
  now: Date,
): { items: SlaItem[]; status: SlaStatus; overdue: SlaItemKey[] } {
  const nowMs = instantOf(now, "now");
  const receivedAt = new Date(instantOf(facts.receivedAt, "receivedAt"));
  const acknowledgedAt = optionalInstant(facts.acknowledgedAt, "acknowledgedAt");
  const triagedAt = optionalInstant(facts.triagedAt, "triagedAt");
  const resolvedAt = optionalInstant(facts.resolvedAt, "resolvedAt");
  const lastUpdateAt = optionalInstant(facts.lastReporterUpdateAt, "lastReporterUpdateAt");
  const pausedSince = optionalInstant(facts.pausedSince, "pausedSince");
  const open = facts.open === true;
  const deadlines = facts.deadlines ?? computeDeadlines(receivedAt, policy);

  const item = (key: SlaItemKey, dueAt: Date, metAt: Date | null): SlaItem => {
    const met = metAt !== null;
    const pending = open && !met;
    // A deadline already missed when the pause began stays missed; one still ahead is frozen.
    const paused = pending && pausedSince !== null && dueAt.getTime() > pausedSince.getTime();
    const overdue = pending && !paused && nowMs > dueAt.getTime();
    const dueSoon = pending && !paused && !overdue && dueAt.getTime() - nowMs <= DUE_SOON_MS;
    return { key, label: SLA_ITEM_LABELS[key], dueAt, met, metAt, overdue, dueSoon, paused };
  };

  const items: SlaItem[] = [
    item("acknowledge", deadlines.acknowledgeBy, acknowledgedAt),
    item("triage", deadlines.triageBy, triagedAt),
  ];
  if (open && acknowledgedAt !== null) {
    // A rolling obligation: each reporter-visible update restarts the clock, so it is never "met" for good.
    const from = lastUpdateAt ?? acknowledgedAt ?? receivedAt;
    if (!Number.isInteger(policy.updateIntervalDays) || policy.updateIntervalDays < 0) {
      throw new RangeError(
        `updateIntervalDays must be a whole number (got ${String(policy.updateIntervalDays)}).`,
      );
    }
    const dueAt = new Date(addCalendarDays(from.getTime(), policy.updateIntervalDays, policy.timeZone));
    items.push(item("update", dueAt, null));
  }
  items.push(item("resolve", deadlines.resolveBy, resolvedAt));

  const overdue = items.filter((i) => i.overdue).map((i) => i.key);
  let status: SlaStatus;
  if (overdue.length > 0) status = "overdue";
  else if (items.some((i) => i.paused)) status = "paused";
  else if (items.some((i) => i.dueSoon)) status = "due_soon";
  else if (items.every((i) => i.met)) status = "met";
  else status = "ok";
  return { items, status, overdue };
}

export type SlaNoticeKind = "reminder" | "breach";

export interface SlaNoticeDue {
  item: SlaItemKey;
  kind: SlaNoticeKind;
  dueAt: Date;
}

/**
 * Which reminders and escalations an evaluated report calls for now: a reminder once a pending deadline is within
 * the lead time, an escalation once it is missed. Paused and met items call for nothing. The caller records each
 * (item, kind, dueAt) once, so a moved deadline earns a fresh reminder while a repeated sweep sends nothing.
 */
export function slaNoticesDue(
  items: readonly SlaItem[],
  now: Date,
  policy: Pick<SlaPolicy, "reminderLeadHours">,
): SlaNoticeDue[] {
  const nowMs = instantOf(now, "now");
  const hours = policy.reminderLeadHours;
  if (typeof hours !== "number" || !Number.isFinite(hours) || hours < 0) {
    throw new RangeError(`reminderLeadHours must be a non-negative number (got ${String(hours)}).`);
  }
  const leadMs = hours * 60 * 60 * 1000;
  const due: SlaNoticeDue[] = [];
  for (const item of items) {
    if (item.met || item.paused) continue;
    if (item.overdue) due.push({ item: item.key, kind: "breach", dueAt: item.dueAt });
    else if (item.dueAt.getTime() - nowMs <= leadMs) {
      due.push({ item: item.key, kind: "reminder", dueAt: item.dueAt });
    }
  }
  return due;
}
