import type { CurrentUser } from "../../core/actors.ts";
import { REJECTION_LABELS, STATE_LABELS } from "../../domain/workflow.ts";
import { Csrf, formatDate, Layout } from "../../http/layout.tsx";
import type { ActionProblem, TeamView } from "./report-parts.views.tsx";

/**
 * The "Spam" control on the report page: a link to the confirmation screen, which works without JavaScript. With
 * JavaScript, htmx fetches the same confirmation and puts it in place, so the page does not change.
 */
export function SpamButton(props: { reference: string }) {
  const href = `/reports/${props.reference}/spam`;
  return (
    <div id="action-spam" class="spam-slot">
      <a
        href={href}
        class="button danger"
        hx-get={href}
        hx-target="#action-spam"
        hx-swap="outerHTML"
        aria-describedby="spam-hint"
      >
        Spam…
      </a>
      <p class="hint" id="spam-hint">
        Asks you to confirm. Nothing is sent to the sender.
      </p>
    </div>
  );
}

/** The question and the two ways out: the same box on the confirmation screen and in place on the report page. */
export function SpamConfirm(props: {
  reference: string;
  title: string;
  csrfToken: string | null;
  autofocus?: boolean;
}) {
  return (
    <section id="action-spam" class="notice warn spam-confirm" aria-labelledby="spam-question">
      <p>
        <strong id="spam-question">Reject {props.reference} as spam?</strong>
      </p>
      <ul class="small">
        <li>The report is rejected as spam and hidden from the inbox.</li>
        <li>Nothing is sent to the sender: a reply would confirm that the address works.</li>
        <li>You can undo it from the report page for as long as the report stays rejected as spam.</li>
      </ul>
      <form method="post" action={`/reports/${props.reference}/actions`} class="row">
        <Csrf token={props.csrfToken} />
        <input type="hidden" name="action" value="reject" />
        <input type="hidden" name="reason" value="spam" />
        <button type="submit" class="danger" autofocus={props.autofocus}>
          Reject as spam
        </button>
        <a href={`/reports/${props.reference}#actions`} class="button secondary">
          Cancel
        </a>
      </form>
    </section>
  );
}

/** The confirmation as a page of its own, for browsers without JavaScript (and for anyone who opens the link). */
export function SpamConfirmPage(props: {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
  reference: string;
  title: string;
  /** Why the report cannot be rejected as spam now, instead of the question. */
  refusal?: string | null;
}) {
  return (
    <Layout
      title={props.refusal ? `Error: ${props.reference}` : `Spam? ${props.reference}`}
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="inbox"
    >
      <p class="muted small">
        <a href={`/reports/${props.reference}`}>← {props.reference}</a>
      </p>
      <h1>Reject as spam</h1>
      <p class="muted">
        <span class="mono">{props.reference}</span>: {props.title}
      </p>
      {props.refusal ? (
        <div class="notice error" role="alert">
          <p>{props.refusal}</p>
          <p>
            <a href={`/reports/${props.reference}`}>Back to the report</a>
          </p>
        </div>
      ) : (
        <SpamConfirm reference={props.reference} title={props.title} csrfToken={props.csrfToken} autofocus />
      )}
    </Layout>
  );
}

/** Until when, in words. */
function untilText(until: Date | null): string {
  return until ? ` until ${formatDate(until)}` : "";
}

/**
 * On a rejected report: the undo, with what it would do, or why it is no longer possible. Shown first, so a wrong
 * click is repaired where it happened.
 */
export function UndoRejectionPanel(props: {
  view: TeamView;
  csrfToken: string | null;
  problem: ActionProblem | null | undefined;
}) {
  const undo = props.view.undoRejection;
  if (!undo || undo.reason === null) return null;
  const ref = props.view.reference;
  const back = undo.previousState ? STATE_LABELS[undo.previousState] : "its earlier state";
  const label = REJECTION_LABELS[undo.reason];
  const error = props.problem?.action === "undo_rejection" ? props.problem.message : null;
  if (!undo.possible) {
    return (
      <p class="small muted" id="undo-rejection-closed">
        The rejection as {label} can no longer be undone: {undo.refusal}
      </p>
    );
  }
  return (
    <form
      method="post"
      action={`/reports/${ref}/actions`}
      class="action-form notice undo-rejection"
      id="action-undo_rejection"
    >
      <Csrf token={props.csrfToken} />
      <input type="hidden" name="action" value="undo_rejection" />
      <p>
        <strong>Rejected as {label} by mistake?</strong> Undo puts the report back in {back}, exactly as it
        was. It mails no one.
        {undo.reason === "spam"
          ? " Spam sent nothing, so this stays possible while the report is rejected as spam."
          : undo.cancelsMail
            ? ` The mail telling the reporter is still unsent: undo cancels it and takes your message off their tracking page. Possible${untilText(undo.until)}, while that mail is unsent.`
            : ` Your message is taken off the reporter's tracking page. Possible${untilText(undo.until)}.`}
      </p>
      {error && (
        <p class="field-error action-error" id="action-undo_rejection-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="secondary">
        Undo rejection
      </button>
    </form>
  );
}
