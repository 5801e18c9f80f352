import { ALERT_EVENTS, type ChannelEvent, INTEGRATION_EVENTS } from "./alert-queue.jobs.ts";

export const CHANNEL_KINDS = ["email", "slack", "discord", "matrix", "webhook"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const CHANNEL_KIND_LABELS: Record<ChannelKind, string> = {
  email: "Email to members",
  slack: "Slack incoming webhook",
  discord: "Discord webhook",
  matrix: "Matrix room",
  webhook: "Generic JSON webhook",
};

/** What each kind needs to send; stored encrypted as one JSON document in alert_channels.config_enc. */
export interface ChannelConfig {
  /** Slack, Discord and the generic webhook. */
  url?: string;
  /** Matrix. */
  homeserver?: string;
  roomId?: string;
  accessToken?: string;
  /** The generic webhook's HMAC-SHA256 key. */
  secret?: string;
}

/** The fields that are secrets: never rendered back in full, and an empty field on edit keeps the saved value. */
export const SECRET_FIELDS: Readonly<Record<ChannelKind, readonly (keyof ChannelConfig)[]>> = {
  email: [],
  slack: ["url"],
  discord: ["url"],
  matrix: ["accessToken"],
  webhook: ["secret"],
};

/** The configuration fields each kind's form shows. */
export const CONFIG_FIELDS: Readonly<Record<ChannelKind, readonly (keyof ChannelConfig)[]>> = {
  email: [],
  slack: ["url"],
  discord: ["url"],
  matrix: ["homeserver", "roomId", "accessToken"],
  webhook: ["url", "secret"],
};

export interface ChannelFormInput {
  kind?: string;
  name?: string;
  events?: readonly string[];
  active?: string;
  url?: string;
  homeserver?: string;
  roomId?: string;
  accessToken?: string;
  secret?: string;
}

export interface ChannelDraft {
  kind: ChannelKind;
  name: string;
  events: ChannelEvent[];
  active: boolean;
  config: ChannelConfig;
}

export type ChannelParse =
  | { ok: true; value: ChannelDraft; generateSecret: boolean }
  | { ok: false; errors: Record<string, string> };

export function isChannelKind(value: unknown): value is ChannelKind {
  return typeof value === "string" && (CHANNEL_KINDS as readonly string[]).includes(value);
}

/** An http(s) URL with a host and no credentials in it, or the reason it is not one. */
export function urlProblem(raw: string, what: string): string | null {
  if (raw.length > 2000) return `The ${what} is too long (at most 2000 characters).`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `The ${what} is not a valid URL: it must start with https:// (or http://).`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return `The ${what} must start with https:// (or http://), not ${url.protocol}//.`;
  if (!url.hostname) return `The ${what} has no host name.`;
  if (url.username || url.password) return `The ${what} must not contain a user name or password.`;
  return null;
}

/** Scheme, host and port: where a credential goes. A URL that does not parse is compared as typed. */
function originOf(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    return raw;
  }
}

const MATRIX_ROOM_ID = /^![^\s:]{1,255}:[^\s]{1,255}$/;

/**
 * Checks an admin's channel form. On edit (`existing` given) the kind cannot change and an empty secret field
 * keeps the saved secret, because saved secrets are never sent back to the browser, except a Matrix access
 * token when the homeserver moves to another origin: the token is sent to the homeserver, so it must be
 * entered again. A blank webhook secret on create asks for a generated one.
 */
export function parseChannelForm(
  input: ChannelFormInput,
  existing?: { kind: ChannelKind; config: ChannelConfig },
): ChannelParse {
  const errors: Record<string, string> = {};
  const kind = existing ? existing.kind : input.kind;
  if (!isChannelKind(kind)) {
    errors.kind = "Choose the kind of channel: email, Slack, Discord, Matrix or webhook.";
    return { ok: false, errors };
  }
  const name = (input.name ?? "").trim();
  if (!name) errors.name = "Give the channel a name, such as “#security on Slack”.";
  else if (name.length > 100) errors.name = "The name is too long (at most 100 characters).";
  else if ([...name].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127))
    errors.name = "The name must not contain control characters.";

  const events: ChannelEvent[] = [];
  for (const e of input.events ?? []) {
    if ((INTEGRATION_EVENTS as readonly string[]).includes(e)) {
      if (kind !== "webhook") {
        errors.events = `“${e}” goes only to generic webhooks: it carries a token for integrations such as CI.`;
        break;
      }
    } else if (!(ALERT_EVENTS as readonly string[]).includes(e)) {
      errors.events = `“${e.slice(0, 40)}” is not an alert event.`;
      break;
    }
    if (!events.includes(e as ChannelEvent)) events.push(e as ChannelEvent);
  }
  if (!errors.events && events.length === 0) errors.events = "Choose at least one event to send.";

  const active = input.active === undefined ? true : input.active === "true";
  const saved = existing?.config ?? {};
  const text = (field: keyof ChannelConfig) => (input[field] ?? "").trim();
  const keepOr = (field: keyof ChannelConfig) => text(field) || saved[field] || "";
  const config: ChannelConfig = {};
  let generateSecret = false;

  if (kind === "slack" || kind === "discord" || kind === "webhook") {
    const url = kind === "webhook" ? text("url") || saved.url || "" : keepOr("url");
    const label = kind === "slack" ? "Slack webhook URL" : kind === "discord" ? "Discord webhook URL" : "URL";
    if (!url) errors.url = `Enter the ${label}.`;
    else {
      const problem = urlProblem(url, label);
      if (problem) errors.url = problem;
    }
    config.url = url;
  }
  if (kind === "webhook") {
    const secret = keepOr("secret");
    if (!secret) generateSecret = true;
    else if (secret.length < 16)
      errors.secret = "The secret must be at least 16 characters; leave it blank to have one generated.";
    else if (secret.length > 200) errors.secret = "The secret is too long (at most 200 characters).";
    else if (/\s/.test(secret)) errors.secret = "The secret must not contain spaces.";
    config.secret = secret;
  }
  if (kind === "matrix") {
    const homeserver = text("homeserver") || saved.homeserver || "";
    if (!homeserver) errors.homeserver = "Enter the homeserver URL, such as https://matrix.example.org.";
    else {
      const problem = urlProblem(homeserver, "homeserver URL");
      if (problem) errors.homeserver = problem;
    }
    const roomId = text("roomId") || saved.roomId || "";
    if (!roomId) errors.roomId = "Enter the room id, such as !AbCdEf123:example.org.";
    else if (!MATRIX_ROOM_ID.test(roomId))
      errors.roomId =
        "A room id starts with ! and names its server after a colon, such as !AbCdEf123:example.org (an alias starting with # is not a room id).";
    // The token is a credential for one homeserver: it never follows the channel to another origin.
    const movedAway = existing !== undefined && originOf(homeserver) !== originOf(saved.homeserver ?? "");
    const accessToken = movedAway ? text("accessToken") : keepOr("accessToken");
    if (!accessToken)
      errors.accessToken = movedAway
        ? "Enter the access token again for the new homeserver."
        : "Enter the access token of the account that posts the alerts.";
    else if (accessToken.length > 1000 || /\s/.test(accessToken))
      errors.accessToken = "The access token must be one word of at most 1000 characters.";
    config.homeserver = homeserver.replace(/\/+$/, "");
    config.roomId = roomId;
    config.accessToken = accessToken;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { kind, name, events, active, config }, generateSecret };
}

/** A member's alert email choices; absent means the default, every event by email. */
export interface AlertPrefs {
  email?: boolean;
  events?: string[];
}

/** Whether a member's preferences let this event reach them by email. */
export function prefsAllowEmail(prefs: AlertPrefs | null | undefined, event: string): boolean {
  if (prefs?.email === false) return false;
  const events = prefs?.events;
  return !Array.isArray(events) || events.includes(event);
}

/** Checks a member's preference form: unknown events are refused, not silently dropped. */
export function parsePrefsForm(input: {
  email?: string;
  events?: readonly string[];
}): { ok: true; value: Required<AlertPrefs> } | { ok: false; errors: Record<string, string> } {
  const events: string[] = [];
  for (const e of input.events ?? []) {
    if (!(ALERT_EVENTS as readonly string[]).includes(e))
      return { ok: false, errors: { events: `“${e.slice(0, 40)}” is not an alert event.` } };
    if (!events.includes(e)) events.push(e);
  }
  return { ok: true, value: { email: input.email === "true", events } };
}

/** The last four characters of a secret, for recognising it without revealing it. */
export function maskSecret(secret: string | undefined): string {
  if (!secret) return "";
  return secret.length <= 8 ? "••••" : `••••${secret.slice(-4)}`;
}
