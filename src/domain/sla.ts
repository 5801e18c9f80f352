// Service-level targets for reports: deadlines in business days in the organisation's time zone,
// and the SLA picture of a report at a given instant. Pure: `now` is always a parameter.
//
// This module is the public entry; the implementation is split by topic:
//   sla-policy.ts     targets, defaults, limits and policy validation
//   sla-calendar.ts   business-day calendar arithmetic across time zones, DST, weekends and holidays
//   sla-deadlines.ts  deadlines at receipt, evaluation (met, due soon, overdue, paused) and notices due
//   sla-pause.ts      needs-info pauses: restarting the clock and when a request expires

export { addBusinessDays, addBusinessMs, businessMsBetween } from "./sla-calendar.ts";
export {
  computeDeadlines,
  DUE_SOON_MS,
  evaluateSla,
  type ReportDeadlines,
  SLA_ITEM_LABELS,
  type SlaFacts,
  type SlaItem,
  type SlaItemKey,
  type SlaNoticeDue,
  type SlaNoticeKind,
  type SlaStatus,
  slaNoticesDue,
} from "./sla-deadlines.ts";
export { needsInfoExpiresAt, type PausedReport, type ResumedClock, resumeSlaClock } from "./sla-pause.ts";
export { DEFAULT_SLA_POLICY, SLA_LIMITS, type SlaPolicy, validateSlaPolicy } from "./sla-policy.ts";
