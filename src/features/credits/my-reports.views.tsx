import { describedBy, ErrorSummary, invalid } from "../../http/components/error-summary.tsx";
import { FieldError } from "../../http/components/field.tsx";
import { formatDate, Layout } from "../../http/layout.tsx";
import { type CreditDraft, CreditFields, draftOf } from "./credits.views.tsx";
import type { MyReportsService } from "./my-reports.service.ts";

type Errors = Record<string, string>;

/** The request form: one field, the address the reports were sent from. */
export function MyReportsRequestPage(props: { orgName: string; email?: string; errors?: Errors }) {
  const e = props.errors ?? {};
  return (
    <Layout
      title={Object.keys(e).length > 0 ? "Error: My reports" : "My reports"}
      orgName={props.orgName}
      column
    >
      <section class="card narrow">
        <h1>My reports</h1>
        <p>
          Give the email address you used in your reports. We mail you a link that shows all of them, with
          their state, deadlines and credit. The link works once, for one hour. There is no account and no
          password.
        </p>
        <ErrorSummary errors={e} order={["email"]} />
        <form method="post" action="/r/mine">
          <label for="email">Email address</label>
          <input
            type="email"
            id="email"
            name="email"
            required
            autocomplete="email"
            value={props.email ?? ""}
            aria-invalid={invalid("email", e)}
            aria-describedby={describedBy("email", e)}
          />
          <FieldError id="email" errors={e} />
          <div class="actions">
            <button type="submit">Mail me a link</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}

/** The same answer for every address: it never tells whether we have reports from it. */
export function MyReportsSentPage(props: { orgName: string }) {
  return (
    <Layout title="Check your mail" orgName={props.orgName} column>
      <section class="card narrow">
        <h1>Check your mail</h1>
        <p>
          If we have reports from this address, we sent it a link. It works once, within one hour. If nothing
          arrives, check the address you used, or ask again later.
        </p>
      </section>
    </Layout>
  );
}

/** The mailed link opens this page; only its button uses the link (so a mail scanner's visit does not). */
export function MyReportsOpenPage(props: { orgName: string; token: string }) {
  return (
    <Layout title="My reports" orgName={props.orgName} column>
      <section class="card narrow">
        <h1>My reports</h1>
        <p>This link works once. Open your reports now; the page stays open for at most one hour.</p>
        <form method="post" action={`/r/mine/open/${props.token}`}>
          <div class="actions">
            <button type="submit">Show my reports</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}

export function MyReportsGonePage(props: { orgName: string; message: string }) {
  return (
    <Layout title="Link expired" orgName={props.orgName} column>
      <section class="card narrow">
        <h1>Link expired</h1>
        <p>{props.message}</p>
        <p>
          <a href="/r/mine">Ask for a new link</a>
        </p>
      </section>
    </Layout>
  );
}

type Listing = Awaited<ReturnType<MyReportsService["list"]>>;

/** Every report from the address, and one form that sets the credit of those not yet confirmed. */
export function MyReportsListPage(props: {
  orgName: string;
  listing: Listing;
  applied: number | null;
  draft: CreditDraft | null;
  errors: Errors;
}) {
  const { listing } = props;
  return (
    <Layout title="My reports" orgName={props.orgName}>
      <section class="card">
        <h1>My reports</h1>
        <p class="muted small">
          This page closes at {formatDate(listing.expiresAt)}. Nothing here needs a password.
        </p>
        {props.applied !== null && (
          <p class="notice" role="status">
            Your credit was set on {props.applied} {props.applied === 1 ? "report" : "reports"}.
          </p>
        )}
        {listing.reports.length === 0 ? (
          <p>There are no reports from this address.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Report</th>
                  <th scope="col">State</th>
                  <th scope="col">Next deadline</th>
                  <th scope="col">Credit</th>
                </tr>
              </thead>
              <tbody>
                {listing.reports.map((r) => {
                  const d = r.deadlines;
                  const next = d.acknowledgeBy
                    ? `Acknowledge by ${formatDate(d.acknowledgeBy)}`
                    : d.triageBy
                      ? `Assessed by ${formatDate(d.triageBy)}`
                      : d.resolveBy
                        ? `Resolution by ${formatDate(d.resolveBy)}`
                        : "—";
                  return (
                    <tr>
                      <td>
                        <span class="mono">{r.reference}</span> {r.title}
                        <br />
                        <span class="muted small">Received {formatDate(r.receivedAt)}</span>
                      </td>
                      <td>{r.state}</td>
                      <td>{next}</td>
                      <td>
                        {r.credit}
                        {r.creditConfirmed && <span class="muted small"> (confirmed)</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <p class="hint">
          To reply on a report, use its private link from our mails, or ask for the links again at{" "}
          <a href="/r/recover">/r/recover</a>.
        </p>
      </section>
      <section class="card" aria-labelledby="defaults-heading">
        <h2 id="defaults-heading">Credit for all my reports</h2>
        <p>
          Sets this credit on every report above whose credit you have not confirmed yet and that is not
          public. Confirmed and published credits stay as they are.
        </p>
        <ErrorSummary
          errors={props.errors}
          order={["display", "name", "handle", "url", "affiliation", "coFinders"]}
        />
        <form method="post" action="/r/mine/credit">
          <CreditFields draft={props.draft ?? draftOf(null)} errors={props.errors} prefix="mine" />
          <div class="actions">
            <button type="submit">Set credit</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
