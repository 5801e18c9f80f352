// The reporter's side of consultation: the "Check the fix" section of the tracking page (the team's message, the
// diff of the fix branch, clone access and the answer form), and the page that shows a fix-access token once.

import { FIX_VERDICT_LABELS, FIX_VERDICTS } from "../../domain/consultation.ts";
import { AttachmentsInput } from "../../http/components/attachments-input.tsx";
import { describedBy, invalid } from "../../http/components/error-summary.tsx";
import { FieldError } from "../../http/components/field.tsx";
import { formatDate, Layout } from "../../http/layout.tsx";
import { FixDiff } from "../fixes/diff.views.tsx";
import type { ReportsService } from "../reports/reports.service.ts";

/** Exactly what the service lets an invited reporter see of the fix. */
export type ReporterConsultation = NonNullable<Awaited<ReturnType<ReportsService["reporterConsultation"]>>>;

/** The answer form's fields by the ids the page gives them (the service names them verdict, comment, attachments). */
export const FIX_ANSWER_FIELD_IDS: Record<string, string> = {
  verdict: "fix-verdict",
  comment: "fix-comment",
  attachments: "fix-attachments",
};

/** The answer form as it was refused: what was typed, and why, keyed by the page's field ids. */
export interface FixAnswerDraft {
  verdict: string;
  comment: string;
  errors: Record<string, string>;
}

function AnswerForm(props: { token: string; draft: FixAnswerDraft | null }) {
  const e = props.draft?.errors;
  const hadErrors = e !== undefined && Object.keys(e).length > 0;
  return (
    <form
      method="post"
      action={`/r/${props.token}/fix/answer`}
      enctype="multipart/form-data"
      aria-labelledby="fix-answer-heading"
      id="fix-answer"
    >
      {hadErrors && (
        <div class="form-errors" role="alert" id="fix-answer-errors" tabindex={-1}>
          <p>
            <strong>Your answer was not sent:</strong>
          </p>
          <ul>
            {Object.entries(e ?? {}).map(([id, message]) => (
              <li>
                <a href={`#${id}`}>{message}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <fieldset
        id="fix-verdict"
        aria-invalid={invalid("fix-verdict", e)}
        aria-describedby={describedBy("fix-verdict", e)}
      >
        <legend>Your verdict</legend>
        {FIX_VERDICTS.map((verdict) => (
          <label class="choice">
            <input
              type="radio"
              name="verdict"
              value={verdict}
              required
              checked={props.draft?.verdict === verdict}
            />{" "}
            {FIX_VERDICT_LABELS[verdict]}
          </label>
        ))}
        <FieldError id="fix-verdict" errors={e} />
      </fieldset>
      <label for="fix-comment">
        Comment
        <span class="hint" id="fix-comment-hint">
          What you tested and what you found. Needed when the fix does not fix it.
        </span>
      </label>
      <textarea
        id="fix-comment"
        name="comment"
        rows={5}
        maxlength={20000}
        aria-invalid={invalid("fix-comment", e)}
        aria-describedby={describedBy("fix-comment", e, "fix-comment-hint")}
      >
        {props.draft?.comment ?? ""}
      </textarea>
      <FieldError id="fix-comment" errors={e} />
      <AttachmentsInput
        id="fix-attachments"
        errors={e}
        again={hadErrors}
        againText="Files are not kept when the form is shown again: please select them again."
      />
      <div class="actions">
        <button type="submit">Send my answer</button>
      </div>
    </form>
  );
}

function CloneAccess(props: { token: string; fix: ReporterConsultation }) {
  const { fix, token } = props;
  if (!fix.open) {
    return (
      <p class="muted small" id="clone-access-ended">
        Clone access has ended: the report is public now, or closed.
      </p>
    );
  }
  return (
    <>
      <p class="small">
        Clone URL: <code class="break">{fix.cloneUrl}</code>
      </p>
      {fix.accessLive && fix.accessSince ? (
        <p class="small" id="clone-access-live">
          You took read-only clone access on {formatDate(fix.accessSince)}. Its token was shown once; if you
          lost it, take new access below (the old token then stops working).
        </p>
      ) : (
        <p class="small">
          Clone access is read-only. Its token is shown once, on the next page, and works until you revoke it
          or the report is disclosed.
        </p>
      )}
      <div class="row">
        <form method="post" action={`/r/${token}/fix/access`} class="inline">
          <button type="submit" class={fix.accessLive ? "secondary" : undefined}>
            {fix.accessLive ? "Show new clone access" : "Show clone access"}
          </button>
        </form>
        {fix.accessLive && (
          <form method="post" action={`/r/${token}/fix/access/revoke`} class="inline">
            <button type="submit" class="danger">
              Revoke my clone access
            </button>
          </form>
        )}
      </div>
    </>
  );
}

/** "Check the fix": shown on the tracking page only after the team invited the reporter. */
export function CheckTheFix(props: {
  token: string;
  fix: ReporterConsultation;
  draft: FixAnswerDraft | null;
  revoked?: boolean;
}) {
  const { fix, token } = props;
  return (
    <section class="card" aria-labelledby="check-fix-heading" id="check-fix">
      <h2 id="check-fix-heading">Check the fix</h2>
      <p class="muted small">
        The security team invited you on {formatDate(fix.invitedAt)} to check their fix before it is released.
        Please keep it to yourself until the report is disclosed.
      </p>
      {props.revoked && (
        <p class="notice success" role="status" id="clone-access-revoked">
          Your clone access is revoked: its token no longer works.
        </p>
      )}
      <div class="body team-message">{fix.message}</div>
      <h3>The changes</h3>
      {fix.diff.ok ? (
        <FixDiff diff={fix.diff.diff} />
      ) : (
        <p class="notice warn" id="fix-diff-unavailable">
          {fix.diff.note}
        </p>
      )}
      <h3>Clone the fix</h3>
      <CloneAccess token={token} fix={fix} />
      <h3 id="fix-answer-heading">Does this fix the vulnerability?</h3>
      {fix.answers.length > 0 && (
        <ul class="plain-list small" id="fix-answers">
          {fix.answers.map((a) => (
            <li>
              You answered “{FIX_VERDICT_LABELS[a.verdict]}” on {formatDate(a.at)}.
            </li>
          ))}
        </ul>
      )}
      {fix.open ? (
        <AnswerForm token={token} draft={props.draft} />
      ) : (
        <>
          {Object.values(props.draft?.errors ?? {}).map((message) => (
            <p class="notice error" role="alert" id="fix-closed-error">
              {message}
            </p>
          ))}
          <p class="muted small">The report has moved on, so answers are closed.</p>
        </>
      )}
    </section>
  );
}

/**
 * The fix-access token, shown this once: only its SHA-256 is stored, and this page is never cached. Reloading it
 * would send the form again and make a new token, so the page says so.
 */
export function FixAccessPage(props: {
  orgName: string;
  trackingToken: string;
  access: { reference: string; token: string; cloneUrl: string; cloneCommand: string };
}) {
  const { access } = props;
  return (
    <Layout title={`Clone access to the fix of ${access.reference}`} orgName={props.orgName}>
      <section class="card narrow" id="fix-access">
        <p class="muted mono">{access.reference}</p>
        <h1>Your clone access to the fix</h1>
        <p class="notice warn" role="status">
          Copy the token now: it is shown only this once. If you lose it, take new access from your report's
          page; the old token then stops working.
        </p>
        <label for="fix-access-token">Token (read-only)</label>
        <input id="fix-access-token" class="mono" type="text" readonly value={access.token} />
        <label for="fix-access-command">Clone command</label>
        <textarea id="fix-access-command" class="mono" rows={3} readonly>
          {access.cloneCommand}
        </textarea>
        <p class="small">
          Any user name works; the token is the password. The repository is{" "}
          <code class="break">{access.cloneUrl}</code>. Fetching works until you revoke the access or the
          report is disclosed or closed; pushing never does.
        </p>
        <p class="small">
          To revoke it, use “Revoke my clone access” in the “Check the fix” section of your report's page.
        </p>
        <p>
          <a href={`/r/${props.trackingToken}#check-fix`}>Back to your report</a>
        </p>
      </section>
    </Layout>
  );
}
