import { formatFingerprint } from "../../domain/pgp-keys.ts";
import { weaknessLabel } from "../../domain/weaknesses.ts";
import { ACTION_LABELS, REJECTION_LABELS, REPORT_ACTIONS, type ReportAction } from "../../domain/workflow.ts";
import { formatAge, formatDate, Layout } from "../../http/layout.tsx";
import { NobodyAvailableBadge } from "../assignment/assignment.views.tsx";
import { ConsultationSection, FixDisputedNotice } from "./consultation.views.tsx";
import { FixRepositoryPanel } from "./fix-panel.views.tsx";
import { MarkUnreadForm } from "./inbox-activity.views.tsx";
import { MailFacts, MailWaitingSection } from "./mail-facts.views.tsx";
import { WaitingNotice } from "./needs-info.views.tsx";
import { Actions } from "./report-actions.views.tsx";
import {
  CREDIT_LABELS,
  type ReportPageProps,
  SeverityBadge,
  SlaBadge,
  SOURCE_LABELS,
  StateBadge,
  type TeamView,
} from "./report-parts.views.tsx";
import { ReleaseAndLeakSection } from "./report-release.views.tsx";
import {
  AttachmentList,
  Conversation,
  FixesSection,
  SeveritySection,
  SlaList,
  TextBlock,
} from "./report-sections.views.tsx";

type DoneKey =
  | ReportAction
  | "message"
  | "note"
  | "cvss_recorded"
  | "owasp_recorded"
  | "mail_accepted"
  | "mail_dismissed"
  | "key_confirmed"
  | "key_dismissed"
  | "fix_access_revoked"
  | "fix_access_none"
  | "verification";
const DONE_MESSAGES: Partial<Record<DoneKey, string>> = {
  assign: "The Response Manager is set.",
  start_triage: "Triage started.",
  set_severity: "The severity is set.",
  cvss_recorded:
    "The CVSS score is recorded in the severity history. It did not change the report's severity, because the organisation takes severity from OWASP Risk Rating.",
  owasp_recorded:
    "The OWASP rating is recorded in the severity history. It did not change the report's severity, because the organisation takes severity from CVSS.",
  confirm: "The report is confirmed.",
  start_remediation: "Remediation started.",
  add_fix: "The fix is linked.",
  verify_fix: "Your verification of the fix is recorded.",
  release: "The release is recorded.",
  disclose: "The disclosure is recorded.",
  reopen: "The report is reopened and back in triage. Nothing was sent to the reporter.",
  note: "Your internal note was added.",
  mail_accepted: "The held reply is now the reporter's message. Nothing was sent.",
  mail_dismissed: "The held reply was dismissed. It will not join the report.",
  key_confirmed: "The key is now the reporter's: mail to them is encrypted to it.",
  key_dismissed: "The key was dismissed and will not be used.",
  fix_access_revoked:
    "The reporter's clone access is revoked: their token no longer reaches the fix repository.",
  fix_access_none: "The reporter had no live clone access, so nothing was revoked.",
  verification:
    "The package verification is queued; its checks appear under “Package verification” once it has run.",
};

/**
 * What reached the reporter, as it is: the message is on their tracking page; a mail telling them so is queued
 * only when they gave an address (and "queued" is all the page knows: it may still be waiting in the outbox).
 */
function toReporter(view: TeamView, what: string): string {
  return view.reporter.email
    ? `${what} is on the reporter's tracking page, and a mail to ${view.reporter.email} telling them so is queued in the outbox.`
    : `${what} is on the reporter's tracking page. They gave no email address, so no mail was sent.`;
}

/** How long the rejection just made can be undone, in the words the reporter's mail situation allows. */
function undoHint(view: TeamView): string {
  const undo = view.undoRejection;
  if (!undo?.possible) return "";
  if (!undo.until) return " You can undo it below.";
  const whileUnsent = undo.cancelsMail ? ", while that mail is unsent" : "";
  return ` You can undo it below until ${formatDate(undo.until)}${whileUnsent}.`;
}

/** What an undo took back, read from the report as it now is. */
function undoneText(view: TeamView): string {
  const withdrawn = view.messages.some(
    (m) => m.withdrawnAt && m.withdrawnAt.getTime() === view.updatedAt.getTime(),
  );
  const back = `The rejection is undone: the report is back in ${view.stateLabel}, as it was. No one was mailed.`;
  if (!withdrawn) return back;
  return view.reporter.email
    ? `${back} Your message was taken off the reporter's tracking page, and its mail, still unsent, was cancelled in the outbox.`
    : `${back} Your message was taken off the reporter's tracking page.`;
}

/** Success notices that depend on the report: whom the action reached, and what can still be undone. */
const REPORT_DONE: Partial<Record<DoneKey, (view: TeamView) => string>> = {
  acknowledge: (v) => `Acknowledged. ${toReporter(v, "The acknowledgement")}`,
  reject: (v) =>
    v.rejectionReason === "spam"
      ? `Rejected as spam and hidden from the inbox. Nothing was sent to the sender.${undoHint(v)}`
      : `The report is rejected. ${toReporter(v, "Your message")}${undoHint(v)}`,
  mark_duplicate: (v) => `Marked as a duplicate. ${toReporter(v, "Your message")}${undoHint(v)}`,
  close: (v) => `The report is closed. ${toReporter(v, "Your final feedback")}`,
  request_info: (v) => `${toReporter(v, "Your question")} The SLA clock is paused until they answer.`,
  invite_reporter_to_fix: (v) =>
    `${toReporter(v, "Your invitation")} Their page now shows the fix's diff and offers read-only clone access.`,
  message: (v) => toReporter(v, "Your reply"),
  undo_rejection: undoneText,
};

/** Whether a query value names a known success notice. */
export function isDoneKey(value: string | undefined): value is DoneKey {
  return value !== undefined && (Object.hasOwn(DONE_MESSAGES, value) || Object.hasOwn(REPORT_DONE, value));
}

/** The success notice for a done key, true for this report. */
function doneMessage(key: string | null | undefined, view: TeamView): string | null {
  if (!isDoneKey(key ?? undefined)) return null;
  const k = key as DoneKey;
  return REPORT_DONE[k]?.(view) ?? DONE_MESSAGES[k] ?? null;
}

/** The team's page for one report: the report, the conversation, the record, and the actions the state allows. */
export function ReportPage(props: ReportPageProps) {
  const { view } = props;
  const problem = props.actionProblem;
  const done = doneMessage(props.done, view);
  const problemLabel =
    problem?.action && (REPORT_ACTIONS as readonly string[]).includes(problem.action)
      ? ACTION_LABELS[problem.action as ReportAction]
      : null;
  return (
    <Layout
      title={
        problem || props.messageProblem ? `Error: ${view.reference}` : `${view.reference}: ${view.title}`
      }
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="inbox"
    >
      <div class="back-row small">
        <a href="/inbox">← Inbox</a>
        <MarkUnreadForm reference={view.reference} csrfToken={props.csrfToken} />
      </div>
      <div class="report-head">
        <p class="muted mono">{view.reference}</p>
        <h1>{view.title}</h1>
        <div class="row">
          <StateBadge state={view.state} />
          <SeverityBadge severity={view.severity} />
          <SlaBadge status={view.sla.status} />
          {view.rejectionReason && (
            <span class="badge">
              {REJECTION_LABELS[view.rejectionReason as keyof typeof REJECTION_LABELS] ??
                view.rejectionReason}
            </span>
          )}
          {view.duplicateOf && (
            <span class="small">
              Duplicate of <a href={`/reports/${view.duplicateOf.reference}`}>{view.duplicateOf.reference}</a>
            </span>
          )}
        </div>
        <p class="small">
          Response Manager:{" "}
          {view.assigneeUser ? (
            <strong>{view.assigneeUser.name}</strong>
          ) : (
            <span class="muted">nobody yet</span>
          )}{" "}
          {view.nobodyAvailable && <NobodyAvailableBadge why={view.nobodyAvailable} />} · Received{" "}
          {formatDate(view.receivedAt)} ({formatAge(view.receivedAt, props.now)} ago)
        </p>
      </div>

      <WaitingNotice since={view.waitingSince} now={props.now} expiresAt={view.waitingExpiresAt} />
      <FixDisputedNotice view={view} />

      {done && (
        <div class="notice success" role="status" id="done">
          {done}
        </div>
      )}
      {problem && (
        <div class="notice error" role="alert" id="action-error">
          <p>
            <strong>{problemLabel ? `${problemLabel} was not possible:` : "That did not work:"}</strong>{" "}
            {problem.message}
          </p>
          {Object.keys(problem.fields).length > 0 && (
            <ul>
              {Object.entries(problem.fields).map(([field, message]) =>
                message === problem.message ? null : (
                  <li>
                    <span class="mono">{field}</span>: {message}
                  </li>
                ),
              )}
            </ul>
          )}
          {problemLabel && view.availableActions.includes(problem?.action as ReportAction) && (
            <p>
              <a href={`#action-${problem?.action}-error`}>Go to the form</a>
            </p>
          )}
        </div>
      )}

      {/* Source order is report, actions, record: on a phone the actions follow the report; on a wide screen
          the grid puts them beside it (team.css, .report-layout). */}
      <div class="report-layout">
        <div class="report-main">
          <section class="card" id="report" aria-labelledby="report-heading">
            <h2 id="report-heading">Report</h2>
            <dl class="facts">
              <dt>Asset</dt>
              <dd>
                {view.asset ? (
                  <>
                    {view.asset.name}
                    {view.asset.identifier && <span class="muted mono small"> {view.asset.identifier}</span>}
                    {!view.asset.inScope && <span class="badge sla-overdue">Out of scope</span>}
                  </>
                ) : (
                  "Other (not in the scope list)"
                )}
              </dd>
              <dt>Weakness</dt>
              <dd>{weaknessLabel(view.weakness)}</dd>
            </dl>
            {props.mail?.get("") && (
              <MailFacts details={props.mail.get("")!.details} from={props.mail.get("")!.fromAddress} />
            )}
            <TextBlock
              title={view.source === "email" ? "The reporter's mail" : "Description"}
              id="description"
              text={view.description}
            />
            {/* A report by mail has one text; empty sections would only look like missing answers. */}
            {(view.source !== "email" || view.steps) && (
              <TextBlock title="Steps to reproduce" id="steps" text={view.steps} />
            )}
            {(view.source !== "email" || view.impact) && (
              <TextBlock title="Impact" id="impact" text={view.impact} />
            )}
            {view.attachments.length > 0 && (
              <>
                <h3>Attachments</h3>
                <p class="hint">Files are downloaded, never opened in the browser. Treat them as hostile.</p>
                <AttachmentList reference={view.reference} items={view.attachments} />
              </>
            )}
          </section>
          {props.fixPanel && <FixRepositoryPanel panel={props.fixPanel} csrfToken={props.csrfToken} />}
        </div>

        <aside class="report-side" aria-label="Actions and facts">
          {props.canAct ? (
            <Actions {...props} />
          ) : (
            <p class="notice" id="read-only">
              You can read this report; only responders and admins can act on it or write messages.
            </p>
          )}
          <ReporterCard view={view} />
          <section class="card" id="sla" aria-labelledby="sla-heading">
            <h2 id="sla-heading">Deadlines</h2>
            <SlaList items={view.sla.items} />
          </section>
          {props.duplicatesPanel}
          <SeveritySection {...props} />
          <FixesSection view={view} />
          <ConsultationSection {...props} />
          {props.verificationPanel}
          {props.creditPanel}
          {props.extraPanels}
        </aside>

        <div class="report-record">
          {props.mailWaiting && (
            <MailWaitingSection
              reference={view.reference}
              waiting={props.mailWaiting}
              canAct={props.canAct}
              csrfToken={props.csrfToken}
            />
          )}

          <Conversation {...props} />

          {props.canAct ? (
            <ReleaseAndLeakSection
              reference={view.reference}
              state={view.state}
              csrfToken={props.csrfToken}
            />
          ) : null}

          <section class="card" id="timeline" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Timeline</h2>
            <ol class="timeline">
              {view.timeline.map((e) => (
                <li>
                  <time datetime={e.at.toISOString()}>{formatDate(e.at)}</time>
                  <strong>{e.actor}</strong>: {e.text}
                </li>
              ))}
            </ol>
          </section>
        </div>
      </div>
    </Layout>
  );
}

/** Who reported, and how to reach them: addresses and fingerprints break at their own seams, never mid-page. */
function ReporterCard(props: { view: ReportPageProps["view"] }) {
  const { view } = props;
  return (
    <section class="card" id="reporter" aria-labelledby="reporter-heading">
      <h2 id="reporter-heading">Reporter</h2>
      <dl class="facts">
        <dt>Name</dt>
        <dd>{view.reporter.name ?? <span class="muted">not given</span>}</dd>
        <dt>Email</dt>
        <dd class="address">
          {view.reporter.email ?? <span class="muted">not given (tracking link only)</span>}
        </dd>
        <dt>OpenPGP key</dt>
        <dd class="mono small fingerprint" id="reporter-key">
          {view.reporter.keyFingerprint ? (
            formatFingerprint(view.reporter.keyFingerprint)
          ) : (
            <span class="muted">not given</span>
          )}
        </dd>
        <dt>Credit</dt>
        <dd>{CREDIT_LABELS[view.reporter.credit] ?? view.reporter.credit}</dd>
        <dt>Source</dt>
        <dd>{SOURCE_LABELS[view.source] ?? view.source}</dd>
      </dl>
    </section>
  );
}
