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

/** A 400 from the service becomes the form shown again with its errors; secrets typed are never echoed back. */
function channelProblem(
  error: unknown,
  kind: ChannelKind | null,
  form: ReturnType<typeof channelForm>,
): ChannelFormState | null {
  if (!(error instanceof AppError) || error.status !== 400) return null;
  const secrets = kind ? SECRET_FIELDS[kind] : [];
  const values = { ...form.values };
  const retype: string[] = [];
  for (const f of secrets) {
    if (values[f]) retype.push(f);
    delete values[f];
  }
  return { message: error.userMessage, errors: error.fields ?? {}, values, events: form.events, retype };
}

/** Admin pages for alert channels and the delivery log, and each member's own alert settings. */
export function registerAlertPages(app: Hono<AppEnv>, deps: AlertPagesDeps) {
  const frame = async (c: Context<AppEnv>) => {
    const org = await deps.settings.org();
    return { orgName: org.name, user: signedInMember(c), csrfToken: c.var.csrfToken };
  };

  const renderChannels = async (
    c: Context<AppEnv>,
    extra: {
      add?: ChannelFormState;
      addKind?: ChannelKind;
      edit?: ChannelFormState & { id: string };
      generated?: { name: string; secret: string };
      status?: 200 | 400;
    } = {},
  ) => {
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
      extra.status ?? 200,
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
      // A generated secret is shown on this response only: a redirect would need it stored or put in a URL.
      if (generatedSecret)
        return renderChannels(c, { generated: { name: channel.name, secret: generatedSecret } });
    } catch (error) {
      const problem = channelProblem(error, kind, form);
      if (!problem) throw error;
      return renderChannels(c, { add: problem, addKind: kind ?? "slack", status: 400 });
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
      const problem = channelProblem(error, channel?.kind ?? null, form);
      if (!problem) throw error;
      return renderChannels(c, { edit: { ...problem, id }, status: 400 });
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
  const renderPrefs = async (
    c: Context<AppEnv>,
    override?: { email: boolean; events: string[]; error: string },
  ) => {
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
      override ? 400 : 200,
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
      return renderPrefs(c, {
        email: input.email === "true",
        events: input.events,
        error: `${error.userMessage} ${message}`,
      });
    }
    return c.redirect("/account/alerts?done=1", 303);
  });
}
