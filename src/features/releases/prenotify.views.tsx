import type { CurrentUser } from "../../core/actors.ts";
import { formatFingerprint } from "../../domain/pgp-keys.ts";
import { Csrf, Layout } from "../../http/layout.tsx";
import { utcInstant } from "./prenotify.mail.ts";
import type { PrenotificationView, PrenotifyService } from "./prenotify.service.ts";

type ReleasePrenotifications = Awaited<ReturnType<PrenotifyService["forRelease"]>>;

const STATUS_LABELS: Record<PrenotificationView["status"], string> = {
  queued: "Queued",
  sent: "Sent",
  failed: "Failed",
  acknowledged: "Acknowledged",
};
const STATUS_CLASSES: Record<PrenotificationView["status"], string> = {
  queued: "sla-paused",
  sent: "sla-due_soon",
  failed: "sla-overdue",
  acknowledged: "sla-met",
};
const KIND_LABELS: Record<PrenotificationView["kind"], string> = {
  notice: "Notice",
  reschedule: "New time",
  cancel: "Cancelled",
};

const when = (d: Date | null) => (d ? utcInstant(d) : "not yet");

function StatusCell(props: { r: PrenotificationView }) {
  const { r } = props;
  return (
    <td data-label="Status">
      <span class={`badge ${STATUS_CLASSES[r.status]}`}>{STATUS_LABELS[r.status]}</span>
      {r.status === "acknowledged" && r.acknowledgedAt && (
        <span class="small"> {utcInstant(r.acknowledgedAt)}</span>
      )}
      {r.status === "sent" && r.sentAt && <span class="small muted"> {utcInstant(r.sentAt)}</span>}
      {r.failure && <p class="small field-error">{r.failure}</p>}
    </td>
  );
}

/** /releases/:id/prenotifications: who was told about the release, in which round, and what became of each mail. */
export function PrenotificationsPage(props: {
  orgName: string;
  user: CurrentUser;
  data: ReleasePrenotifications;
}) {
  const { release, recipients } = props.data;
  return (
    <Layout title={`Pre-notification of ${release.version}`} orgName={props.orgName} user={props.user}>
      <section class="card" aria-labelledby="prenotify-heading">
        <h1 id="prenotify-heading">Pre-notification of {release.version}</h1>
        <dl class="facts">
          <dt>Publication</dt>
          <dd>{utcInstant(release.publishAt)}</dd>
          <dt>Pre-notification</dt>
          <dd>{release.prenotifyAt ? utcInstant(release.prenotifyAt) : "none planned"}</dd>
          <dt>Sent</dt>
          <dd>{when(release.prenotifiedAt)}</dd>
        </dl>
        {recipients.length === 0 ? (
          <p class="muted" id="no-prenotifications">
            Nobody has been written to yet. At the pre-notification time each member of the release's lists
            gets their own mail, encrypted to their key.
          </p>
        ) : (
          <table class="inbox">
            <caption class="visually-hidden">Recipients of the pre-notification, by round</caption>
            <thead>
              <tr>
                <th scope="col">Recipient</th>
                <th scope="col">List</th>
                <th scope="col">Mail</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {recipients.map((r) => (
                <tr id={`prenotification-${r.id}`}>
                  <td class="title-cell">
                    <strong>{r.name}</strong>
                    <br />
                    <span class="small">{r.email}</span>
                    <br />
                    <span class="small mono muted">{formatFingerprint(r.fingerprint)}</span>
                  </td>
                  <td data-label="List">{r.listName ?? "(list deleted)"}</td>
                  <td data-label="Mail">
                    {KIND_LABELS[r.kind]}, round {r.round}
                  </td>
                  <StatusCell r={r} />
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}

const ACK_TEXT = {
  open: {
    title: "Confirm receipt",
    text: "Confirm that you received the security pre-notification this personal link came with.",
  },
  done: {
    title: "Thank you",
    text: "Your receipt is recorded. Please keep the pre-notification confidential until its publication time.",
  },
  used: {
    title: "Already confirmed",
    text: "This link was already used: your receipt is recorded. There is nothing more to do.",
  },
  unknown: {
    title: "Link not recognised",
    text: "This acknowledgement link is not valid. Use the personal link from your pre-notification mail, copied whole.",
  },
} as const;

/** The page behind a personal acknowledgement link: a confirm button (a GET changes nothing), or the outcome. */
export function AckPage(props: {
  orgName: string;
  state: keyof typeof ACK_TEXT;
  action?: string;
  csrfToken?: string | null;
}) {
  const words = ACK_TEXT[props.state];
  return (
    <Layout title={words.title} orgName={props.orgName} column>
      <section class="card narrow" id={`ack-${props.state}`}>
        <h1>{words.title}</h1>
        <p>{words.text}</p>
        {props.state === "open" && props.action && (
          <form method="post" action={props.action}>
            <Csrf token={props.csrfToken} />
            <button type="submit">I received the pre-notification</button>
          </form>
        )}
      </section>
    </Layout>
  );
}
