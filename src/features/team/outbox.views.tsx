import type { outbox } from "../../db/schema.ts";
import { HELD_MAIL_MAX_AGE_DAYS } from "../../domain/held-mail.ts";
import { countMails } from "../../domain/mail-delivery.ts";
import { type AdminFrame, AdminLayout, Done, Problem } from "../../http/components/admin-layout.tsx";
import { DataTable } from "../../http/components/data-table.tsx";
import { Csrf, formatDate } from "../../http/layout.tsx";

/** A mail as the outbox keeps it. */
type OutboxRow = typeof outbox.$inferSelect;

/** What "Send held mail" would do now (see the outbox service's heldSummary). */
export interface HeldMailSummaryView {
  held: number;
  sendable: number;
  old: number;
  oldestDays: number;
}

export interface OutboxPageProps extends AdminFrame {
  rows: readonly OutboxRow[];
  smtpConfigured: boolean;
  held: HeldMailSummaryView;
  /** Why a held mail on the page cannot be sent as it is, by id. */
  refusals: ReadonlyMap<string, string>;
  done?: string | null;
  problem?: string | null;
}

const OUTBOX_STATUS_CLASS: Record<string, string> = {
  queued: "sla-due_soon",
  sending: "sla-due_soon",
  held: "sla-due_soon",
  sent: "sla-met",
  failed: "sla-overdue",
  bounced: "sla-overdue",
  cancelled: "",
};

/** Mail the system wrote, so nothing is silently lost when SMTP is missing or failing. */
export function OutboxPage(props: OutboxPageProps) {
  return (
    <AdminLayout {...props} title="Outbox" section="outbox">
      <h1>Outbox</h1>
      {props.smtpConfigured ? (
        <p class="notice" id="smtp-notice">
          Mail is sent through SMTP. Failed mail stays here with its error, so you can forward it by hand.
        </p>
      ) : (
        <p class="notice warn" id="smtp-notice">
          SMTP_URL is not set, so no mail leaves this server: it is held here for an admin to forward. Copy
          the recipient, subject and body into your own mail client. Private tracking links are sealed and
          show here only as a placeholder: they go into a mail only when it is sent through SMTP.
        </p>
      )}
      <Done message={props.done} />
      <Problem
        problem={props.problem ? { message: props.problem, values: {}, errors: {} } : null}
        id="held-error"
      />
      <HeldMailActions {...props} />
      <DataTable
        class="outbox"
        columns={["Created", "To", "Subject and body", "Status", "Attempts", ""]}
        rows={props.rows}
        empty={"The outbox is empty."}
        row={(row) => (
          <tr id={`mail-${row.id}`}>
            <td class="nowrap small">{formatDate(row.createdAt)}</td>
            <td class="break">{row.toAddress}</td>
            <td>
              <details>
                <summary>{row.subject}</summary>
                <pre class="mail-body">{row.body}</pre>
                {row.secretsEnc && (
                  <p class="small muted">
                    The private tracking link is sealed under the data key. Only the delivery job puts it in,
                    when it sends the mail; nobody can read it here.
                  </p>
                )}
              </details>
            </td>
            <td>
              <span class={`badge ${OUTBOX_STATUS_CLASS[row.status] ?? ""}`}>{row.status}</span>
              {row.lastError && (
                <span class={`small block ${row.status === "cancelled" ? "muted" : "field-error"}`}>
                  {row.lastError}
                </span>
              )}
            </td>
            <td>{row.attempts}</td>
            <td>{row.status === "held" && <HeldRowActions {...props} row={row} />}</td>
          </tr>
        )}
      />
    </AdminLayout>
  );
}

/** "Send held mail (N)", or why it cannot be sent yet. Old mail goes in bulk only by a button that counts it. */
function HeldMailActions(props: OutboxPageProps) {
  const { held } = props;
  if (held.held === 0) return null;
  if (!props.smtpConfigured)
    return (
      <section id="held-mail" aria-labelledby="held-mail-heading">
        <h2 id="held-mail-heading">Held mail</h2>
        <p>
          {countMails(held.held)} {held.held === 1 ? "is" : "are"} held. They cannot be sent yet because this
          server has no SMTP server to send through. Set <code>SMTP_URL</code> (for example{" "}
          <code>smtps://user:pass@mail.example.org:465</code>) and restart Embargo; this page then offers to
          send the held mail.
        </p>
      </section>
    );
  const recent = held.sendable - held.old;
  return (
    <section id="held-mail" aria-labelledby="held-mail-heading">
      <h2 id="held-mail-heading">Held mail</h2>
      <p>
        {countMails(held.held)} {held.held === 1 ? "was" : "were"} held while SMTP was not configured.{" "}
        {held.sendable < held.held &&
          `${countMails(held.held - held.sendable)} cannot be sent as ${held.held - held.sendable === 1 ? "it was" : "they were"} meant to; the reason is beside each.`}
      </p>
      {held.sendable > 0 && held.old === 0 && (
        <form method="post" action="/admin/outbox/send-held" class="inline">
          <Csrf token={props.csrfToken} />
          <button type="submit">Send held mail ({held.sendable})</button>
        </form>
      )}
      {held.old > 0 && (
        <>
          <p class="notice warn" id="old-held-mail">
            {countMails(held.old)} of them {held.old === 1 ? "is" : "are"} older than {HELD_MAIL_MAX_AGE_DAYS}{" "}
            days (the oldest {held.oldestDays} days): a receipt or reply that late may confuse its recipient.
          </p>
          <form method="post" action="/admin/outbox/send-held" class="inline">
            <Csrf token={props.csrfToken} />
            <input type="hidden" name="confirmOld" value={String(held.old)} />
            <button type="submit">
              Send held mail ({held.sendable}), including the {held.old} older than {HELD_MAIL_MAX_AGE_DAYS}{" "}
              days
            </button>
          </form>{" "}
          {recent > 0 && (
            <form method="post" action="/admin/outbox/send-held" class="inline">
              <Csrf token={props.csrfToken} />
              <input type="hidden" name="recentOnly" value="true" />
              <button type="submit" class="secondary">
                Send only the {recent} recent
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
}

/** A held mail's own Send (with SMTP, when it can leave as meant) and Discard. */
function HeldRowActions(props: OutboxPageProps & { row: OutboxRow }) {
  const { row } = props;
  const refusal = props.refusals.get(row.id);
  return (
    <>
      {refusal && <span class="small block field-error">{refusal}</span>}
      {props.smtpConfigured && !refusal && (
        <form method="post" action={`/admin/outbox/${row.id}/send`} class="inline">
          <Csrf token={props.csrfToken} />
          <button type="submit" aria-label={`Send the mail to ${row.toAddress}: ${row.subject}`}>
            Send
          </button>
        </form>
      )}{" "}
      <form method="post" action={`/admin/outbox/${row.id}/discard`} class="inline">
        <Csrf token={props.csrfToken} />
        <button
          type="submit"
          class="secondary"
          aria-label={`Discard the mail to ${row.toAddress}: ${row.subject}`}
        >
          Discard
        </button>
      </form>
    </>
  );
}
