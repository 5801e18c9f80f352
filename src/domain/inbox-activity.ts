// What the inbox tells one member about a report's conversation: whether it is unread for them, whether the
// reporter's last word is still unanswered, and since when the report has waited for the team.
// Pure: every instant is a parameter.

/**
 * The row's marker, worst first: a report this member has never opened, a fix the reporter says does not fix it
 * (until the team invites them to check again), a reporter message this member has not read, or a reporter reply
 * the member has read but nobody on the team has answered yet.
 */
export type InboxMarker = "new_report" | "fix_disputed" | "new_message" | "reporter_replied";

export const INBOX_MARKER_LABELS: Record<InboxMarker, string> = {
  new_report: "New report",
  fix_disputed: "Fix disputed",
  new_message: "New message",
  reporter_replied: "Reporter replied",
};

export interface InboxActivityFacts {
  receivedAt: Date;
  /** The reporter's latest message; null reads as the report itself (receivedAt). */
  lastReporterMessageAt: Date | null;
  /** Since when the report waits for the team (awaitingTeamAfter); null while the team has had the last word. */
  awaitingTeamSince: Date | null;
  /** When this member last opened the report's page; null when they never did. */
  readAt: Date | null;
  /** The reporter's latest answer to the latest invitation to check the fix is "does not fix" (domain/consultation). */
  fixDisputed?: boolean;
}

export interface InboxActivity {
  /** The reporter has written since this member last opened the report (or they never opened it). */
  unread: boolean;
  marker: InboxMarker | null;
  /** How long the team has kept the reporter waiting, from this instant; null when the team had the last word. */
  waitingForTeamSince: Date | null;
}

function instant(value: Date, name: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a valid date.`);
  return ms;
}

function optional(value: Date | null | undefined, name: string): number | null {
  return value === null || value === undefined ? null : instant(value, name);
}

/** One member's view of a report's conversation, for the inbox row. */
export function inboxActivity(facts: InboxActivityFacts): InboxActivity {
  const received = instant(facts.receivedAt, "receivedAt");
  const last = Math.max(received, optional(facts.lastReporterMessageAt, "lastReporterMessageAt") ?? received);
  const readAt = optional(facts.readAt, "readAt");
  const waiting = optional(facts.awaitingTeamSince, "awaitingTeamSince");
  // A read mark at the very instant of the message counts as read: the page showed that message.
  const unread = readAt === null || last > readAt;
  const replied = last > received;
  let marker: InboxMarker | null = null;
  if (unread && !replied) marker = "new_report";
  // A disputed fix needs the team whether or not this member has read the answer.
  else if (facts.fixDisputed === true) marker = "fix_disputed";
  else if (unread) marker = "new_message";
  else if (replied && waiting !== null) marker = "reporter_replied";
  return { unread, marker, waitingForTeamSince: waiting === null ? null : new Date(waiting) };
}

/** What moves the "waiting for the team" clock. */
export type ConversationEvent = "received" | "reporter_message" | "team_update";

/**
 * Since when the report waits for the team after an event. Receipt starts the wait (the SLA's acknowledgement
 * clock starts there too); a reporter message starts it unless it is already running, so the oldest unanswered
 * message counts; a reporter-visible update from the team (the event that moves the SLA's update anchor,
 * lastReporterUpdateAt) ends it. Internal notes are not events: the reporter still waits.
 */
export function awaitingTeamAfter(event: ConversationEvent, current: Date | null, at: Date): Date | null {
  const now = instant(at, "The event's time");
  const running = optional(current, "awaitingTeamSince");
  switch (event) {
    case "received":
      return new Date(now);
    case "reporter_message":
      return new Date(running ?? now);
    case "team_update":
      return null;
    default: {
      const unknown: never = event;
      throw new RangeError(`Unknown conversation event: ${String(unknown)}.`);
    }
  }
}
