import type { Child } from "hono/jsx";
import { weaknessLabel } from "../../domain/weaknesses.ts";
import { AttachmentsInput } from "../../http/components/attachments-input.tsx";
import { describedBy, ErrorSummary, invalid } from "../../http/components/error-summary.tsx";
import { FieldError } from "../../http/components/field.tsx";
import { type LinkRecovery, NoMailLinkHelp } from "../../http/components/lost-link-help.tsx";
import { ReportText } from "../../http/components/report-text.tsx";
import { formatDate, Layout } from "../../http/layout.tsx";
import { ReporterWaitingPrompt } from "../reports/needs-info.views.tsx";
import type { ReportsService } from "../reports/reports.service.ts";
import { CheckTheFix, type FixAnswerDraft, type ReporterConsultation } from "./consultation.views.tsx";
import { ProposalFacts, SharedSeverityCard } from "./shared-severity.views.tsx";

/** Exactly what the service lets a link holder see; the page cannot show more than this. */
export type ReporterView = NonNullable<Awaited<ReturnType<ReportsService["reporterView"]>>>;

interface AttachmentLink {
  id: string;
  filename: string;
  size: number;
}

const CREDIT_LABELS: Record<string, string> = {
  name: "by name",
  handle: "by handle",
  anonymous: "anonymous",
};

/** Human sizes for attachment lists. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function Attachments(props: { token: string; items: readonly AttachmentLink[] }) {
  if (props.items.length === 0) return null;
  return (
    <ul class="attachments">
      {props.items.map((a) => (
        <li>
          <a href={`/r/${props.token}/attachments/${a.id}`} download={a.filename}>
            {a.filename}
          </a>{" "}
          <span class="muted small">({formatBytes(a.size)})</span>
        </li>
      ))}
    </ul>
  );
}

export interface ReporterPageProps {
  orgName: string;
  token: string;
  view: ReporterView;
  reply?: string;
  errors?: Record<string, string>;
  /** The fix the team invited the reporter to check; null without an invitation (the page then shows no code). */
  fix?: ReporterConsultation | null;
  fixDraft?: FixAnswerDraft | null;
  /** The reporter just revoked their clone access. */
  fixAccessRevoked?: boolean;
  /** Sections other features add (disclosure, bounty). */
  extraSections?: Child;
}

/** The reporter's private page: status, deadlines, the conversation and their own report, with a reply form. */
export function ReporterPage(props: ReporterPageProps) {
  const { view, token } = props;
  const e = props.errors;
  const hadErrors = e !== undefined && Object.keys(e).length > 0;
  const fixErrors = Object.keys(props.fixDraft?.errors ?? {}).length > 0;
  return (
    <Layout
      title={hadErrors || fixErrors ? `Error: Report ${view.reference}` : `Report ${view.reference}`}
      orgName={props.orgName}
    >
      <div class="report-head">
        <p class="muted mono">{view.reference}</p>
        <h1>{view.title}</h1>
        <div class="row">
          <span class={`badge state state-${view.state}`}>{view.stateLabel}</span>
          {view.severity && <span class={`badge sev-${view.severity}`}>Severity: {view.severity}</span>}
          {view.rejectionReason && <span class="badge">{view.rejectionReason}</span>}
        </div>
        <p class="muted small">
          This page is private to you: keep its address secret. Anyone with it can read and answer this
          report.
        </p>
      </div>

      <ReporterWaitingPrompt since={view.waitingSince} />

      <div class="grid">
        <div>
          {props.fix && (
            <CheckTheFix
              token={token}
              fix={props.fix}
              draft={props.fixDraft ?? null}
              revoked={props.fixAccessRevoked ?? false}
            />
          )}
          {props.extraSections}
          <section class="card" aria-labelledby="messages-heading" id="messages">
            <h2 id="messages-heading">Conversation</h2>
            {view.messages.length === 0 ? (
              <p class="muted">
                No messages yet. We will write here, and you can add information below at any time.
              </p>
            ) : (
              <ol class="messages">
                {view.messages.map((m) => (
                  <li class={m.mine ? "message mine" : "message team"} id={`message-${m.id}`}>
                    <header>
                      <strong>{m.from}</strong>
                      <time datetime={m.createdAt.toISOString()}>{formatDate(m.createdAt)}</time>
                    </header>
                    <div class="body">{m.body}</div>
                    <Attachments token={token} items={m.attachments} />
                  </li>
                ))}
              </ol>
            )}

            <h3 id="reply-heading">
              {view.waitingSince ? "Answer the security team's question" : "Reply to the security team"}
            </h3>
            <ErrorSummary errors={e} order={["body", "attachments"]} />
            <form
              method="post"
              action={`/r/${token}/messages`}
              enctype="multipart/form-data"
              aria-labelledby="reply-heading"
            >
              <label for="body">Message</label>
              <textarea
                id="body"
                name="body"
                rows={6}
                required
                maxlength={20000}
                aria-invalid={invalid("body", e)}
                aria-describedby={describedBy("body", e)}
              >
                {props.reply ?? ""}
              </textarea>
              <FieldError id="body" errors={e} />
              <AttachmentsInput
                errors={e}
                again={hadErrors}
                againText="Files are not kept when the form is shown again: please select them again."
              />
              <div class="actions">
                <button type="submit">Send message</button>
              </div>
            </form>
          </section>

          <section class="card" aria-labelledby="report-heading" id="report">
            <h2 id="report-heading">Your report</h2>
            <dl class="facts">
              <dt>Received</dt>
              <dd>{formatDate(view.receivedAt)}</dd>
              <dt>Asset</dt>
              <dd>{view.asset}</dd>
              <dt>Weakness</dt>
              <dd>{weaknessLabel(view.weakness)}</dd>
              <dt>Credit</dt>
              <dd>
                {CREDIT_LABELS[view.reporter.credit] ?? view.reporter.credit}
                {view.reporter.credit !== "anonymous" && view.reporter.name ? ` (${view.reporter.name})` : ""}
              </dd>
              <ProposalFacts proposal={view.reporterProposal} />
            </dl>
            <h3>Description</h3>
            <ReportText text={view.description} />
            <h3>Steps to reproduce</h3>
            <ReportText text={view.steps} />
            <h3>Impact</h3>
            <ReportText text={view.impact} />
            {view.attachments.length > 0 && (
              <>
                <h3>Attachments</h3>
                <Attachments token={token} items={view.attachments} />
              </>
            )}
          </section>
        </div>

        <aside>
          <SharedSeverityCard severity={view.sharedSeverity} />
          <section class="card" aria-labelledby="deadlines-heading">
            <h2 id="deadlines-heading">Our commitments</h2>
            <dl class="facts">
              {view.deadlines.acknowledgedAt ? (
                <>
                  <dt>Acknowledged</dt>
                  <dd>{formatDate(view.deadlines.acknowledgedAt)}</dd>
                </>
              ) : (
                <>
                  <dt>Acknowledge by</dt>
                  <dd>{formatDate(view.deadlines.acknowledgeBy)}</dd>
                </>
              )}
              {view.deadlines.triageBy && (
                <>
                  <dt>Assessed by</dt>
                  <dd>{formatDate(view.deadlines.triageBy)}</dd>
                </>
              )}
              {view.deadlines.resolveBy && (
                <>
                  <dt>Target resolution</dt>
                  <dd>{formatDate(view.deadlines.resolveBy)}</dd>
                </>
              )}
            </dl>
            {view.waitingSince && (
              <p class="hint" id="deadlines-paused">
                Paused while we wait for your answer; the dates still ahead move back by the time we waited.
              </p>
            )}
          </section>

          <section class="card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Progress</h2>
            <ol class="timeline">
              {view.timeline.map((step) => (
                <li>
                  <time datetime={step.at.toISOString()}>{formatDate(step.at)}</time>
                  {step.text}
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </div>
    </Layout>
  );
}

/**
 * The lost-links form: one field, the email address used in reports. Without SMTP no new link could reach the
 * reporter (the mail would wait in the outbox, the link sealed), so the page says so instead of offering it.
 */
export function RecoverPage(props: {
  orgName: string;
  recovery: LinkRecovery;
  email?: string;
  errors?: Record<string, string>;
}) {
  const e = props.errors;
  if (!props.recovery.mailSent)
    return (
      <RecoverUnavailablePage orgName={props.orgName} reportingAddress={props.recovery.reportingAddress} />
    );
  return (
    <Layout title="Get new links to your reports" orgName={props.orgName}>
      <section class="card narrow">
        <h1>Lost the link to your report?</h1>
        <p>
          Enter the email address you gave when reporting. If it matches any reports, we email you a new
          private link for each of them.
        </p>
        <ErrorSummary errors={e} order={["email"]} />
        <form method="post" action="/r/recover">
          <label for="email">Email address</label>
          <input
            type="email"
            id="email"
            name="email"
            value={props.email ?? ""}
            required
            maxlength={254}
            autocomplete="email"
            aria-invalid={invalid("email", e)}
            aria-describedby={describedBy("email", e)}
          />
          <FieldError id="email" errors={e} />
          <div class="actions">
            <button type="submit">Send me new links</button>
          </div>
        </form>
        <p class="muted small">
          Reports sent without an email address can only be followed through the link shown after submitting
          them.
        </p>
      </section>
    </Layout>
  );
}

/** Lost-link recovery on a server that sends no mail: what is true, and what the reporter can do instead. */
function RecoverUnavailablePage(props: { orgName: string; reportingAddress: string }) {
  return (
    <Layout title="Get new links to your reports" orgName={props.orgName}>
      <section class="card narrow" id="recover-unavailable">
        <h1>Lost the link to your report?</h1>
        <NoMailLinkHelp reportingAddress={props.reportingAddress} />
      </section>
    </Layout>
  );
}

/** The same answer for every address, known or not, so the form reveals nothing about who reported to us. */
export function RecoverSentPage(props: { orgName: string }) {
  return (
    <Layout title="Check your email" orgName={props.orgName}>
      <section class="card narrow">
        <h1>Check your email</h1>
        <p>
          If we have reports for that address, we have sent new links to it. The mail may take a few minutes.
        </p>
        <p class="muted">
          Nothing arrived? Check your spam folder, or make sure you used the address you reported with.
        </p>
        <p>
          <a href="/">Back to the policy</a>
        </p>
      </section>
    </Layout>
  );
}

/** One page for unknown and malformed links alike, so a guess learns nothing. */
export function LinkNotFoundPage(props: { orgName: string; recovery: LinkRecovery }) {
  return (
    <Layout title="Not found" orgName={props.orgName}>
      <section class="card narrow" id="link-not-found">
        <h1>Not found</h1>
        <p>There is nothing at this address.</p>
        {props.recovery.mailSent ? (
          <p>
            Lost the link to your report? <a href="/r/recover">Get new links by email</a>.
          </p>
        ) : (
          <>
            <h2>Lost the link to your report?</h2>
            <NoMailLinkHelp reportingAddress={props.recovery.reportingAddress} />
          </>
        )}
      </section>
    </Layout>
  );
}
