/** What this deployment offers a reporter who has lost a tracking link. */
export interface LinkRecovery {
  /** Whether mail leaves through SMTP: new links are sent by email, so recovery works only then. */
  mailSent: boolean;
  /** The address the policy page shows researchers (domain/mail-delivery.ts), or "" when it shows none. */
  reportingAddress: string;
}

/**
 * A lost link on a server that sends no mail. A new link would wait in the outbox, sealed, and never reach the
 * reporter, so nothing here promises mail. It offers what works on this deployment instead: writing to the
 * address the policy page shows, only when it shows one, and sending the report again, whose receipt shows a
 * new private link at once.
 */
export function NoMailLinkHelp(props: { reportingAddress: string }) {
  const address = props.reportingAddress;
  return (
    <div id="no-mail-link-help">
      <p>
        New links are sent by email, and this server does not send email at the moment, so we cannot send you
        a new link.
      </p>
      <p>What you can do instead:</p>
      <ul>
        {address && (
          <li>
            Write to <a href={`mailto:${address}`}>{address}</a>, the address on our{" "}
            <a href="/">policy page</a>, and quote your report’s reference if you have it.
          </li>
        )}
        <li>
          <a href="/report">Send your report again</a>: its receipt shows a new private link at once. Mention
          the earlier report’s reference if you have it, so we know the two belong together.
        </li>
      </ul>
    </div>
  );
}
