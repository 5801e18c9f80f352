import type { CurrentUser } from "../../core/actors.ts";
import { levelLabel } from "../../domain/severity-labels.ts";
import { REPORT_STATES, type ReportState, SEVERITIES, STATE_LABELS } from "../../domain/workflow.ts";
import { formatAge, formatDate, Layout } from "../../http/layout.tsx";
import { NobodyAvailableBadge } from "../assignment/assignment.views.tsx";
import { SearchSnippetLine } from "../search/search.views.tsx";
import {
  ConversationMarker,
  LikelyDuplicateLine,
  MarkedUnreadNotice,
  WaitingForTeamLine,
} from "./inbox-activity.views.tsx";
import { SLA_FILTER_LABELS, SlaFilterSelect, WaitingLine } from "./needs-info.views.tsx";
import {
  type InboxResult,
  SeverityBadge,
  SLA_SHORT_LABELS,
  SlaBadge,
  StateBadge,
} from "./report-parts.views.tsx";

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
  /** The report just marked unread, for the confirmation. */
  markedUnread?: string | null;
}

/** The filters besides the search that differ from the default, in words, for the collapsed disclosure's summary. */
function activeFilterWords(filters: InboxFilters): string[] {
  const words: string[] = [];
  const state = filters.state || "open";
  if (state !== "open")
    words.push(state === "all" ? "all states" : (STATE_LABELS[state as ReportState] ?? state));
  if (filters.severity) words.push(filters.severity === "none" ? "not scored" : levelLabel(filters.severity));
  if (filters.assignee) words.push(filters.assignee === "none" ? "unassigned" : filters.assignee);
  const sla = SLA_FILTER_LABELS[filters.sla ?? ""];
  if (sla) words.push(sla.toLowerCase());
  if (filters.sort && filters.sort !== "-received") {
    const sort = SORT_OPTIONS.find(([value]) => value === filters.sort)?.[1];
    if (sort) words.push(sort.toLowerCase());
  }
  return words;
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
  const narrowed = activeFilterWords(filters);
  const filtered = Boolean(filters.q) || narrowed.length > 0;
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
      <MarkedUnreadNotice reference={props.markedUnread ?? null} />
      <form method="get" action="/inbox" class="card filters" aria-label="Filter reports">
        <div class="filter-search">
          <label for="filter-q">Search</label>
          <input
            type="search"
            id="filter-q"
            name="q"
            value={filters.q}
            placeholder="Words or reference"
            aria-describedby="filter-q-hint"
          />
          <span class="hint" id="filter-q-hint">
            Whole words in titles, reports and messages, or a reference
          </span>
        </div>
        {/* Open whenever a filter is set; on wide screens the CSS shows it open regardless. */}
        <details class="filter-more" open={narrowed.length > 0}>
          <summary>
            Filters
            <span class="muted">
              {" "}
              · {narrowed.length > 0 ? narrowed.join(" · ") : "open reports, newest first"}
            </span>
          </summary>
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
                    {levelLabel(s)}
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
        </details>
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
            {result.totalIsLowerBound
              ? `More than ${result.total.toLocaleString("en")} reports`
              : result.total === 1
                ? "1 report"
                : `${result.total} reports`}
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
                  <tr
                    class={
                      [item.sla.status === "overdue" ? "overdue" : "", item.activity.unread ? "unread" : ""]
                        .filter(Boolean)
                        .join(" ") || undefined
                    }
                  >
                    <td class="mono nowrap">
                      <a href={`/reports/${item.reference}`}>{item.reference}</a>
                    </td>
                    <td class="title-cell">
                      <ConversationMarker activity={item.activity} /> <span class="title">{item.title}</span>
                      <LikelyDuplicateLine duplicate={item.likelyDuplicate} />
                      <SearchSnippetLine snippet={item.snippet} />
                    </td>
                    <td data-label="State">
                      <StateBadge state={item.state} />
                    </td>
                    <td data-label="Severity">
                      <SeverityBadge severity={item.severity} />
                    </td>
                    <td data-label="Response Manager">
                      {item.assigneeName ??
                        (item.nobodyAvailable ? (
                          <NobodyAvailableBadge />
                        ) : (
                          <span class="muted">Unassigned</span>
                        ))}
                    </td>
                    <td class="nowrap" data-label="Age">
                      <time datetime={item.receivedAt.toISOString()} title={formatDate(item.receivedAt)}>
                        {formatAge(item.receivedAt, props.now)}
                      </time>
                    </td>
                    <td data-label="SLA">
                      <SlaBadge status={item.sla.status} />
                      <WaitingForTeamLine since={item.activity.waitingForTeamSince} now={props.now} />
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
                Page {result.page} of {result.totalIsLowerBound ? `more than ${result.pages}` : result.pages}
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
