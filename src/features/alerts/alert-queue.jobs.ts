import type { Tx } from "../../core/db.ts";
import type { JobQueue, QueueDefinition } from "../../jobs/queue.ts";

/** What the team is alerted about (seed 003: "alerting team members"). */
export const ALERT_EVENTS = [
  "report_received",
  "report_assigned",
  "reporter_replied",
  "sla_reminder",
  "sla_breach",
  "needs_info_expired",
  "nobody_available",
  "prenotify_failed",
  "disclosure_requested",
  "disclosure_due",
  "bounty_answered",
  "release_publication_failed",
  "report_leaked",
] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

export const ALERT_EVENT_LABELS: Record<AlertEvent, string> = {
  report_received: "New report",
  report_assigned: "Report assigned",
  reporter_replied: "Reporter replied",
  sla_reminder: "SLA deadline approaching",
  sla_breach: "SLA deadline missed",
  needs_info_expired: "No answer to a request for information",
  nobody_available: "Nobody available to assign",
  prenotify_failed: "Pre-notification not sent",
  disclosure_requested: "Reporter asked about disclosure",
  disclosure_due: "Disclosure target near, no release scheduled",
  bounty_answered: "Reporter answered a bounty offer",
  release_publication_failed: "A release could not be published",
  report_leaked: "A report's issue became public (leak)",
};

/**
 * Events for integrations, not people: only generic webhooks may subscribe, and only by choosing them. `fix_pushed`
 * carries a one-hour read token for the report's fix repository, so a webhook made for alerts never receives it.
 */
export const INTEGRATION_EVENTS = ["fix_pushed"] as const;
export type IntegrationEvent = (typeof INTEGRATION_EVENTS)[number];
export const INTEGRATION_EVENT_LABELS: Record<IntegrationEvent, string> = {
  fix_pushed: "Fix pushed (for CI: carries a one-hour read token for the fix repository)",
};
export type ChannelEvent = AlertEvent | IntegrationEvent;

export const TEAM_ALERT = "team-alert";
/** One delivery to one channel or member; retried with backoff, and marked failed after the last retry. */
export const ALERT_DELIVER = "alert-deliver";
export const ALERT_DELIVER_RETRY_LIMIT = 6;
export const alertQueues: QueueDefinition[] = [
  // Fan-outs dedupe on the delivery key and deliveries claim their row, so several may run at once.
  { name: TEAM_ALERT, retryLimit: 8, retryDelay: 30, retryBackoff: true, batchSize: 10, concurrency: 4 },
  {
    name: ALERT_DELIVER,
    retryLimit: ALERT_DELIVER_RETRY_LIMIT,
    retryDelay: 30,
    retryBackoff: true,
    batchSize: 10,
    concurrency: 4,
  },
];

export interface TeamAlert {
  event: AlertEvent;
  reportId: string;
  /** Members the alert is about (the assignee for assignments and reminders); admins for escalations. */
  userIds?: string[];
  /** A short, non-sensitive line such as "deadline: acknowledge"; never vulnerability details. */
  detail?: string;
  /** Unique per occurrence, so a repeated send of the same occurrence fans out only once. */
  occurrence: string;
}

/**
 * Queues a team alert inside the caller's transaction: it exists exactly when the change that caused it
 * commits. The `team-alert` job fans it out to the channels and members; nothing is sent here.
 */
export async function queueTeamAlert(tx: Tx, jobs: JobQueue, alert: TeamAlert): Promise<void> {
  await jobs.send(tx, TEAM_ALERT, alert, { singletonKey: `${alert.event}:${alert.occurrence}` });
}
