// The team's side of consultation on the report page: the invitation form, where the reporter's check of the fix
// stands (invited when and by whom, their answers, their clone access and its revocation), and the banner a
// disputed fix puts at the top of the page.

import { CONSULTATION_STATUS_LABELS, FIX_VERDICT_LABELS } from "../../domain/consultation.ts";
import { Err } from "../../http/components/field.tsx";
import { Csrf, formatDate } from "../../http/layout.tsx";
import { ActionForm, actionKit } from "./action-form.views.tsx";
import { described, invalid, type ReportPageProps, type TeamView } from "./report-parts.views.tsx";

const STATUS_BADGES: Record<TeamView["consultation"]["status"], string> = {
  not_invited: "badge",
  invited: "badge sla-due_soon",
  confirmed: "badge sla-met",
  disputed: "badge sla-overdue",
};

function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 12) : "no push recorded";
}

/** The banner of a report whose reporter says the fix does not fix it, until the team invites them again. */
export function FixDisputedNotice(props: { view: TeamView }) {
  const { consultation } = props.view;
  if (consultation.status !== "disputed") return null;
  const answer = consultation.answers.at(-1);
  return (
    <div class="notice error" role="status" id="fix-disputed">
      <p>
        <strong>The reporter says the fix does not fix it</strong>
        {answer && (
          <>
            {" "}
            (<time datetime={answer.at.toISOString()}>{formatDate(answer.at)}</time>)
          </>
        )}
        . <a href={answer ? `#message-${answer.messageId}` : "#conversation"}>Read their answer</a>, correct
        the fix, and invite them to check it again.
      </p>
    </div>
  );
}

/** Where the reporter's check of the fix stands, with the invitation form and the revocation of clone access. */
export function ConsultationSection(props: ReportPageProps) {
  const kit = actionKit(props);
  const { view, available, ref, csrf, fields, values } = kit;
  const { consultation } = view;
  const canInvite = props.canAct && available.has("invite_reporter_to_fix");
  if (!view.fixRepository && !consultation.invitation) return null;
  const invitation = consultation.invitation;
  const answers = invitation ? consultation.answers.filter((a) => a.at >= invitation.at) : [];
  return (
    <section class="card" id="consultation" aria-labelledby="consultation-heading">
      <h2 id="consultation-heading">Reporter's check of the fix</h2>
      <p>
        <span class={STATUS_BADGES[consultation.status]}>
          {CONSULTATION_STATUS_LABELS[consultation.status]}
        </span>
      </p>
      {invitation ? (
        <dl class="facts">
          <dt>Invited</dt>
          <dd>
            {formatDate(invitation.at)} by {invitation.by?.name ?? "someone"}
          </dd>
          <dt>Shown</dt>
          <dd class="mono small break">
            {invitation.branch.replace(/^refs\/heads\//, "")} at {shortSha(invitation.headSha)}
          </dd>
        </dl>
      ) : (
        <p class="small muted">The reporter has not been invited to check the fix.</p>
      )}
      {answers.length > 0 && (
        <>
          <h3>Answers</h3>
          <ul class="plain-list small" id="consultation-answers">
            {answers.map((a) => (
              <li>
                <span class={a.verdict === "fixes" ? "badge sla-met" : "badge sla-overdue"}>
                  {FIX_VERDICT_LABELS[a.verdict]}
                </span>{" "}
                {formatDate(a.at)}, about <span class="mono">{shortSha(a.headSha)}</span>.{" "}
                <a href={`#message-${a.messageId}`}>Their comment</a>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Clone access</h3>
      {consultation.access ? (
        <>
          <p class="small" id="reporter-access-live">
            The reporter has read-only clone access since {formatDate(consultation.access.since)}. It ends at
            disclosure or closing.
          </p>
          {props.canAct && (
            <form method="post" action={`/reports/${ref}/fix-access/revoke`} class="inline">
              <Csrf token={csrf} />
              <button type="submit" class="danger">
                Revoke the reporter's access
              </button>
            </form>
          )}
        </>
      ) : (
        <p class="small muted" id="reporter-access-none">
          No live clone access. An invited reporter can take one from their tracking page.
        </p>
      )}
      {canInvite && (
        <details class="action" open={kit.mine("invite_reporter_to_fix") !== null}>
          <summary>
            {invitation ? "Invite the reporter to check again" : "Invite the reporter to check the fix"}
          </summary>
          <ActionForm
            reference={ref}
            csrfToken={csrf}
            action="invite_reporter_to_fix"
            problem={kit.problem}
            submit="Send the invitation"
          >
            <label for="invite-message">
              Message to the reporter
              <span class="hint">
                Their tracking page then shows this message, the diff of the fix branch against its base, and
                read-only clone access.
              </span>
            </label>
            <textarea
              id="invite-message"
              name="message"
              rows={4}
              required
              maxlength={10000}
              aria-invalid={invalid(fields("invite_reporter_to_fix"), "message")}
              aria-describedby={described(fields("invite_reporter_to_fix"), "message", "invite-message")}
            >
              {values("invite_reporter_to_fix").message ?? ""}
            </textarea>
            <Err errors={fields("invite_reporter_to_fix")} name="message" id="invite-message" />
          </ActionForm>
        </details>
      )}
    </section>
  );
}
