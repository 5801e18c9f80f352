import { INBOX_MARKER_LABELS, type InboxActivity } from "../../domain/inbox-activity.ts";
import { Csrf, formatAge, formatDate } from "../../http/layout.tsx";

/** The row's conversation marker: a new report, a new message (unread by this member) or an unanswered reply. */
export function ConversationMarker(props: { activity: InboxActivity }) {
  const { marker } = props.activity;
  if (!marker) return null;
  return <span class={`badge marker marker-${marker}`}>{INBOX_MARKER_LABELS[marker]}</span>;
}

/** "Waiting for us 3 days": how long the reporter has waited for the team (since receipt or their unanswered message). */
export function WaitingForTeamLine(props: { since: Date | null; now: Date }) {
  if (!props.since) return null;
  return (
    <p class="small waiting-team">
      Waiting for us{" "}
      <time datetime={props.since.toISOString()} title={`Since ${formatDate(props.since)}`}>
        {formatAge(props.since, props.now)}
      </time>
    </p>
  );
}

/** The likely duplicate ranked at intake, linked, with its similarity score. */
export function LikelyDuplicateLine(props: { duplicate: { reference: string; score: number } | null }) {
  if (!props.duplicate) return null;
  const { reference, score } = props.duplicate;
  return (
    <p class="small likely-duplicate">
      Likely duplicate of <a href={`/reports/${reference}`}>{reference}</a>{" "}
      <span class="muted">({score}% similar)</span>
    </p>
  );
}

/** The report page's "Mark as unread": the member's own read mark only, so it asks no confirmation. */
export function MarkUnreadForm(props: { reference: string; csrfToken: string | null }) {
  return (
    <form method="post" action={`/reports/${props.reference}/unread`} class="inline mark-unread">
      <Csrf token={props.csrfToken} />
      <button type="submit" class="link">
        Mark as unread
      </button>
    </form>
  );
}

/** The inbox's confirmation after "Mark as unread". */
export function MarkedUnreadNotice(props: { reference: string | null }) {
  if (!props.reference) return null;
  return (
    <p class="notice success" role="status" id="marked-unread">
      {props.reference} is marked as unread for you. Nothing changed for the rest of the team.
    </p>
  );
}
