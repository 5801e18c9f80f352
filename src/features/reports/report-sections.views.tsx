import type { SlaItem } from "../../domain/sla.ts";
import { Err } from "../../http/components/field.tsx";
import { ReportText } from "../../http/components/report-text.tsx";
import { Csrf, formatDate } from "../../http/layout.tsx";
import { CvssResult } from "../severity/cvss.views.tsx";
import { OwaspResult } from "../severity/owasp.views.tsx";
import { SeverityHistory, SeveritySourceLine } from "../severity/severity.views.tsx";
import { prefilledText, TemplatePicker } from "../templates/template-picker.views.tsx";
import { MailFacts } from "./mail-facts.views.tsx";
import {
  described,
  invalid,
  type ReportPageProps,
  SafeLink,
  SeverityBadge,
  type TeamView,
} from "./report-parts.views.tsx";
import { ReporterProposalPanel } from "./reporter-proposal.views.tsx";

export function SlaList(props: { items: readonly SlaItem[] }) {
  return (
    <ul class="sla-items plain-list">
      {props.items.map((item) => {
        const status = item.met
          ? "met"
          : item.overdue
            ? "overdue"
            : item.paused
              ? "paused"
              : item.dueSoon
                ? "due_soon"
                : "ok";
        return (
          <li class={`sla-item sla-item-${status}`}>
            <strong>{item.label}</strong>
            <br />
            <span class="small">
              {item.met ? (
                <>
                  <span class="badge sla-met">Met</span> {formatDate(item.metAt)} (due{" "}
                  {formatDate(item.dueAt)})
                </>
              ) : (
                <>
                  <span class={`badge sla-${status}`}>
                    {item.overdue ? "Overdue" : item.paused ? "Paused" : item.dueSoon ? "Due soon" : "Due"}
                  </span>{" "}
                  {formatDate(item.dueAt)}
                </>
              )}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export function TextBlock(props: { title: string; id: string; text: string }) {
  return (
    <>
      <h3 id={props.id}>{props.title}</h3>
      <ReportText text={props.text} />
    </>
  );
}

function attachmentHref(reference: string, id: string) {
  return `/reports/${reference}/attachments/${id}`;
}

export function AttachmentList(props: {
  reference: string;
  items: ReadonlyArray<{ id: string; filename: string; size: number }>;
}) {
  if (props.items.length === 0) return null;
  return (
    <ul class="attachments">
      {props.items.map((a) => (
        <li>
          <a href={attachmentHref(props.reference, a.id)}>{a.filename}</a>{" "}
          <span class="muted small">({formatSize(a.size)})</span>
        </li>
      ))}
    </ul>
  );
}

function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

const MESSAGE_KIND_LABELS: Record<string, string> = {
  acknowledgement: "Acknowledgement sent to the reporter",
  rejection: "Rejection sent to the reporter",
  final_feedback: "Final feedback sent to the reporter",
  message: "Reply to the reporter",
};

export function Conversation(props: ReportPageProps) {
  const { view } = props;
  const problem = props.messageProblem;
  const typed = problem?.values ?? {};
  const prefill = props.templatePicker?.prefill;
  const filledBody = prefilledText(prefill, "message");
  // A canned response is written to the reporter, so a filled-in reply starts as one.
  const visibility = typed.visibility === "reporter" || filledBody !== undefined ? "reporter" : "internal";
  return (
    <section class="card" id="conversation" aria-labelledby="conversation-heading">
      <h2 id="conversation-heading">Conversation</h2>
      {view.messages.length === 0 && <p class="muted">No messages yet.</p>}
      <ol class="messages">
        {view.messages.map((m) => {
          const internal = m.visibility === "internal";
          const kindClass = internal ? "internal" : m.authorType === "reporter" ? "reporter" : m.authorType;
          const label = m.withdrawnAt
            ? "Withdrawn rejection — taken back from the reporter when the rejection was undone"
            : internal
              ? "Internal note — not visible to the reporter"
              : m.authorType === "reporter"
                ? "From the reporter"
                : (MESSAGE_KIND_LABELS[m.kind] ?? "Reply to the reporter");
          return (
            <li class={`message ${kindClass}`} id={`message-${m.id}`}>
              <header>
                <span>
                  <strong class="message-label">{label}</strong> · {m.author}
                </span>
                <time datetime={m.createdAt.toISOString()}>{formatDate(m.createdAt)}</time>
              </header>
              {props.mail?.get(m.id) && (
                <MailFacts details={props.mail.get(m.id)!.details} from={props.mail.get(m.id)!.fromAddress} />
              )}
              <div class="body">{m.body}</div>
              <AttachmentList reference={view.reference} items={m.attachments} />
            </li>
          );
        })}
      </ol>

      {props.canMessage && (
        <TemplatePicker
          form="message"
          reference={view.reference}
          templates={props.templatePicker?.templates}
          prefill={prefill}
        />
      )}
      {props.canMessage && (
        <form
          method="post"
          action={`/reports/${view.reference}/messages`}
          enctype="multipart/form-data"
          class="message-form"
          id="message-form"
        >
          <Csrf token={props.csrfToken} />
          {problem && (
            <div class="notice error" role="alert" id="message-error">
              {problem.message}
            </div>
          )}
          <fieldset>
            <legend>Who sees this</legend>
            <label class="choice">
              <input type="radio" name="visibility" value="internal" checked={visibility === "internal"} />{" "}
              Internal note — only the team sees it
            </label>
            <label class="choice">
              <input type="radio" name="visibility" value="reporter" checked={visibility === "reporter"} />{" "}
              Reply to the reporter — they are notified and see it on their tracking page
            </label>
            <Err errors={problem?.fields} name="visibility" id="message-visibility" />
          </fieldset>
          <label for="message-body">Message</label>
          <textarea
            id="message-body"
            name="body"
            rows={5}
            required
            aria-invalid={invalid(problem?.fields, "body")}
            aria-describedby={described(problem?.fields, "body", "message-body")}
          >
            {typed.body ?? filledBody ?? ""}
          </textarea>
          <Err errors={problem?.fields} name="body" id="message-body" />
          <label for="message-attachments">
            Attachments <span class="hint">Optional; up to 5 files of 10 MB.</span>
          </label>
          <input type="file" id="message-attachments" name="attachments" multiple />
          <Err errors={problem?.fields} name="attachments" id="message-attachments" />
          <div class="actions">
            <button type="submit">Post message</button>
          </div>
        </form>
      )}
    </section>
  );
}

export function SeveritySection(props: ReportPageProps) {
  const { view } = props;
  return (
    <section class="card" id="severity" aria-labelledby="severity-heading">
      <h2 id="severity-heading">Severity</h2>
      <p>
        <SeverityBadge severity={view.severity} />
        {!view.severity && <span class="muted"> Not scored yet.</span>}
      </p>
      {props.cvss && <SeveritySourceLine source={props.cvss.source} />}
      {props.currentRating && (
        <OwaspResult
          rating={props.currentRating}
          impactUsed={props.impactUsed}
          title="Current OWASP rating"
        />
      )}
      {props.cvss?.current && (
        <CvssResult
          score={props.cvss.current.score}
          vector={props.cvss.current.vector}
          title="Current CVSS score"
        />
      )}
      <ReporterProposalPanel
        reference={view.reference}
        proposal={view.reporterProposal}
        currentCvss={props.cvss?.current?.vector ?? null}
        canAct={props.canAct}
        csrfToken={props.csrfToken}
      />
      <h3>History</h3>
      <SeverityHistory items={view.severityHistory} />
    </section>
  );
}

/** Pushed commits in one line: the fix repository panel lists them with their verifications and diff. */
function PushedCommits(props: { fixes: TeamView["fixes"] }) {
  const commits = props.fixes.filter((f) => f.kind === "commit");
  if (commits.length === 0) return null;
  const stale = commits.some((f) => f.stale);
  return (
    <p class="small">
      {commits.length} {commits.length === 1 ? "commit" : "commits"} pushed to the{" "}
      <a href="#fix-repository">fix repository</a>.
      {stale && (
        <>
          {" "}
          <span class="badge sla-overdue">Stale verification</span> The branch moved after it was verified.
        </>
      )}
    </p>
  );
}

/** A report gets an advisory once it is confirmed as a vulnerability. */
const ADVISORY_STATES_FROM = new Set(["confirmed", "remediation", "fix_ready", "released", "disclosed"]);

export function FixesSection(props: { view: TeamView }) {
  const { view } = props;
  const links = view.fixes.filter((f) => f.kind !== "commit");
  return (
    <section class="card" id="fixes" aria-labelledby="fixes-heading">
      <h2 id="fixes-heading">Fixes</h2>
      {view.fixes.length === 0 && <p class="muted small">No fix linked yet.</p>}
      <PushedCommits fixes={view.fixes} />
      {links.length > 0 && (
        <ul class="plain-list fixes">
          {links.map((fix) => (
            <li>
              {fix.url !== null ? <SafeLink href={fix.url} /> : <span class="mono small">{fix.sha}</span>}
              <br />
              <span class="small muted">
                Added by {fix.author?.name ?? "someone"} on {formatDate(fix.createdAt)}
              </span>
              {fix.verifications.length === 0 ? (
                <p class="small">
                  <span class="badge sla-due_soon">Not verified</span>
                </p>
              ) : (
                <ul class="small">
                  {fix.verifications.map((v) => (
                    <li>
                      <span class="badge sla-met">Verified</span> by {v.verifier?.name ?? "someone"} on{" "}
                      {formatDate(v.at)}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      {(view.release.verification || view.release.overrideReason) && (
        <p class="small">
          Release:{" "}
          {view.release.verification === "passed"
            ? "package verification passed."
            : `override — ${view.release.overrideReason ?? ""}`}
        </p>
      )}
      {view.advisoryUrl && (
        <p class="small">
          Advisory: <SafeLink href={view.advisoryUrl} />
        </p>
      )}
      {view.noAdvisoryReason && <p class="small">No advisory: {view.noAdvisoryReason}</p>}
      {ADVISORY_STATES_FROM.has(view.state) && (
        <p class="small">
          <a href={`/manage/advisories/new?report=${encodeURIComponent(view.reference)}`}>
            Draft an advisory
          </a>{" "}
          (prefilled with this report's title, CVSS and CWE) · <a href="/manage/advisories">All advisories</a>
        </p>
      )}
    </section>
  );
}
