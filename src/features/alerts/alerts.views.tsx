import type { CurrentUser } from "../../core/actors.ts";
import { Csrf, formatDate, Layout } from "../../http/layout.tsx";
import { AdminLayout } from "../team/admin.views.tsx";
import { ALERT_EVENT_LABELS, ALERT_EVENTS } from "./alerts.queue.ts";
import type { DeliveryLogRow } from "./alerts.repo.ts";
import {
  CHANNEL_KIND_LABELS,
  CHANNEL_KINDS,
  type ChannelConfig,
  type ChannelKind,
  CONFIG_FIELDS,
  SECRET_FIELDS,
} from "./alerts.schema.ts";
import { eventLabel } from "./alerts.send.ts";
import type { ChannelView } from "./alerts.service.ts";

type Errors = Record<string, string>;

interface Frame {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
}

/** A channel form that failed: what was typed (secrets excepted), the chosen events and the field errors. */
export interface ChannelFormState {
  message: string;
  values: Record<string, string>;
  events: string[];
  errors: Errors;
  /** Secret fields that were typed: they are not shown back, so the form asks for them again. */
  retype: string[];
}

const FIELD_LABELS: Record<keyof ChannelConfig, { label: string; hint: string }> = {
  url: { label: "Webhook URL", hint: "" },
  homeserver: { label: "Homeserver URL", hint: "Such as https://matrix.example.org." },
  roomId: {
    label: "Room id",
    hint: "Starts with !, such as !AbCdEf123:example.org (Room settings › Advanced).",
  },
  accessToken: { label: "Access token", hint: "Of the account that posts; it must have joined the room." },
  secret: {
    label: "Signing secret",
    hint: "Used for the X-Embargo-Signature header. Leave blank to have a strong one generated and shown once.",
  },
};

function urlHint(kind: ChannelKind): string {
  if (kind === "slack") return "From Slack › Apps › Incoming Webhooks, https://hooks.slack.com/services/…";
  if (kind === "discord")
    return "From Channel settings › Integrations › Webhooks, https://discord.com/api/webhooks/…";
  return "Receives a signed JSON POST for each alert.";
}

function FieldErr(props: { id: string; message: string | undefined }) {
  return props.message ? (
    <p class="field-error" id={`${props.id}-error`} role="alert">
      {props.message}
    </p>
  ) : null;
}

function EventChoices(props: { prefix: string; chosen: readonly string[]; error?: string | undefined }) {
  return (
    <fieldset aria-invalid={props.error ? "true" : undefined}>
      <legend>Events</legend>
      {ALERT_EVENTS.map((e) => (
        <label class="choice" for={`${props.prefix}-event-${e}`}>
          <input
            type="checkbox"
            id={`${props.prefix}-event-${e}`}
            name="events"
            value={e}
            checked={props.chosen.includes(e)}
          />{" "}
          {ALERT_EVENT_LABELS[e]}
        </label>
      ))}
      <FieldErr id={`${props.prefix}-events`} message={props.error} />
    </fieldset>
  );
}

function ConfigFields(props: {
  prefix: string;
  kind: ChannelKind;
  values: Record<string, string>;
  errors: Errors;
  saved?: ChannelView["shown"];
  retype: readonly string[];
}) {
  return (
    <>
      {CONFIG_FIELDS[props.kind].map((f) => {
        const id = `${props.prefix}-${f}`;
        const secret = SECRET_FIELDS[props.kind].includes(f);
        const meta = FIELD_LABELS[f];
        const hint = f === "url" ? urlHint(props.kind) : meta.hint;
        const savedMask = secret ? props.saved?.[f] : undefined;
        const error = props.errors[f];
        return (
          <div class="field">
            <label for={id}>
              {f === "url" && props.kind !== "webhook"
                ? `${CHANNEL_KIND_LABELS[props.kind]} URL`
                : meta.label}
              <span class="hint">
                {savedMask ? `Saved: ${savedMask}. Leave blank to keep it. ` : ""}
                {hint}
              </span>
            </label>
            <input
              type={secret ? "password" : f === "roomId" ? "text" : "url"}
              id={id}
              name={f}
              value={secret ? "" : (props.values[f] ?? "")}
              autocomplete="off"
              spellcheck={false}
              aria-invalid={error ? "true" : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
            />
            {secret && props.retype.includes(f) && !error && (
              <p class="hint" id={`${id}-retype`}>
                Secrets are never shown back: enter it again.
              </p>
            )}
            <FieldErr id={id} message={error} />
          </div>
        );
      })}
    </>
  );
}

export interface AlertsAdminPageProps extends Frame {
  channels: readonly ChannelView[];
  addKind: ChannelKind;
  add: ChannelFormState | null;
  edit: (ChannelFormState & { id: string }) | null;
  done: string | null;
  generated: { name: string; secret: string } | null;
  smtpConfigured: boolean;
}

/** Where alerts go: the channels, their events, a test button each, and the forms to add and change them. */
export function AlertsAdminPage(props: AlertsAdminPageProps) {
  const add = props.add;
  const addValues = add?.values ?? {};
  return (
    <AdminLayout {...props} title="Alert channels" section="alerts" failed={Boolean(props.add || props.edit)}>
      <h1>Alert channels</h1>
      <p>
        Where the team is told about new reports, assignments, reporter replies, SLA deadlines and expiring
        requests for information. Alerts carry only the reference, the title and a link, never the details.{" "}
        <a href="/admin/alerts/log">Delivery log</a>
      </p>
      {props.done && (
        <div class="notice success" role="status" id="done">
          {props.done}
        </div>
      )}
      {props.generated && (
        <div class="notice warn" role="status" id="generated-secret">
          <p>
            The signing secret of “{props.generated.name}” is shown only this once. Copy it into the receiver
            now:
          </p>
          <p>
            <code class="mono break">{props.generated.secret}</code>
          </p>
        </div>
      )}
      {props.edit && (
        <div class="notice error" role="alert" id="edit-error">
          <p>{props.edit.message}</p>
          <p>
            <a href={`#channel-${props.edit.id}`}>Go to the form</a>
          </p>
        </div>
      )}
      {props.channels.length === 0 ? (
        <p class="empty-state card">No alert channels yet: nobody is alerted. Add one below.</p>
      ) : (
        <div class="table-wrap card flush">
          <table class="alert-channels">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Events</th>
                <th scope="col">Settings</th>
                <th scope="col">Status</th>
                <th scope="col">Test</th>
              </tr>
            </thead>
            <tbody>
              {props.channels.map((ch) => (
                <tr class={ch.active ? undefined : "inactive"}>
                  <td>
                    <a href={`#channel-${ch.id}`}>{ch.name}</a>
                  </td>
                  <td class="nowrap">{CHANNEL_KIND_LABELS[ch.kind]}</td>
                  <td>
                    {ch.events.map((e) => (
                      <span class="badge tag">{eventLabel(e)}</span>
                    ))}
                  </td>
                  <td class="small settings">
                    {ch.kind === "email" ? (
                      <span>Each member, by their own alert settings</span>
                    ) : (
                      CONFIG_FIELDS[ch.kind].map((f) => (
                        <span class="block">
                          {FIELD_LABELS[f].label}: <span class="mono">{ch.shown[f] ?? ""}</span>
                        </span>
                      ))
                    )}
                  </td>
                  <td>
                    {ch.active ? (
                      <span class="badge sla-met">Active</span>
                    ) : (
                      <span class="badge">Disabled</span>
                    )}
                  </td>
                  <td>
                    {ch.active && (
                      <form method="post" action={`/admin/alerts/${ch.id}/test`} class="inline">
                        <Csrf token={props.csrfToken} />
                        <button type="submit" class="secondary small nowrap">
                          Send test
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.channels.some((c) => c.kind === "email") && !props.smtpConfigured && (
        <p class="notice warn">
          SMTP_URL is not set: alert mail is held in the <a href="/admin/outbox">outbox</a>.
        </p>
      )}

      {props.channels.map((ch) => {
        const problem = props.edit?.id === ch.id ? props.edit : null;
        const values = problem?.values ?? { name: ch.name, ...ch.shown };
        const events = problem ? problem.events : ch.events;
        const prefix = `edit-${ch.id.slice(0, 8)}`;
        return (
          <details class="card" id={`channel-${ch.id}`} open={Boolean(problem)}>
            <summary>
              Change “{ch.name}” ({CHANNEL_KIND_LABELS[ch.kind]})
            </summary>
            <form method="post" action={`/admin/alerts/${ch.id}`} class="admin-form">
              <Csrf token={props.csrfToken} />
              <div class="field">
                <label for={`${prefix}-name`}>Name</label>
                <input
                  type="text"
                  id={`${prefix}-name`}
                  name="name"
                  value={values.name ?? ""}
                  maxlength={100}
                  aria-invalid={problem?.errors.name ? "true" : undefined}
                />
                <FieldErr id={`${prefix}-name`} message={problem?.errors.name} />
              </div>
              <ConfigFields
                prefix={prefix}
                kind={ch.kind}
                values={values}
                errors={problem?.errors ?? {}}
                saved={ch.shown}
                retype={problem?.retype ?? []}
              />
              <EventChoices prefix={prefix} chosen={events} error={problem?.errors.events} />
              <input type="hidden" name="active" value="false" />
              <label class="choice" for={`${prefix}-active`}>
                <input
                  type="checkbox"
                  id={`${prefix}-active`}
                  name="active"
                  value="true"
                  checked={problem ? problem.values.active !== "false" : ch.active}
                />{" "}
                Active (unchecked: disabled, nothing is sent)
              </label>
              <div class="actions">
                <button type="submit">Save channel</button>
              </div>
            </form>
          </details>
        );
      })}

      <section class="card" id="add-channel" aria-labelledby="add-channel-heading">
        <h2 id="add-channel-heading">Add a channel</h2>
        <nav class="kind-tabs" aria-label="Kind of channel">
          {CHANNEL_KINDS.map((k) => (
            <a
              href={`/admin/alerts?add=${k}#add-channel`}
              aria-current={k === props.addKind ? "page" : undefined}
            >
              {CHANNEL_KIND_LABELS[k]}
            </a>
          ))}
        </nav>
        {add && (
          <div class="notice error" role="alert" id="add-error">
            {add.message}
          </div>
        )}
        <form method="post" action="/admin/alerts" class="admin-form">
          <Csrf token={props.csrfToken} />
          <input type="hidden" name="kind" value={props.addKind} />
          <FieldErr id="add-kind" message={add?.errors.kind} />
          {props.addKind === "email" && (
            <p class="hint">
              Mails each concerned member (the assignee, or every active responder and admin) at their account
              address, as their own alert settings allow.
            </p>
          )}
          <div class="field">
            <label for="add-name">Name</label>
            <input
              type="text"
              id="add-name"
              name="name"
              value={addValues.name ?? ""}
              maxlength={100}
              aria-invalid={add?.errors.name ? "true" : undefined}
              aria-describedby={add?.errors.name ? "add-name-error" : undefined}
            />
            <FieldErr id="add-name" message={add?.errors.name} />
          </div>
          <ConfigFields
            prefix="add"
            kind={props.addKind}
            values={addValues}
            errors={add?.errors ?? {}}
            retype={add?.retype ?? []}
          />
          <EventChoices prefix="add" chosen={add ? add.events : ALERT_EVENTS} error={add?.errors.events} />
          <div class="actions">
            <button type="submit">Add channel</button>
          </div>
        </form>
      </section>
    </AdminLayout>
  );
}

function attemptText(a: DeliveryLogRow["attempts"][number], kind: string | null): string {
  if (a.ok)
    return kind === "email" ? "queued as mail (see the outbox)" : `delivered (HTTP ${a.status ?? "2xx"})`;
  return a.status ? `failed: HTTP ${a.status}` : `failed: ${a.error ?? "unknown error"}`;
}

const STATUS_CLASS: Record<string, string> = {
  pending: "sla-due_soon",
  sent: "sla-met",
  failed: "sla-overdue",
};

export interface DeliveryLogPageProps extends Frame {
  rows: readonly DeliveryLogRow[];
  page: number;
  pages: number;
  total: number;
}

/** Every delivery, newest first, with each attempt and its result. */
export function DeliveryLogPage(props: DeliveryLogPageProps) {
  return (
    <AdminLayout {...props} title="Alert delivery log" section="alerts">
      <h1>Alert delivery log</h1>
      <p>
        {props.total} {props.total === 1 ? "delivery" : "deliveries"}, newest first. Failed attempts are
        retried with growing delays before a delivery is marked failed.{" "}
        <a href="/admin/alerts">Alert channels</a>
      </p>
      {props.rows.length === 0 ? (
        <p class="empty-state card">No alerts have been sent yet.</p>
      ) : (
        <div class="table-wrap card flush">
          <table class="alert-log">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Event</th>
                <th scope="col">Target</th>
                <th scope="col">Report</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr id={`delivery-${r.id}`}>
                  <td class="nowrap small">{formatDate(r.createdAt)}</td>
                  <td>{eventLabel(r.event)}</td>
                  <td class="target">
                    {r.channelName ?? "(deleted channel)"}
                    {r.channelKind && (
                      <span class="small muted block">
                        {CHANNEL_KIND_LABELS[r.channelKind as ChannelKind]}
                      </span>
                    )}
                    {r.userEmail && <span class="small block">to {r.userEmail}</span>}
                  </td>
                  <td class="nowrap">
                    {r.reference ? (
                      <a href={`/reports/${r.reference}`}>{r.reference}</a>
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                  <td>
                    <span class={`badge ${STATUS_CLASS[r.status] ?? ""}`}>{r.status}</span>
                  </td>
                  <td class="small">
                    {r.attempts.length === 0 ? (
                      <span class="muted">none yet</span>
                    ) : (
                      <ol class="attempts">
                        {r.attempts.map((a) => (
                          <li class={a.ok ? undefined : "field-error"}>
                            <span class="nowrap">{formatDate(a.at)}</span>: {attemptText(a, r.channelKind)}
                          </li>
                        ))}
                      </ol>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.pages > 1 && (
        <nav class="pagination" aria-label="Pages">
          {props.page > 1 ? <a href={`/admin/alerts/log?page=${props.page - 1}`}>← Newer</a> : <span />}
          <span>
            Page {props.page} of {props.pages}
          </span>
          {props.page < props.pages && <a href={`/admin/alerts/log?page=${props.page + 1}`}>Older →</a>}
        </nav>
      )}
    </AdminLayout>
  );
}

export interface AlertPrefsPageProps extends Frame {
  email: boolean;
  events: readonly string[];
  role: string;
  done: boolean;
  error: string | null;
}

/** A member's own alert choices: alert mail on or off, and which events. */
export function AlertPrefsPage(props: AlertPrefsPageProps) {
  return (
    <Layout
      title={props.error ? "Error: My alerts" : "My alerts"}
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="my-alerts"
    >
      <section class="card narrow">
        <h1>My alerts</h1>
        <p>
          Choose which alerts reach you by email at {props.user.email}. Alert mail carries only the report's
          reference, title and a link; the details stay on the report page.
        </p>
        {props.role === "viewer" && (
          <p class="notice">Viewers are not alerted; these choices apply if your role changes.</p>
        )}
        {props.done && (
          <p class="notice success" role="status" id="done">
            Your alert settings were saved.
          </p>
        )}
        {props.error && (
          <p class="notice error" role="alert" id="prefs-error">
            {props.error}
          </p>
        )}
        <form method="post" action="/account/alerts">
          <Csrf token={props.csrfToken} />
          <input type="hidden" name="email" value="false" />
          <label class="choice" for="prefs-email">
            <input type="checkbox" id="prefs-email" name="email" value="true" checked={props.email} /> Send me
            alert emails
          </label>
          <EventChoices prefix="prefs" chosen={props.events} />
          <div class="actions">
            <button type="submit">Save my alert settings</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
