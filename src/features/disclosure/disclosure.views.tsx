import type { Child } from "hono/jsx";
import type { DisclosureClock } from "../../domain/disclosure.ts";
import { Err } from "../../http/components/field.tsx";
import { Csrf, formatDate } from "../../http/layout.tsx";
import type { DisclosureView } from "./disclosure.service.ts";

/** A refused form kept for the page: its field errors and what was typed. */
export interface KeptForm {
  form: string;
  errors: Record<string, string>;
  values: Record<string, string>;
}

const CLOCK_LABELS: Record<DisclosureClock, string> = {
  on_track: "On track",
  due_soon: "Due soon",
  overdue: "Overdue",
  done: "Disclosed",
};

const MOVE_LABELS = {
  request: "requested disclosure on",
  agree: "agreed to disclose on",
  propose: "proposed another date:",
  decline: "declined the request",
  accept: "accepted the date",
} as const;

/** The 90-day clock as a badge both sides see; overdue shows in the state's warning colour. */
export function DisclosureClockBadge(props: { clock: DisclosureClock; target: Date }) {
  return (
    <span class={`badge disclosure-${props.clock}${props.clock === "overdue" ? " sev-critical" : ""}`}>
      {CLOCK_LABELS[props.clock]} · {formatDate(props.target).slice(0, 10)}
    </span>
  );
}

function Entries(props: { view: DisclosureView; viewer: "reporter" | "team" }) {
  if (props.view.entries.length === 0 && props.view.extensions.length === 0)
    return <p class="muted">No disclosure request yet.</p>;
  const who = (by: "reporter" | "team") =>
    by === props.viewer ? "You" : by === "team" ? "The security team" : "The reporter";
  return (
    <ol class="timeline">
      {props.view.entries.map((e) => (
        <li id={`disclosure-${e.id}`}>
          <time datetime={e.at.toISOString()}>{formatDate(e.at)}</time>
          {who(e.by)} {MOVE_LABELS[e.move]} {e.date ? <strong>{e.date}</strong> : null}
          {e.text && <div class="body">{e.text}</div>}
        </li>
      ))}
      {props.view.extensions.map((x) => (
        <li>
          <time datetime={x.at.toISOString()}>{formatDate(x.at)}</time>
          The target moved to <strong>{x.until.toISOString().slice(0, 10)}</strong>
          <div class="body">{x.reason}</div>
        </li>
      ))}
    </ol>
  );
}

function Facts(props: { view: DisclosureView }) {
  const v = props.view;
  return (
    <dl class="facts">
      <dt>Target</dt>
      <dd>
        <DisclosureClockBadge clock={v.clock} target={v.target} />
      </dd>
      <dt>Planned disclosure</dt>
      <dd>{v.plannedDate ?? "Not agreed yet"}</dd>
      {v.release && (
        <>
          <dt>Release</dt>
          <dd>
            {v.release.version} ({v.release.state}, {formatDate(v.release.publishAt)})
          </dd>
        </>
      )}
    </dl>
  );
}

/** The tracking page's disclosure section: the clock, every move, and the request or accept form. */
export function ReporterDisclosureSection(props: {
  token: string;
  view: DisclosureView;
  kept: KeptForm | null;
}) {
  const { view, token } = props;
  const kept = props.kept?.form === "disclosure-request" ? props.kept : null;
  const e = kept?.errors ?? {};
  const canRequest = ["none", "countered", "declined", "agreed"].includes(view.state);
  return (
    <section class="card" aria-labelledby="disclosure-heading" id="disclosure">
      <h2 id="disclosure-heading">Disclosure</h2>
      <Facts view={view} />
      <Entries view={view} viewer="reporter" />
      {view.state === "countered" && view.openRequestId && (
        <form method="post" action={`/r/${token}/disclosure/${view.openRequestId}/accept`}>
          <button type="submit">Accept the proposed date</button>
        </form>
      )}
      {canRequest && (
        <form method="post" action={`/r/${token}/disclosure`} aria-labelledby="disclosure-request-heading">
          <h3 id="disclosure-request-heading">
            {view.state === "none" ? "Request disclosure" : "Propose a date"}
          </h3>
          <label for="disclosure-date">Date (YYYY-MM-DD)</label>
          <input id="disclosure-date" name="date" type="date" value={kept?.values.date ?? ""} required />
          <Err id="disclosure-date" errors={e} name="date" />
          <label for="disclosure-message">Message to the team</label>
          <textarea id="disclosure-message" name="message" rows={3} maxlength={5000}>
            {kept?.values.message ?? ""}
          </textarea>
          <Err id="disclosure-message" errors={e} name="message" />
          <div class="actions">
            <button type="submit">Send</button>
          </div>
        </form>
      )}
    </section>
  );
}

/** The report page's disclosure panel: the same moves, the answer form and the extension form. */
export function TeamDisclosurePanel(props: {
  reference: string;
  view: DisclosureView;
  canAct: boolean;
  csrfToken: string | null | undefined;
  kept: KeptForm | null;
}): Child {
  const { view, reference } = props;
  const answer = props.kept?.form === "disclosure-answer" ? props.kept : null;
  const extend = props.kept?.form === "disclosure-extend" ? props.kept : null;
  const ref = encodeURIComponent(reference);
  return (
    <section class="card" aria-labelledby="disclosure-heading" id="disclosure">
      <h2 id="disclosure-heading">Disclosure</h2>
      <Facts view={view} />
      <Entries view={view} viewer="team" />
      {props.canAct && view.state === "requested" && view.openRequestId && (
        <form method="post" action={`/reports/${ref}/disclosure/${view.openRequestId}/answer`}>
          <Csrf token={props.csrfToken} />
          <h3>Answer the request</h3>
          <label for="disclosure-decision">Decision</label>
          <select id="disclosure-decision" name="decision">
            <option value="agree" selected={answer?.values.decision === "agree"}>
              Agree to the requested date
            </option>
            <option value="propose" selected={answer?.values.decision === "propose"}>
              Propose another date
            </option>
            <option value="decline" selected={answer?.values.decision === "decline"}>
              Decline
            </option>
          </select>
          <Err id="disclosure-decision" errors={answer?.errors} name="decision" />
          <label for="disclosure-answer-date">Other date (to propose)</label>
          <input id="disclosure-answer-date" name="date" type="date" value={answer?.values.date ?? ""} />
          <Err id="disclosure-answer-date" errors={answer?.errors} name="date" />
          <label for="disclosure-reason">Reason (the reporter reads it)</label>
          <textarea id="disclosure-reason" name="reason" rows={2}>
            {answer?.values.reason ?? ""}
          </textarea>
          <Err id="disclosure-reason" errors={answer?.errors} name="reason" />
          <div class="actions">
            <button type="submit">Answer</button>
          </div>
        </form>
      )}
      {props.canAct && view.clock !== "done" && (
        <details open={extend !== null}>
          <summary>Extend the target</summary>
          <form method="post" action={`/reports/${ref}/disclosure-target`}>
            <Csrf token={props.csrfToken} />
            <label for="disclosure-until">New target</label>
            <input
              id="disclosure-until"
              name="until"
              type="date"
              value={extend?.values.until ?? ""}
              required
            />
            <Err id="disclosure-until" errors={extend?.errors} name="until" />
            <label for="disclosure-extend-reason">Reason (the reporter is told)</label>
            <textarea id="disclosure-extend-reason" name="reason" rows={2} required>
              {extend?.values.reason ?? ""}
            </textarea>
            <Err id="disclosure-extend-reason" errors={extend?.errors} name="reason" />
            <div class="actions">
              <button type="submit">Extend</button>
            </div>
          </form>
        </details>
      )}
    </section>
  );
}
