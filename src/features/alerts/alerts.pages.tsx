import type { Context, Hono } from "hono";
import { AppError, notFound } from "../../core/errors.ts";
import { isUuid } from "../../domain/ids.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { AlertsService } from "./alerts.service.ts";

/** What the alert pages use. */
export interface AlertPagesDeps {
  settings: SettingsService;
  alerts: AlertsService;
  /** Whether mail leaves through SMTP. */
  smtpConfigured: boolean;
}

import { readForm } from "../../http/form.ts";
import { type FormState, redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import { DeliveryLogPage } from "./alert-log.views.tsx";
import { AlertPrefsPage } from "./alert-prefs.views.tsx";
import { type ChannelKind, isChannelKind, SECRET_FIELDS } from "./alerts.schema.ts";
import { AlertsAdminPage, type ChannelFormState } from "./alerts.views.tsx";

type ParsedBody = Record<string, string | File | (string | File)[]>;

const CHANNEL_FIELDS = [
  "kind",
  "name",
  "active",
  "url",
  "homeserver",
  "roomId",
  "accessToken",
  "secret",
] as const;
const DONE: Record<string, string> = {
  added: "The channel was added.",
  updated: "The channel was saved.",
  test: "A test alert was queued. Its result appears in the delivery log within a minute.",
};

function texts(body: ParsedBody, name: string): string[] {
  const value = body[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === "string");
}

/** The channel form's fields as text (the last value wins, so a checked box beats its hidden "false"). */
function channelForm(body: ParsedBody) {
  const values: Record<string, string> = {};
  for (const name of CHANNEL_FIELDS) {
    const all = texts(body, name);
    if (all.length > 0) values[name] = all[all.length - 1]!;
  }
  return { values, events: texts(body, "events") };
}

/**
 * A 400 from the service ends in a redirect to the form with its errors. The kind's secret fields are never kept
 * (nor echoed back): the form asks for them again.
 */
function channelProblem(
  c: Context<AppEnv>,
  error: unknown,
  kind: ChannelKind | null,
  form: ReturnType<typeof channelForm>,
  where: { to: string; form: "add" | "edit"; target?: string },
): Promise<Response> | null {
  if (!(error instanceof AppError) || error.status !== 400) return null;
  return redirectWithFormState(c, where.to, {
    form: where.form,
    ...(where.target ? { target: where.target } : {}),
    message: error.userMessage,
    errors: error.fields ?? {},
    values: { ...form.values, events: form.events },
    omit: kind ? SECRET_FIELDS[kind] : [],
    extra: { kind },
  });
}

/** A kept channel form as the page draws it: the secrets that were typed are listed to be typed again. */
function channelState(state: FormState): ChannelFormState {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(state.values)) if (typeof v === "string") values[k] = v;
  const events = state.values.events;
  return {
    message: state.message,
    errors: state.errors,
    values,
    events: Array.isArray(events) ? events : events ? [events] : [],
    retype: state.omitted,
  };
}

/** Admin pages for alert channels and the delivery log, and each member's own alert settings. */
export function registerAlertPages(app: Hono<AppEnv>, deps: AlertPagesDeps) {
  const frame = async (c: Context<AppEnv>) => {
    const org = await deps.settings.org();
    return { orgName: org.name, user: signedInMember(c), csrfToken: c.var.csrfToken };
  };

  const renderChannels = async (c: Context<AppEnv>) => {
    const state = await takeFormState(c);
    const extra: {
      add?: ChannelFormState;
      addKind?: ChannelKind;
      edit?: ChannelFormState & { id: string };
      generated?: { name: string; secret: string };
    } = {};
    const keptKind = state?.extra?.kind;
    if (state?.form === "add") {
      extra.add = channelState(state);
      extra.addKind = isChannelKind(keptKind) ? keptKind : "slack";
    }
    if (state?.form === "edit" && state.target) extra.edit = { ...channelState(state), id: state.target };
    const generated = state?.form === "generated" ? state.extra : undefined;
    if (typeof generated?.name === "string" && typeof generated.secret === "string")
      extra.generated = { name: generated.name, secret: generated.secret };
    const queryKind = c.req.query("add");
    const addKind = extra.addKind ?? (isChannelKind(queryKind) ? queryKind : "slack");
    const doneKey = c.req.query("done");
    return c.html(
      <AlertsAdminPage
        {...(await frame(c))}
        channels={await deps.alerts.channels()}
        addKind={addKind}
        add={extra.add ?? null}
        edit={extra.edit ?? null}
        done={extra.generated ? DONE.added! : doneKey && Object.hasOwn(DONE, doneKey) ? DONE[doneKey]! : null}
        generated={extra.generated ?? null}
        smtpConfigured={deps.smtpConfigured}
      />,
    );
  };

  app.get("/admin/alerts", requirePage("settings.manage"), (c) => renderChannels(c));

  app.post("/admin/alerts", requirePage("settings.manage"), async (c) => {
    const form = channelForm(await readForm(c));
    const kind = isChannelKind(form.values.kind) ? form.values.kind : null;
    try {
      const { channel, generatedSecret } = await deps.alerts.createChannel(signedInMember(c).id, {
        ...form.values,
        events: form.events,
      });
      // A generated secret is shown once, on the page the post redirects to: it travels there as a one-time form
      // state (sealed, bound to this session, deleted when shown or after 15 minutes), never in the URL.
      if (generatedSecret)
        return redirectWithFormState(c, "/admin/alerts#generated-secret", {
          form: "generated",
          values: {},
          extra: { name: channel.name, secret: generatedSecret },
        });
    } catch (error) {
      const redirect = channelProblem(c, error, kind, form, { to: "/admin/alerts#add-channel", form: "add" });
      if (!redirect) throw error;
      return redirect;
    }
    return c.redirect("/admin/alerts?done=added", 303);
  });

  app.get("/admin/alerts/log", requirePage("settings.manage"), async (c) => {
    const raw = c.req.query("page") ?? "1";
    const page = /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
    const log = await deps.alerts.deliveries(page);
    return c.html(<DeliveryLogPage {...(await frame(c))} {...log} />);
  });

  app.post("/admin/alerts/:id", requirePage("settings.manage"), async (c) => {
    const id = c.req.param("id");
    if (!isUuid(id)) throw notFound("Alert channel");
    const form = channelForm(await readForm(c));
    try {
      await deps.alerts.updateChannel(signedInMember(c).id, id, { ...form.values, events: form.events });
    } catch (error) {
      const channel = (await deps.alerts.channels()).find((ch) => ch.id === id);
      const redirect = channelProblem(c, error, channel?.kind ?? null, form, {
        to: `/admin/alerts#channel-${id}`,
        form: "edit",
        target: id,
      });
      if (!redirect) throw error;
      return redirect;
    }
    return c.redirect(`/admin/alerts?done=updated#channel-${id}`, 303);
  });

  app.post("/admin/alerts/:id/test", requirePage("settings.manage"), async (c) => {
    const id = c.req.param("id");
    if (!isUuid(id)) throw notFound("Alert channel");
    await deps.alerts.sendTest(signedInMember(c).id, id);
    return c.redirect("/admin/alerts?done=test", 303);
  });

  // A member's own alert settings ---------------------------------------------------------------
  const renderPrefs = async (c: Context<AppEnv>) => {
    const state = await takeFormState(c);
    const kept = state?.form === "prefs" ? state : null;
    const events = kept?.values.events;
    const override = kept
      ? {
          email: kept.values.email === "true",
          events: Array.isArray(events) ? events : events ? [events] : [],
          error: kept.message,
        }
      : undefined;
    const prefs = await deps.alerts.prefs(signedInMember(c).id);
    return c.html(
      <AlertPrefsPage
        {...(await frame(c))}
        email={override?.email ?? prefs.email}
        events={override?.events ?? prefs.events}
        role={prefs.role}
        done={!override && c.req.query("done") === "1"}
        error={override?.error ?? null}
      />,
    );
  };

  app.get("/account/alerts", requirePage("report.read"), (c) => renderPrefs(c));

  app.post("/account/alerts", requirePage("report.read"), async (c) => {
    const body = await readForm(c);
    const emailValues = texts(body, "email");
    const input = { email: emailValues[emailValues.length - 1] ?? "false", events: texts(body, "events") };
    try {
      await deps.alerts.updatePrefs(signedInMember(c).id, input);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 400) throw error;
      const message = Object.values(error.fields ?? {})[0] ?? error.userMessage;
      return redirectWithFormState(c, "/account/alerts#prefs-error", {
        form: "prefs",
        message: `${error.userMessage} ${message}`,
        errors: error.fields ?? {},
        values: input,
      });
    }
    return c.redirect("/account/alerts?done=1", 303);
  });
}
