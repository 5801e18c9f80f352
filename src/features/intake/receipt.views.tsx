import { receiptMailNote } from "../../domain/mail-delivery.ts";
import { type LinkRecovery, NoMailLinkHelp } from "../../http/components/lost-link-help.tsx";
import { formatDate, Layout } from "../../http/layout.tsx";

export interface ReceiptProps {
  orgName: string;
  reference: string;
  trackingUrl: string;
  acknowledgeBy: Date;
  emailed: boolean;
  /** Whether this server sends mail (SMTP configured); without it the link would never reach the reporter. */
  mailSent: boolean;
}

/** Shown once after a submission: the only place the tracking link appears outside the reporter's mailbox. */
export function ReceiptPage(props: ReceiptProps) {
  return (
    <Layout title={`Report ${props.reference} received`} orgName={props.orgName} active="report">
      <ReceiptContent {...props} />
      <script src="/static/js/receipt.js" defer></script>
    </Layout>
  );
}

/**
 * A receipt URL loaded again: the report is safe, but the link is not shown twice. It says how to get the link
 * back: by email when this server sends mail and the report gave an address; otherwise what works instead.
 */
export function ReceiptGonePage(props: {
  orgName: string;
  status: "shown" | "expired" | "unknown";
  reference?: string | undefined;
  recovery: LinkRecovery;
}) {
  const title =
    props.status === "shown"
      ? "The tracking link was already shown"
      : props.status === "expired"
        ? "This receipt has expired"
        : "Receipt not found";
  return (
    <Layout title={title} orgName={props.orgName} active="report">
      <section class="card narrow" id="receipt-gone">
        <h1>{title}</h1>
        {props.reference ? (
          <p>
            Your report <strong class="mono">{props.reference}</strong> was received and is safe with us:
            nothing was sent again.
          </p>
        ) : (
          <p>
            There is no receipt at this address. If you sent a report, it was received and is safe with us.
          </p>
        )}
        <p>
          {props.status === "shown"
            ? "For your safety we show the private tracking link only once, and this receipt has been opened before."
            : props.status === "expired"
              ? "For your safety a receipt can be opened only within 30 minutes of sending the report."
              : "Receipts can be opened only once, within 30 minutes of sending the report."}
        </p>
        <h2>Get your link back</h2>
        {props.recovery.mailSent ? (
          <p>
            If you gave an email address, <a href="/r/recover">ask for a new link by email</a>: we send a
            fresh private link for each of your reports. A report sent without an email address can be
            followed only through the link shown on its receipt.
          </p>
        ) : (
          <NoMailLinkHelp reportingAddress={props.recovery.reportingAddress} />
        )}
      </section>
    </Layout>
  );
}

/** The receipt without the page around it; the encrypting script puts it in place of the form. */
export function ReceiptContent(props: Omit<ReceiptProps, "orgName">) {
  return (
    <div class="narrow" id="receipt">
      <div class="notice success">
        <h1>Thank you: your report {props.reference} was received</h1>
        <p>
          Reference: <strong class="mono">{props.reference}</strong>
        </p>
      </div>

      <section class="card tracking-link" aria-labelledby="link-heading">
        <h2 id="link-heading">Your private tracking link</h2>
        <div class="notice warn" role="note">
          <strong>Save this link now.</strong> We show it only once and keep only a fingerprint of it. Anyone
          with the link can read and answer your report, so keep it secret.
          {` ${receiptMailNote({ gaveEmail: props.emailed, mailSent: props.mailSent })}`}
        </div>
        <p class="tracking-link-label">
          <strong>Tracking link</strong>
        </p>
        <p class="tracking-link-row">
          <code id="tracking-url" class="tracking-url">
            {props.trackingUrl}
          </code>
          <button type="button" class="secondary copy-link" data-copy="tracking-url" hidden>
            Copy link
          </button>
          <span class="copy-status small" role="status" aria-live="polite"></span>
        </p>
        <p class="muted small">
          Shown in a font where the capital I, the small l and the digit 1 look different, so you can copy it
          by hand.
        </p>
        <p>
          <a href={props.trackingUrl}>Open your report’s page</a>
        </p>
      </section>

      <section class="card" aria-labelledby="next-heading">
        <h2 id="next-heading">What happens next</h2>
        <ol>
          <li>
            We will acknowledge your report by <strong>{formatDate(props.acknowledgeBy)}</strong>.
          </li>
          <li>A Response Manager assesses it and tells you whether we can confirm the issue.</li>
          <li>
            We keep you informed on your tracking page, where you can also answer our questions and add files.
          </li>
          <li>Once a fix is released, we agree on disclosure and credit with you.</li>
        </ol>
        <p class="muted small">
          Please keep the details confidential until we have released a fix and agreed on disclosure.
        </p>
      </section>
    </div>
  );
}
