import type { Child } from "hono/jsx";
import type { CurrentUser } from "../../core/actors.ts";
import type { CvssScore } from "../../domain/cvss.ts";
import type { OwaspRating } from "../../domain/owasp-risk.ts";
import { formatFingerprint } from "../../domain/pgp-keys.ts";
import type { SlaItem, SlaItemKey, SlaStatus } from "../../domain/sla.ts";
import { weaknessLabel } from "../../domain/weaknesses.ts";
import {
  ACTION_LABELS,
  REJECTION_LABELS,
  REJECTION_REASONS,
  REPORT_ACTIONS,
  REPORT_STATES,
  type ReportAction,
  SEVERITIES,
  STATE_LABELS,
} from "../../domain/workflow.ts";
import { Csrf, formatAge, formatDate, Layout } from "../../http/layout.tsx";
import type { AssignSuggestions } from "../assignment/assignment.service.ts";
import { AssignSuggestionsList, NobodyAvailableBadge } from "../assignment/assignment.views.tsx";
import type { InboundDetails } from "../mail-intake/mail-intake.service.ts";
import { MailFacts } from "../mail-intake/mail-intake.views.tsx";
import { SearchSnippetLine } from "../search/search.views.tsx";
import { RequestInfoForm, SlaFilterSelect, WaitingLine, WaitingNotice } from "../sla/sla.views.tsx";
import {
  type PickerForm,
  type PickerTemplate,
  pickedFor,
  prefilledReason,
  prefilledText,
  TemplatePicker,
  type TemplatePrefill,
} from "../templates/templates.views.tsx";
import { CvssCalculator, CvssResult, SourceNote } from "./cvss.views.tsx";
import type { CvssFormState } from "./cvss-form.ts";
import { factorValuesOf, OwaspForms, OwaspResult, type SeverityImpact } from "./owasp.views.tsx";
import type { ReportsService } from "./reports.service.ts";
import { SeverityHistory, SeveritySourceLine } from "./severity.views.tsx";
import type { SeverityMethod } from "./severity-scores.ts";

/** Everything the team sees about one report, exactly as the service returns it. */
export type TeamView = Awaited<ReturnType<ReportsService["teamView"]>>;
/** One page of the inbox, as the service returns it. */
export type InboxResult = Awaited<ReturnType<ReportsService["inbox"]>>;

type Errors = Record<string, string>;
type Values = Record<string, string>;

/** Words for a report's overall SLA standing, for the badge. */
export const SLA_STATUS_LABELS: Record<SlaStatus, string> = {
  ok: "On track",
  due_soon: "Due soon",
  overdue: "Overdue",
  met: "Met",
  paused: "Waiting for reporter",
};

/** Short names for the inbox column, so a row reads "Acknowledge overdue". */
export const SLA_SHORT_LABELS: Record<SlaItemKey, string> = {
  acknowledge: "Acknowledge",
  triage: "Triage",
  update: "Update",
  resolve: "Resolve",
};

const CREDIT_LABELS: Record<string, string> = {
  name: "Credit by name",
  handle: "Credit by handle",
  anonymous: "Stay anonymous",
};

const SOURCE_LABELS: Record<string, string> = { web: "Web form", api: "JSON API", email: "Email" };

function StateBadge(props: { state: TeamView["state"] }) {
  return <span class={`badge state state-${props.state}`}>{STATE_LABELS[props.state] ?? props.state}</span>;
}

function SeverityBadge(props: { severity: string | null }) {
  if (!props.severity) return <span class="muted">—</span>;
  return <span class={`badge sev-${props.severity}`}>{props.severity}</span>;
}

function SlaBadge(props: { status: SlaStatus }) {
  return <span class={`badge sla-${props.status}`}>{SLA_STATUS_LABELS[props.status]}</span>;
}

/** A field's error, keyed by the parameter name but tied to an element id that is unique on the page. */
function Err(props: { errors: Errors | undefined; name: string; id: string }) {
  const message = props.errors?.[props.name];
  return message ? (
    <p class="field-error" id={`${props.id}-error`} role="alert">
      {message}
    </p>
  ) : null;
}

/** Links only to web addresses; the domain already refuses other schemes, this keeps a bad row from becoming a javascript: link. */
function SafeLink(props: { href: string }) {
  return /^https?:\/\//i.test(props.href) ? (
    <a href={props.href} rel="noopener noreferrer" class="break">
      {props.href}
    </a>
  ) : (
    <span class="break">{props.href}</span>
  );
}

const invalid = (errors: Errors | undefined, name: string) => (errors?.[name] ? "true" : undefined);
const described = (errors: Errors | undefined, name: string, id: string) =>
  errors?.[name] ? `${id}-error` : undefined;

// ---------------------------------------------------------------------------------------------
// Inbox
// ---------------------------------------------------------------------------------------------

/** The inbox's query as the form shows it; empty strings mean the default. */
export interface InboxFilters {
  state: string;
  severity: string;
  assignee: string;
  q: string;
  sort: string;
  perPage?: number | undefined;
  /** "overdue" or "waiting" (features/sla). */
  sla?: string | undefined;
}

/** A link to the inbox keeping every filter, with some parameters changed; the page resets unless given. */
export function inboxHref(filters: InboxFilters, change: { sort?: string; page?: number } = {}): string {
  const params = new URLSearchParams();
  if (filters.state) params.set("state", filters.state);
  if (filters.severity) params.set("severity", filters.severity);
  if (filters.assignee) params.set("assignee", filters.assignee);
  if (filters.q) params.set("q", filters.q);
  if (filters.sla) params.set("sla", filters.sla);
  const sort = change.sort ?? filters.sort;
  if (sort) params.set("sort", sort);
  if (filters.perPage) params.set("perPage", String(filters.perPage));
  if (change.page && change.page > 1) params.set("page", String(change.page));
  const query = params.toString();
  return query ? `/inbox?${query}` : "/inbox";
}

/** The first click sorts newest, most severe or in lifecycle order first; the next click reverses. */
const FIRST_DIRECTION: Record<string, "asc" | "desc"> = {
  received: "desc",
  updated: "desc",
  severity: "desc",
  reference: "asc",
  state: "asc",
};

function SortHeader(props: { label: string; column: string; filters: InboxFilters }) {
  const current = props.filters.sort || "-received";
  const asc = current === props.column;
  const desc = current === `-${props.column}`;
  const next = asc
    ? `-${props.column}`
    : desc
      ? props.column
      : FIRST_DIRECTION[props.column] === "desc"
        ? `-${props.column}`
        : props.column;
  return (
    <th scope="col" aria-sort={asc ? "ascending" : desc ? "descending" : undefined}>
      <a href={inboxHref(props.filters, { sort: next })}>
        {props.label}
        {asc ? " ▲" : desc ? " ▼" : ""}
      </a>
    </th>
  );
}

export interface InboxPageProps {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
  filters: InboxFilters;
  result: InboxResult | null;
  /** A filter the service refused, shown instead of the table. */
  error: string | null;
  members: ReadonlyArray<{ email: string; name: string; active: boolean }>;
  now: Date;
  /** For admins: mails to the security address that could not be imported. */
  mailFailures?: number;
}

const SORT_OPTIONS: ReadonlyArray<[string, string]> = [
  ["-received", "Newest first"],
  ["received", "Oldest first"],
  ["-updated", "Recently updated"],
  ["updated", "Least recently updated"],
  ["-severity", "Most severe first"],
  ["severity", "Least severe first"],
  ["reference", "Reference"],
  ["-reference", "Reference, descending"],
  ["state", "State"],
  ["-state", "State, descending"],
];

/** The team's work queue: filter, sort and page through reports, with each row's SLA standing. */
export function InboxPage(props: InboxPageProps) {
  const { filters, result } = props;
  const state = filters.state || "open";
  const filtered = Boolean(
    (filters.state && filters.state !== "open") ||
      filters.severity ||
      filters.assignee ||
      filters.q ||
      filters.sla,
  );
  return (
    <Layout
      title="Inbox"
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="inbox"
    >
      <h1>Inbox</h1>
      {(props.mailFailures ?? 0) > 0 && (
        <p class="notice warn" id="mail-failures">
          {props.mailFailures === 1
            ? "1 mail to the security address could not be imported."
            : `${props.mailFailures} mails to the security address could not be imported.`}{" "}
          <a href="/admin/mail#failures">See why in Mail intake</a>.
        </p>
      )}
      <form method="get" action="/inbox" class="card filters" aria-label="Filter reports">
        <div class="filter-row">
          <div>
            <label for="filter-state">State</label>
            <select id="filter-state" name="state">
              <option value="open" selected={state === "open"}>
                Open
              </option>
              <option value="all" selected={state === "all"}>
                All
              </option>
              {REPORT_STATES.map((s) => (
                <option value={s} selected={state === s}>
                  {STATE_LABELS[s]}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="filter-severity">Severity</label>
            <select id="filter-severity" name="severity">
              <option value="" selected={!filters.severity}>
                Any
              </option>
              <option value="none" selected={filters.severity === "none"}>
                Not scored
              </option>
              {SEVERITIES.map((s) => (
                <option value={s} selected={filters.severity === s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="filter-assignee">Response Manager</label>
            <select id="filter-assignee" name="assignee">
              <option value="" selected={!filters.assignee}>
                Anyone
              </option>
              <option value="none" selected={filters.assignee === "none"}>
                Unassigned
              </option>
              {props.members.map((m) => (
                <option value={m.email} selected={filters.assignee.toLowerCase() === m.email.toLowerCase()}>
                  {m.name} ({m.email}){m.active ? "" : " — inactive"}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="filter-q">Search</label>
            <input
              type="search"
              id="filter-q"
              name="q"
              value={filters.q}
              placeholder="Words, title or reference"
              aria-describedby="filter-q-hint"
            />
            <span class="hint" id="filter-q-hint">
              Whole words in reports and messages
            </span>
          </div>
          <SlaFilterSelect value={filters.sla ?? ""} />
          <div>
            <label for="filter-sort">Sort</label>
            <select id="filter-sort" name="sort">
              {SORT_OPTIONS.map(([value, label]) => (
                <option value={value} selected={(filters.sort || "-received") === value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        </div>
        {filters.perPage && <input type="hidden" name="perPage" value={String(filters.perPage)} />}
        <div class="actions">
          <button type="submit">Apply filters</button>
          {filtered && (
            <a class="button secondary" href="/inbox">
              Clear filters
            </a>
          )}
        </div>
      </form>

      {props.error && (
        <div class="notice error" role="alert" id="filter-error">
          <p>
            <strong>These filters cannot be applied:</strong> {props.error}
          </p>
          <p>
            <a href="/inbox">Show all open reports</a>
          </p>
        </div>
      )}

      {result && result.items.length === 0 && (
        <div class="empty-state card" id="inbox-empty">
          {filtered ? (
            <p>No reports match these filters.</p>
          ) : (
            <p>No open reports. New reports appear here as soon as they arrive.</p>
          )}
        </div>
      )}

      {result && result.items.length > 0 && (
        <>
          <p class="muted small" id="inbox-count">
            {result.total === 1 ? "1 report" : `${result.total} reports`}
          </p>
          <div class="table-wrap">
            <table class="inbox">
              <thead>
                <tr>
                  <SortHeader label="Reference" column="reference" filters={filters} />
                  <th scope="col">Title</th>
                  <SortHeader label="State" column="state" filters={filters} />
                  <SortHeader label="Severity" column="severity" filters={filters} />
                  <th scope="col">Response Manager</th>
                  <SortHeader label="Age" column="received" filters={filters} />
                  <th scope="col">SLA</th>
                </tr>
              </thead>
              <tbody>
                {result.items.map((item) => (
                  <tr class={item.sla.status === "overdue" ? "overdue" : undefined}>
                    <td class="mono nowrap">
                      <a href={`/reports/${item.reference}`}>{item.reference}</a>
                    </td>
                    <td class="title-cell">
                      {item.title}
                      <SearchSnippetLine snippet={item.snippet} />
                    </td>
                    <td>
                      <StateBadge state={item.state} />
                    </td>
                    <td>
                      <SeverityBadge severity={item.severity} />
                    </td>
                    <td>
                      {item.assigneeName ??
                        (item.nobodyAvailable ? (
                          <NobodyAvailableBadge />
                        ) : (
                          <span class="muted">Unassigned</span>
                        ))}
                    </td>
                    <td class="nowrap">
                      <time datetime={item.receivedAt.toISOString()} title={formatDate(item.receivedAt)}>
                        {formatAge(item.receivedAt, props.now)}
                      </time>
                    </td>
                    <td>
                      <SlaBadge status={item.sla.status} />
                      <WaitingLine since={item.waitingSince} now={props.now} />
                      {item.sla.overdue.length > 0 && (
                        <ul class="sla-overdue-list">
                          {item.sla.overdue.map((key) => (
                            <li>{SLA_SHORT_LABELS[key]} overdue</li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {result.pages > 1 && (
            <nav class="pagination" aria-label="Pages">
              {result.page > 1 ? (
                <a href={inboxHref(filters, { page: result.page - 1 })} rel="prev">
                  ← Previous
                </a>
              ) : (
                <span class="muted">← Previous</span>
              )}
              <span>
                Page {result.page} of {result.pages}
              </span>
              {result.page < result.pages ? (
                <a href={inboxHref(filters, { page: result.page + 1 })} rel="next">
                  Next →
                </a>
              ) : (
                <span class="muted">Next →</span>
              )}
            </nav>
          )}
          {result.page > result.pages && (
            <p class="notice">
              There is no page {result.page}.{" "}
              <a href={inboxHref(filters, { page: 1 })}>Go to the first page</a>
            </p>
          )}
        </>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Report page
// ---------------------------------------------------------------------------------------------

/** A refused action, shown at the top and next to its form with the values that were typed. */
export interface ActionProblem {
  action: string | null;
  message: string;
  fields: Errors;
  values: Values;
  /** For set_severity: whether the factor form or the pasted vector was sent. */
  owaspSource?: "factors" | "vector" | undefined;
}

/** A refused message, shown in the conversation with what was typed. */
export interface MessageProblem {
  message: string;
  fields: Errors;
  values: Values;
}

export interface ReportPageProps {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
  view: TeamView;
  now: Date;
  canAct: boolean;
  canMessage: boolean;
  /** Active responders and admins: who may be Response Manager. */
  assignees: ReadonlyArray<{ email: string; name: string; role: string }>;
  /** Who automatic assignment would pick now and why (features/assignment). */
  assignSuggestions?: AssignSuggestions | null;
  impactUsed: SeverityImpact;
  /** The report's current OWASP rating, recomputed from its latest vector. */
  currentRating: OwaspRating | null;
  /** What the OWASP form's preview shows first (typed values after an error, else the current rating). */
  previewRating: OwaspRating | null;
  done?: string | null | undefined;
  actionProblem?: ActionProblem | null | undefined;
  messageProblem?: MessageProblem | null | undefined;
  /** The "Similar reports" and duplicates panel (features/search), rendered by the page. */
  duplicatesPanel?: Child;
  /** A suggested original, from the panel's one-click link: fills the mark-duplicate form. */
  duplicateOfPrefill?: string | null | undefined;
  /** Canned responses for the reply forms' pickers, and the one a no-JS picker just filled in. */
  templatePicker?: { templates: readonly PickerTemplate[]; prefill: TemplatePrefill | null } | undefined;
  /** The CVSS calculator and the organisation's severity source. */
  cvss?: CvssPageProps | undefined;
  /** How mail-borne parts arrived (features/mail-intake), by message id; "" is the report itself. */
  mail?: ReadonlyMap<string, { fromAddress: string | null; details: InboundDetails }> | undefined;
}

/** What the report page needs for CVSS: the calculator's state and the current CVSS score. */
export interface CvssPageProps {
  source: SeverityMethod;
  form: CvssFormState;
  showErrors: boolean;
  message?: string | null | undefined;
  /** Open the calculator (after a Preview or a refused submit). */
  open: boolean;
  current: { score: CvssScore; vector: string } | null;
}

type DoneKey = ReportAction | "message" | "note" | "cvss_recorded" | "owasp_recorded";
const DONE_MESSAGES: Partial<Record<DoneKey, string>> = {
  acknowledge: "Acknowledged. The reporter was sent the acknowledgement.",
  assign: "The Response Manager is set.",
  start_triage: "Triage started.",
  set_severity: "The severity is set.",
  cvss_recorded:
    "The CVSS score is recorded in the severity history. It did not change the report's severity, because the organisation takes severity from OWASP Risk Rating.",
  owasp_recorded:
    "The OWASP rating is recorded in the severity history. It did not change the report's severity, because the organisation takes severity from CVSS.",
  confirm: "The report is confirmed.",
  reject: "The report is rejected and the reporter was told why.",
  mark_duplicate: "Marked as a duplicate; the reporter was told.",
  start_remediation: "Remediation started.",
  add_fix: "The fix is linked.",
  verify_fix: "Your verification of the fix is recorded.",
  release: "The release is recorded.",
  disclose: "The disclosure is recorded.",
  close: "The report is closed and the final feedback was sent.",
  reopen: "The report is reopened and back in triage.",
  request_info: "Your question was sent to the reporter. The SLA clock is paused until they answer.",
  message: "Your reply was sent to the reporter.",
  note: "Your internal note was added.",
};

/** Whether a query value names a known success notice. */
export function isDoneKey(value: string | undefined): value is keyof typeof DONE_MESSAGES {
  return value !== undefined && Object.hasOwn(DONE_MESSAGES, value);
}

const HINTS: Partial<Record<ReportAction, string>> = {
  start_triage: "The Response Manager now assesses the report.",
  confirm: "Confirms the vulnerability; needs a severity.",
  start_remediation: "Work on the fix starts.",
};

function ActionForm(props: {
  reference: string;
  csrfToken: string | null;
  action: ReportAction;
  problem: ActionProblem | null | undefined;
  submit: string;
  variant?: "secondary" | "danger";
  children?: Child;
}) {
  const error = props.problem?.action === props.action ? props.problem.message : null;
  return (
    <form
      method="post"
      action={`/reports/${props.reference}/actions`}
      class="action-form"
      id={`action-${props.action}`}
    >
      <Csrf token={props.csrfToken} />
      <input type="hidden" name="action" value={props.action} />
      {props.children}
      {error && (
        <p class="field-error action-error" id={`action-${props.action}-error`} role="alert">
          {error}
        </p>
      )}
      <button type="submit" class={props.variant}>
        {props.submit}
      </button>
    </form>
  );
}

/** An action with parameters, folded so the page stays short; it opens when its form needs attention. */
function Folded(props: {
  action: ReportAction;
  problem: ActionProblem | null | undefined;
  children?: Child;
  summary?: string;
  open?: boolean;
}) {
  const open = props.open || props.problem?.action === props.action;
  return (
    <details class="action" open={open}>
      <summary>{props.summary ?? ACTION_LABELS[props.action]}</summary>
      {props.children}
    </details>
  );
}

function Actions(props: ReportPageProps) {
  const { view, problem } = { view: props.view, problem: props.actionProblem };
  const available = new Set(view.availableActions);
  const ref = view.reference;
  const csrf = props.csrfToken;
  const mine = (action: ReportAction) => (problem?.action === action ? problem : null);
  const fields = (action: ReportAction) => mine(action)?.fields;
  const values = (action: ReportAction) => mine(action)?.values ?? {};
  const simple = (["start_triage", "confirm", "start_remediation"] as const).filter((a) => available.has(a));
  const tp = props.templatePicker;
  const picker = (form: PickerForm) => (
    <TemplatePicker form={form} reference={ref} templates={tp?.templates} prefill={tp?.prefill} />
  );
  const picked = (form: PickerForm) => pickedFor(tp?.prefill, form);
  const filled = (form: PickerForm) => prefilledText(tp?.prefill, form);

  return (
    <section class="card" id="actions" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      {available.size === 0 && <p class="muted">No actions are possible in this state.</p>}

      {simple.length > 0 && (
        <div class="action-buttons">
          {simple.map((action) => (
            <ActionForm
              reference={ref}
              csrfToken={csrf}
              action={action}
              problem={problem}
              submit={ACTION_LABELS[action]}
            >
              {HINTS[action] && <span class="hint">{HINTS[action]}</span>}
            </ActionForm>
          ))}
        </div>
      )}

      {available.has("acknowledge") && (
        <Folded action="acknowledge" problem={problem} open>
          {picker("acknowledge")}
          <ActionForm
            reference={ref}
            csrfToken={csrf}
            action="acknowledge"
            problem={problem}
            submit="Acknowledge"
          >
            <label for="acknowledge-message">
              Message to the reporter
              <span class="hint">
                Leave empty to send the standard acknowledgement: thanks, what happens next and the dates we
                aim for.
              </span>
            </label>
            <textarea
              id="acknowledge-message"
              name="message"
              rows={4}
              placeholder="Thank you for your report. We have received it and will assess it within five business days…"
              aria-invalid={invalid(fields("acknowledge"), "message")}
              aria-describedby={described(fields("acknowledge"), "message", "acknowledge-message")}
            >
              {values("acknowledge").message ?? filled("acknowledge") ?? ""}
            </textarea>
            <Err errors={fields("acknowledge")} name="message" id="acknowledge-message" />
          </ActionForm>
        </Folded>
      )}

      {available.has("assign") && (
        <ActionForm
          reference={ref}
          csrfToken={csrf}
          action="assign"
          problem={problem}
          submit={view.assignee ? "Change Response Manager" : "Assign"}
          variant="secondary"
        >
          <label for="assign-assignee">Response Manager</label>
          <select
            id="assign-assignee"
            name="assignee"
            aria-invalid={invalid(fields("assign"), "assignee")}
            aria-describedby={described(fields("assign"), "assignee", "assign-assignee")}
          >
            {!view.assignee && <option value="">Choose a responder…</option>}
            {props.assignees.map((m) => {
              const chosen = values("assign").assignee ?? view.assignee ?? "";
              return (
                <option value={m.email} selected={chosen.toLowerCase() === m.email.toLowerCase()}>
                  {m.name} ({m.role})
                </option>
              );
            })}
          </select>
          <Err errors={fields("assign")} name="assignee" id="assign-assignee" />
          <AssignSuggestionsList suggestions={props.assignSuggestions} />
        </ActionForm>
      )}

      {available.has("set_severity") && (
        <Folded
          action="set_severity"
          problem={problem}
          summary={view.severity ? "Change severity (OWASP Risk Rating)" : "Set severity (OWASP Risk Rating)"}
          open={
            props.cvss?.source !== "cvss" &&
            !view.severity &&
            (view.state === "triage" || view.state === "acknowledged")
          }
        >
          {props.cvss?.source === "cvss" && <SourceNote source="cvss" method="owasp" />}
          <OwaspForms
            reference={ref}
            csrfToken={csrf}
            values={
              mine("set_severity")?.owaspSource === "factors"
                ? values("set_severity")
                : factorValuesOf(view.severityHistory.find((s) => s.method === "owasp")?.vector)
            }
            reason={values("set_severity").reason}
            vector={mine("set_severity")?.owaspSource === "vector" ? values("set_severity").owasp : undefined}
            errors={fields("set_severity")}
            errorSource={mine("set_severity")?.owaspSource}
            preview={props.previewRating}
            impactUsed={props.impactUsed}
          />
          {mine("set_severity") && (
            <p class="field-error action-error" id="action-set_severity-error" role="alert">
              {problem?.message}
            </p>
          )}
        </Folded>
      )}
      {available.has("set_severity") && props.cvss && (
        <CvssCalculator
          reference={ref}
          csrfToken={csrf}
          state={props.cvss.form}
          source={props.cvss.source}
          showErrors={props.cvss.showErrors}
          message={props.cvss.message}
          open={
            props.cvss.open ||
            (props.cvss.source === "cvss" &&
              !view.severity &&
              (view.state === "triage" || view.state === "acknowledged"))
          }
          hasSeverity={view.severity !== null}
        />
      )}

      {available.has("add_fix") && (
        <ActionForm
          reference={ref}
          csrfToken={csrf}
          action="add_fix"
          problem={problem}
          submit="Add fix link"
          variant="secondary"
        >
          <label for="add_fix-url">
            Fix link
            <span class="hint">The commit, pull request or patch on the private branch (https://…).</span>
          </label>
          <input
            type="url"
            id="add_fix-url"
            name="url"
            value={values("add_fix").url ?? ""}
            aria-invalid={invalid(fields("add_fix"), "url")}
            aria-describedby={described(fields("add_fix"), "url", "add_fix-url")}
          />
          <Err errors={fields("add_fix")} name="url" id="add_fix-url" />
        </ActionForm>
      )}

      {available.has("verify_fix") && (
        <div class="verify" id="verify-fixes">
          <h3>Verify a fix</h3>
          <p class="hint">
            Four eyes: the fix's author cannot verify it; another team member must. A verified fix makes the
            report “Fix ready”.
          </p>
          <ul class="plain-list">
            {view.fixes.map((fix) => {
              const authored = fix.author?.id === props.user.id;
              const verified = fix.verifications.some((v) => v.verifier?.id === props.user.id);
              return (
                <li>
                  <span class="mono small break">{fix.url}</span>{" "}
                  {authored ? (
                    <span class="muted small">You added this fix, so someone else must verify it.</span>
                  ) : verified ? (
                    <span class="muted small">You verified this fix.</span>
                  ) : (
                    <form method="post" action={`/reports/${ref}/actions`} class="inline">
                      <Csrf token={csrf} />
                      <input type="hidden" name="action" value="verify_fix" />
                      <input type="hidden" name="fix" value={fix.id} />
                      <button type="submit" class="secondary">
                        Verify this fix
                      </button>
                    </form>
                  )}
                </li>
              );
            })}
          </ul>
          {mine("verify_fix") && (
            <p class="field-error action-error" id="action-verify_fix-error" role="alert">
              {problem?.message}
            </p>
          )}
        </div>
      )}

      {available.has("release") && (
        <Folded action="release" problem={problem} open={view.state === "fix_ready"}>
          <ActionForm
            reference={ref}
            csrfToken={csrf}
            action="release"
            problem={problem}
            submit="Record the release"
          >
            <fieldset>
              <legend>Release-package verification</legend>
              <p class="hint">Check that the published packages contain the fix.</p>
              <label class="choice">
                <input
                  type="radio"
                  name="verification"
                  value="passed"
                  checked={values("release").verification === "passed"}
                />{" "}
                Passed: the packages contain the fix
              </label>
              <label class="choice">
                <input
                  type="radio"
                  name="verification"
                  value="failed"
                  checked={values("release").verification === "failed"}
                />{" "}
                Failed
              </label>
              <Err errors={fields("release")} name="verification" id="release-verification" />
            </fieldset>
            <label for="release-override">
              Or release with an override
              <span class="hint">
                Why the release goes out without a passed verification; it is recorded.
              </span>
            </label>
            <textarea id="release-override" name="override_reason" rows={2}>
              {values("release").override_reason ?? ""}
            </textarea>
            <Err errors={fields("release")} name="override_reason" id="release-override" />
          </ActionForm>
        </Folded>
      )}

      {available.has("disclose") && (
        <Folded action="disclose" problem={problem} open>
          <ActionForm
            reference={ref}
            csrfToken={csrf}
            action="disclose"
            problem={problem}
            submit="Record the disclosure"
          >
            <label for="disclose-advisory">Published advisory URL</label>
            <input
              type="url"
              id="disclose-advisory"
              name="advisory_url"
              value={values("disclose").advisory_url ?? ""}
              aria-invalid={invalid(fields("disclose"), "advisory_url")}
            />
            <Err errors={fields("disclose")} name="advisory_url" id="disclose-advisory" />
            <label for="disclose-reason">Or: why there is no advisory</label>
            <textarea id="disclose-reason" name="no_advisory_reason" rows={2}>
              {values("disclose").no_advisory_reason ?? ""}
            </textarea>
            <Err errors={fields("disclose")} name="no_advisory_reason" id="disclose-reason" />
          </ActionForm>
        </Folded>
      )}

      {available.has("close") && (
        <Folded
          action="close"
          problem={problem}
          open={view.state === "disclosed" || view.state === "rejected" || picked("close")}
        >
          {picker("close")}
          <ActionForm
            reference={ref}
            csrfToken={csrf}
            action="close"
            problem={problem}
            submit="Close the report"
          >
            <label for="close-message">
              Final feedback to the reporter
              <span class="hint">
                Thank them, say what was fixed and how they are credited. It is sent to the reporter.
              </span>
            </label>
            <textarea
              id="close-message"
              name="message"
              rows={4}
              required
              aria-invalid={invalid(fields("close"), "message")}
              aria-describedby={described(fields("close"), "message", "close-message")}
            >
              {values("close").message ?? filled("close") ?? ""}
            </textarea>
            <Err errors={fields("close")} name="message" id="close-message" />
          </ActionForm>
        </Folded>
      )}

      {available.has("request_info") && (
        <RequestInfoForm
          reference={ref}
          csrfToken={csrf}
          picker={picker("request_info")}
          open={picked("request_info")}
          value={values("request_info").message ?? filled("request_info")}
          fieldError={fields("request_info")?.message}
          actionError={mine("request_info")?.message}
        />
      )}

      {available.has("reopen") && (
        <Folded action="reopen" problem={problem}>
          <ActionForm reference={ref} csrfToken={csrf} action="reopen" problem={problem} submit="Reopen">
            <label for="reopen-reason">Why reopen</label>
            <textarea
              id="reopen-reason"
              name="reason"
              rows={2}
              required
              aria-invalid={invalid(fields("reopen"), "reason")}
            >
              {values("reopen").reason ?? ""}
            </textarea>
            <Err errors={fields("reopen")} name="reason" id="reopen-reason" />
          </ActionForm>
        </Folded>
      )}

      {available.has("mark_duplicate") && (
        <Folded
          action="mark_duplicate"
          problem={problem}
          open={picked("mark_duplicate") || Boolean(props.duplicateOfPrefill)}
        >
          {picker("mark_duplicate")}
          <ActionForm
            reference={ref}
            csrfToken={csrf}
            action="mark_duplicate"
            problem={problem}
            submit="Mark as duplicate"
            variant="danger"
          >
            <label for="duplicate-of">
              Original report
              <span class="hint">Its reference (EMB-2026-0001) or id.</span>
            </label>
            <input
              type="text"
              id="duplicate-of"
              name="of"
              value={values("mark_duplicate").of ?? props.duplicateOfPrefill ?? ""}
              aria-invalid={invalid(fields("mark_duplicate"), "of")}
              aria-describedby={described(fields("mark_duplicate"), "of", "duplicate-of")}
            />
            <Err errors={fields("mark_duplicate")} name="of" id="duplicate-of" />
            <label for="duplicate-message">Message to the reporter</label>
            <textarea
              id="duplicate-message"
              name="message"
              rows={3}
              aria-invalid={invalid(fields("mark_duplicate"), "message")}
            >
              {values("mark_duplicate").message ?? filled("mark_duplicate") ?? ""}
            </textarea>
            <Err errors={fields("mark_duplicate")} name="message" id="duplicate-message" />
          </ActionForm>
        </Folded>
      )}

      {available.has("reject") && (
        <Folded action="reject" problem={problem} open={picked("reject")}>
          {picker("reject")}
          <ActionForm
            reference={ref}
            csrfToken={csrf}
            action="reject"
            problem={problem}
            submit="Reject the report"
            variant="danger"
          >
            <label for="reject-reason">Reason</label>
            <select id="reject-reason" name="reason" aria-invalid={invalid(fields("reject"), "reason")}>
              {REJECTION_REASONS.filter((r) => r !== "duplicate").map((r) => (
                <option value={r} selected={(values("reject").reason ?? prefilledReason(tp?.prefill)) === r}>
                  {REJECTION_LABELS[r]}
                </option>
              ))}
            </select>
            <Err errors={fields("reject")} name="reason" id="reject-reason" />
            <label for="reject-message">
              Message to the reporter
              <span class="hint">Explain the decision; it is sent to the reporter.</span>
            </label>
            <textarea
              id="reject-message"
              name="message"
              rows={4}
              aria-invalid={invalid(fields("reject"), "message")}
              aria-describedby={described(fields("reject"), "message", "reject-message")}
            >
              {values("reject").message ?? filled("reject") ?? ""}
            </textarea>
            <Err errors={fields("reject")} name="message" id="reject-message" />
          </ActionForm>
        </Folded>
      )}

      {available.has("reject") && (
        // One click for junk: rejected as spam, nothing is sent to the sender, hidden from the inbox.
        <form method="post" action={`/reports/${ref}/actions`} class="action-form" id="action-spam">
          <Csrf token={csrf} />
          <input type="hidden" name="action" value="reject" />
          <input type="hidden" name="reason" value="spam" />
          <button type="submit" class="danger">
            Spam
          </button>
        </form>
      )}
    </section>
  );
}

function SlaList(props: { items: readonly SlaItem[] }) {
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

function TextBlock(props: { title: string; id: string; text: string }) {
  return (
    <>
      <h3 id={props.id}>{props.title}</h3>
      <pre class="report-text">{props.text}</pre>
    </>
  );
}

function attachmentHref(reference: string, id: string) {
  return `/reports/${reference}/attachments/${id}`;
}

function AttachmentList(props: {
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

function Conversation(props: ReportPageProps) {
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
          const label = internal
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

function SeveritySection(props: ReportPageProps) {
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
      <h3>History</h3>
      <SeverityHistory items={view.severityHistory} />
    </section>
  );
}

function FixesSection(props: { view: TeamView }) {
  const { view } = props;
  return (
    <section class="card" id="fixes" aria-labelledby="fixes-heading">
      <h2 id="fixes-heading">Fixes</h2>
      {view.fixes.length === 0 ? (
        <p class="muted small">No fix linked yet.</p>
      ) : (
        <ul class="plain-list fixes">
          {view.fixes.map((fix) => (
            <li>
              <SafeLink href={fix.url} />
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
    </section>
  );
}

/** The team's page for one report: the report, the conversation, the record, and the actions the state allows. */
export function ReportPage(props: ReportPageProps) {
  const { view } = props;
  const problem = props.actionProblem;
  const done = isDoneKey(props.done ?? undefined)
    ? DONE_MESSAGES[props.done as keyof typeof DONE_MESSAGES]
    : null;
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
      <p class="muted small">
        <a href="/inbox">← Inbox</a>
      </p>
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

      <div class="grid">
        <div>
          {props.canAct ? (
            <Actions {...props} />
          ) : (
            <p class="notice" id="read-only">
              You can read this report; only responders and admins can act on it or write messages.
            </p>
          )}

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

          <Conversation {...props} />

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

        <aside>
          <section class="card" id="reporter" aria-labelledby="reporter-heading">
            <h2 id="reporter-heading">Reporter</h2>
            <dl class="facts">
              <dt>Name</dt>
              <dd>{view.reporter.name ?? <span class="muted">not given</span>}</dd>
              <dt>Email</dt>
              <dd class="break">
                {view.reporter.email ?? <span class="muted">not given (tracking link only)</span>}
              </dd>
              <dt>OpenPGP key</dt>
              <dd class="mono small break" id="reporter-key">
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

          <section class="card" id="sla" aria-labelledby="sla-heading">
            <h2 id="sla-heading">Deadlines</h2>
            <SlaList items={view.sla.items} />
          </section>

          {props.duplicatesPanel}

          <SeveritySection {...props} />
          <FixesSection view={view} />
        </aside>
      </div>
    </Layout>
  );
}
