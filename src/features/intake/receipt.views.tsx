import { receiptMailNote } from "../../domain/mail-delivery.ts";
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
        <label for="tracking-url">Tracking link</label>
        <input type="text" id="tracking-url" class="copy mono" readonly value={props.trackingUrl} />
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
