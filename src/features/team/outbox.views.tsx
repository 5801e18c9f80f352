import type { outbox } from "../../db/schema.ts";
import { type AdminFrame, AdminLayout } from "../../http/components/admin-layout.tsx";
import { DataTable } from "../../http/components/data-table.tsx";
import { formatDate } from "../../http/layout.tsx";

/** A mail as the outbox keeps it. */
type OutboxRow = typeof outbox.$inferSelect;

export interface OutboxPageProps extends AdminFrame {
  rows: readonly OutboxRow[];
  smtpConfigured: boolean;
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
      <DataTable
        class="outbox"
        columns={["Created", "To", "Subject and body", "Status", "Attempts"]}
        rows={props.rows}
        empty={"The outbox is empty."}
        row={(row) => (
          <tr>
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
          </tr>
        )}
      />
    </AdminLayout>
  );
}
