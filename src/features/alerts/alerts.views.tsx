import type { CurrentUser } from "../../core/actors.ts";
import { AdminLayout } from "../../http/components/admin-layout.tsx";
import { DataTable } from "../../http/components/data-table.tsx";
import { RowErrorNotice } from "../../http/components/error-summary.tsx";
import { Field } from "../../http/components/field.tsx";
import { Csrf } from "../../http/layout.tsx";
import {
  ALERT_EVENT_LABELS,
  ALERT_EVENTS,
  INTEGRATION_EVENT_LABELS,
  INTEGRATION_EVENTS,
} from "./alert-queue.jobs.ts";
import { eventLabel } from "./alert-send.adapter.ts";
import {
  CHANNEL_KIND_LABELS,
  CHANNEL_KINDS,
  type ChannelConfig,
  type ChannelKind,
  CONFIG_FIELDS,
  SECRET_FIELDS,
} from "./alerts.schema.ts";
import type { ChannelView } from "./alerts.service.ts";

type Errors = Record<string, string>;

export interface Frame {
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

export function EventChoices(props: {
  prefix: string;
  chosen: readonly string[];
  error?: string | undefined;
  /** A generic webhook may also choose the integration events (never chosen by default). */
  integration?: boolean;
}) {
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
      {props.integration &&
        INTEGRATION_EVENTS.map((e) => (
          <label class="choice" for={`${props.prefix}-event-${e}`}>
            <input
              type="checkbox"
              id={`${props.prefix}-event-${e}`}
              name="events"
              value={e}
              checked={props.chosen.includes(e)}
            />{" "}
            {INTEGRATION_EVENT_LABELS[e]}
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
                {savedMask
                  ? `Saved: ${savedMask}. Leave blank to keep it${f === "accessToken" ? " (a new homeserver needs it again)" : ""}. `
                  : ""}
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
        <RowErrorNotice
          id="edit-error"
          message={props.edit.message}
          formAnchor={`channel-${props.edit.id}`}
        />
      )}
      <DataTable
        class="alert-channels"
        columns={["Name", "Kind", "Events", "Settings", "Status", "Test"]}
        rows={props.channels}
        empty={"No alert channels yet: nobody is alerted. Add one below."}
        row={(ch) => (
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
              {ch.active ? <span class="badge sla-met">Active</span> : <span class="badge">Disabled</span>}
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
        )}
      />
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
              <EventChoices
                prefix={prefix}
                chosen={events}
                error={problem?.errors.events}
                integration={ch.kind === "webhook"}
              />
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
          <Field
            id="add-name"
            name="name"
            label="Name"
            value={addValues.name ?? ""}
            maxlength={100}
            errors={add?.errors}
          />
          <ConfigFields
            prefix="add"
            kind={props.addKind}
            values={addValues}
            errors={add?.errors ?? {}}
            retype={add?.retype ?? []}
          />
          <EventChoices
            prefix="add"
            chosen={add ? add.events : ALERT_EVENTS}
            error={add?.errors.events}
            integration={props.addKind === "webhook"}
          />
          <div class="actions">
            <button type="submit">Add channel</button>
          </div>
        </form>
      </section>
    </AdminLayout>
  );
}
