import type { Child } from "hono/jsx";
import { Csrf, formatAge, formatDate } from "../../http/layout.tsx";

/** The inbox's SLA filter choices, in the order the select shows them. */
const SLA_FILTER_OPTIONS: ReadonlyArray<[string, string]> = [
  ["", "Any"],
  ["overdue", "Overdue"],
  ["team", "Awaiting us"],
  ["waiting", "Awaiting reporter"],
];

/** The SLA filter's values in words, for the inbox's summary of active filters. */
export const SLA_FILTER_LABELS: Readonly<Record<string, string>> = Object.fromEntries(
  SLA_FILTER_OPTIONS.filter(([value]) => value !== ""),
);

/** The inbox's SLA filter; combinable with every other filter. */
export function SlaFilterSelect(props: { value: string }) {
  return (
    <div>
      <label for="filter-sla">SLA</label>
      <select id="filter-sla" name="sla">
        {SLA_FILTER_OPTIONS.map(([value, label]) => (
          <option value={value} selected={props.value === value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** "Waiting for the reporter since …" on an inbox row. */
export function WaitingLine(props: { since: Date | null | undefined; now: Date }) {
  if (!props.since) return null;
  return (
    <p class="small waiting-line">
      Waiting for the reporter since{" "}
      <time datetime={props.since.toISOString()} title={formatDate(props.since)}>
        {formatDate(props.since)}
      </time>{" "}
      ({formatAge(props.since, props.now)} ago)
    </p>
  );
}

/** The report page's banner while the team waits for the reporter's answer. */
export function WaitingNotice(props: { since: Date | null | undefined; now: Date; expiresAt?: Date | null }) {
  if (!props.since) return null;
  return (
    <div class="notice waiting" role="status" id="waiting-for-reporter">
      <p>
        <strong>Waiting for the reporter</strong> since{" "}
        <time datetime={props.since.toISOString()}>{formatDate(props.since)}</time> (
        {formatAge(props.since, props.now)} ago). The SLA clock is paused; the reporter's answer restarts it
        and moves the running deadlines back by the pause.
      </p>
      {props.expiresAt && (
        <p class="small">
          Without an answer, the report is rejected as not reproducible on {formatDate(props.expiresAt)}.
        </p>
      )}
    </div>
  );
}

/** The reporter's prompt: the team has asked a question and waits for the answer. */
export function ReporterWaitingPrompt(props: { since: Date | null | undefined }) {
  if (!props.since) return null;
  return (
    <div class="notice waiting" role="status" id="needs-info">
      <p>
        <strong>The security team needs more information from you.</strong> They asked on{" "}
        <time datetime={props.since.toISOString()}>{formatDate(props.since)}</time>; read their question in
        the conversation below and <a href="#reply-heading">answer it in the reply form</a>. Our deadlines are
        paused until you answer.
      </p>
    </div>
  );
}

/** The request_info form: one question to the reporter. The textarea's id is stable for a template picker. */
export function RequestInfoForm(props: {
  reference: string;
  csrfToken: string | null;
  /** What was typed and the error, when the last attempt was refused. */
  value?: string | undefined;
  fieldError?: string | undefined;
  actionError?: string | undefined;
  open?: boolean;
  /** A canned-response picker, shown above the form (a form cannot sit inside another). */
  picker?: Child;
}) {
  const id = "request-info-message";
  const error = props.fieldError;
  return (
    <details class="action" open={props.open || Boolean(error || props.actionError)}>
      <summary>Ask the reporter for information</summary>
      {props.picker}
      <form
        method="post"
        action={`/reports/${props.reference}/actions`}
        class="action-form"
        id="action-request_info"
      >
        <Csrf token={props.csrfToken} />
        <input type="hidden" name="action" value="request_info" />
        <label for={id}>
          Question for the reporter
          <span class="hint">
            Sent to the reporter. The SLA clock pauses until they answer; without an answer the report is
            rejected as not reproducible after the configured number of days.
          </span>
        </label>
        <textarea
          id={id}
          name="message"
          rows={4}
          required
          maxlength={10000}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        >
          {props.value ?? ""}
        </textarea>
        {/* The page's error banner links to #action-request_info-error, whichever kind of error it is. */}
        {(error || props.actionError) && (
          <div id="action-request_info-error">
            {error ? (
              <p class="field-error" id={`${id}-error`} role="alert">
                {error}
              </p>
            ) : (
              <p class="field-error action-error" role="alert">
                {props.actionError}
              </p>
            )}
          </div>
        )}
        <button type="submit" class="secondary">
          Ask and pause the clock
        </button>
      </form>
    </details>
  );
}
