import type { CurrentUser } from "../../core/actors.ts";
import { AdminLayout } from "../../http/components/admin-layout.tsx";
import { DataTable } from "../../http/components/data-table.tsx";
import { Csrf, formatDate } from "../../http/layout.tsx";
import { type MailArrival, MailFacts } from "../reports/mail-facts.views.tsx";
import { HOLD_REASONS } from "./held-mail.service.ts";
import type { InboundRow } from "./mail-intake.repo.ts";
import type { MailPollStatus } from "./mail-intake.service.ts";
import type { InboundDetails } from "./mail-intake.types.ts";

const ERROR_LABELS: Record<string, string> = {
  malformed: "Malformed",
  undecryptable: "Cannot decrypt",
  no_sender: "No sender",
  empty: "Empty",
  too_large: "Too large",
  too_many_attachments: "Too many attachments",
  sender_mismatch: "Sender is not the reporter",
  automatic: "Automatic mail",
  rate_limited: "Too many from this sender",
};

export interface MailIntakePageProps {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
  /** IMAP_URL without its password, or null when it is not set. */
  mailbox: string | null;
  lastPoll: MailPollStatus | null;
  failures: InboundRow[];
  recent: InboundRow[];
  /** Replies held as unverified: decided on their report's page. */
  held: InboundRow[];
  done: string | null;
}

/** /admin/mail: is the intake mailbox polled, what could not be imported and why, what came in lately. */
/** Who sent a mail and its subject, as an admin looks for it in their mail client. */
function SenderLines(props: { row: { fromAddress: string | null; subject: string | null } }) {
  return (
    <>
      {props.row.fromAddress ?? "(no sender)"}
      <span class="block small">{props.row.subject ?? "(no subject)"}</span>
    </>
  );
}

function SenderCell(props: { row: { fromAddress: string | null; subject: string | null } }) {
  return (
    <td class="break">
      <SenderLines row={props.row} />
    </td>
  );
}

export function MailIntakePage(props: MailIntakePageProps) {
  const poll = props.lastPoll;
  return (
    <AdminLayout {...props} title="Mail intake" section="mail">
      <h1>Mail intake</h1>
      {props.done && (
        <div class="notice success" role="status" id="done">
          {props.done}
        </div>
      )}
      {props.mailbox ? (
        <p class="notice" id="imap-status">
          Mail to the security address is read from <code>{props.mailbox}</code>.{" "}
          {poll ? (
            poll.ok ? (
              <>
                Last poll {formatDate(poll.at)}: {poll.imported} imported, {poll.failed} failed
                {(poll.skipped ?? 0) > 0 && `, ${poll.skipped} waiting below for a retry`}.
              </>
            ) : (
              <strong class="field-error">
                Last poll {formatDate(poll.at)} failed: {poll.error}
              </strong>
            )
          ) : (
            "It has not been polled yet."
          )}
          {poll?.warning && <strong class="block">{poll.warning}</strong>}
        </p>
      ) : (
        <p class="notice warn" id="imap-status">
          IMAP_URL is not set, so mail to the security address is not imported. Reporters can still use the
          web form and the JSON intake.
        </p>
      )}

      <h2 id="failures">Not imported</h2>
      {props.failures.length === 0 ? (
        <p class="empty-state card">Every mail seen so far was imported.</p>
      ) : (
        <>
          <p>
            These mails stay in the mailbox, marked with the keyword <code>$EmbargoFailed</code>, and are
            skipped until you retry them. Fix the cause first (for example, import the intake key the mail was
            encrypted to). Automatic mail (bounces, out-of-office replies) is never answered; import it anyway
            if a person wrote it. Dismiss takes a mail off this list for good; it stays in the mailbox.
          </p>
          <DataTable
            class="inbound"
            columns={["Seen", "From and subject", "Problem", "Tries", "Action"]}
            rows={props.failures}
            row={(row) => (
              <tr id={`mail-${row.id}`}>
                <td class="nowrap small">{formatDate(row.updatedAt)}</td>
                <td class="break">
                  <SenderLines row={row} />
                  <span class="block small hint">
                    {row.messageId ? `Message-ID <${row.messageId}>` : "No Message-ID"}
                    {row.uid !== null && ` · ${row.mailbox ?? ""} UID ${row.uid}`}
                  </span>
                </td>
                <td>
                  <span class="badge sla-overdue">{ERROR_LABELS[row.errorCode ?? ""] ?? row.errorCode}</span>
                  <span class="block small">{row.error}</span>
                </td>
                <td>{row.attempts}</td>
                <td>
                  {row.status === "retry" ? (
                    <span class="badge sla-due_soon">Retry at next poll</span>
                  ) : (
                    <form method="post" action={`/admin/mail/${row.id}/retry`} class="stack-tight">
                      <Csrf token={props.csrfToken} />
                      <button type="submit" name="as" value="same" class="secondary">
                        {row.errorCode === "automatic" ? "Import anyway" : "Retry"}
                      </button>
                      {row.errorCode === "sender_mismatch" && (
                        <button type="submit" name="as" value="new_report" class="secondary">
                          Import as new report
                        </button>
                      )}
                    </form>
                  )}
                  <form method="post" action={`/admin/mail/${row.id}/dismiss`} class="stack-tight dismiss">
                    <Csrf token={props.csrfToken} />
                    <button type="submit" class="link">
                      Dismiss
                    </button>
                  </form>
                </td>
              </tr>
            )}
          />
        </>
      )}

      <h2 id="held">Unverified replies</h2>
      <p class="hint">
        Replies that name a report only by its reference, without the reporter's signature: anyone can forge
        those. They wait on the report's page until a team member accepts or dismisses them.
      </p>
      <DataTable
        class="inbound"
        columns={["Received", "From and subject", "Report", "Why it waits"]}
        rows={props.held}
        empty={"No reply is waiting."}
        row={(row) => (
          <tr>
            <td class="nowrap small">{formatDate(row.firstSeenAt)}</td>
            <SenderCell row={row} />
            <td class="nowrap">
              {row.reportId ? (
                <a href={`/reports/${row.reportId}#mail-waiting`}>Decide on the report</a>
              ) : (
                "—"
              )}
            </td>
            <td class="small">{HOLD_REASONS[(row.details as InboundDetails).heldReason ?? "unsigned"]}</td>
          </tr>
        )}
      />

      <h2 id="recent">Recently imported</h2>
      <DataTable
        class="inbound"
        columns={["Imported", "From and subject", "Report", "Security"]}
        rows={props.recent}
        empty={"No mail has been imported yet."}
        row={(row) => (
          <tr>
            <td class="nowrap small">{formatDate(row.updatedAt)}</td>
            <SenderCell row={row} />
            <td class="nowrap">
              {row.reportId ? (
                <a href={`/reports/${row.reportId}${row.messageRowId ? `#message-${row.messageRowId}` : ""}`}>
                  {row.messageRowId ? "Reply" : "New report"}
                </a>
              ) : (
                "—"
              )}
            </td>
            <td>
              <MailFacts details={row.details as MailArrival} />
            </td>
          </tr>
        )}
      />
    </AdminLayout>
  );
}
