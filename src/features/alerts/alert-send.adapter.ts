import { createHmac } from "node:crypto";
import { ALERT_EVENT_LABELS, type AlertEvent } from "./alert-queue.jobs.ts";
import type { OutgoingRequest } from "./alert-target.adapter.ts";
import type { ChannelConfig, ChannelKind } from "./alerts.schema.ts";

/** What an alert may say: the reference, the title, the event and a short detail. Never the report's body. */
export interface AlertMessage {
  event: string;
  deliveryId: string;
  report: { id: string; reference: string; title: string; url: string } | null;
  detail: string | null;
  occurredAt: string;
}

export function eventLabel(event: string): string {
  return Object.hasOwn(ALERT_EVENT_LABELS, event)
    ? ALERT_EVENT_LABELS[event as AlertEvent]
    : event === "test"
      ? "Test alert"
      : event;
}

/** One plain-text line plus the link, shared by every chat channel. */
export function chatText(m: AlertMessage): string {
  const head = m.report
    ? `[${eventLabel(m.event)}] ${m.report.reference}: ${m.report.title}`
    : `[${eventLabel(m.event)}] This channel works: Embargo can send alerts here.`;
  const detail = m.detail ? `\n${m.detail}` : "";
  const link = m.report ? `\n${m.report.url}` : "";
  return `${head}${detail}${link}`;
}

/** Slack reads <…> as links and mentions (<!channel>); a reporter's title must never trigger either. */
function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** The HTTP request that delivers an alert to a chat or webhook channel. */
export function buildAlertRequest(
  kind: Exclude<ChannelKind, "email">,
  config: ChannelConfig,
  m: AlertMessage,
  now: Date,
): OutgoingRequest {
  const json = { "Content-Type": "application/json" };
  switch (kind) {
    case "slack":
      return {
        method: "POST",
        url: config.url!,
        headers: json,
        body: JSON.stringify({ text: slackEscape(chatText(m)) }),
      };
    case "discord":
      // allowed_mentions off: a title such as "@everyone" must not ping the whole server.
      return {
        method: "POST",
        url: config.url!,
        headers: json,
        body: JSON.stringify({ content: chatText(m).slice(0, 2000), allowed_mentions: { parse: [] } }),
      };
    case "matrix": {
      // The delivery id is the transaction id: a retried PUT is recognised by the homeserver, not posted twice.
      const url = `${config.homeserver}/_matrix/client/v3/rooms/${encodeURIComponent(config.roomId!)}/send/m.room.message/${encodeURIComponent(m.deliveryId)}`;
      return {
        method: "PUT",
        url,
        headers: { ...json, Authorization: `Bearer ${config.accessToken}` },
        body: JSON.stringify({ msgtype: "m.text", body: chatText(m) }),
      };
    }
    case "webhook": {
      const body = JSON.stringify({
        event: m.event,
        report: m.report,
        detail: m.detail,
        occurredAt: m.occurredAt,
        deliveryId: m.deliveryId,
      });
      const timestamp = String(Math.floor(now.getTime() / 1000));
      return {
        method: "POST",
        url: config.url!,
        headers: {
          ...json,
          "User-Agent": "Embargo-Alerts",
          "X-Embargo-Event": m.event,
          "X-Embargo-Delivery": m.deliveryId,
          "X-Embargo-Timestamp": timestamp,
          "X-Embargo-Signature": signWebhook(config.secret!, timestamp, body),
        },
        body,
      };
    }
  }
}

/**
 * An integration event (e.g. fix.pushed for CI) to a generic webhook: its own JSON body, signed and labelled
 * exactly as alert webhooks are, so one receiver checks both the same way.
 */
export function buildIntegrationRequest(
  config: ChannelConfig,
  event: string,
  payload: Record<string, unknown>,
  deliveryId: string,
  now: Date,
): OutgoingRequest {
  const body = JSON.stringify({ event, ...payload, occurredAt: now.toISOString(), deliveryId });
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    method: "POST",
    url: config.url!,
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "Embargo-Alerts",
      "X-Embargo-Event": event,
      "X-Embargo-Delivery": deliveryId,
      "X-Embargo-Timestamp": timestamp,
      "X-Embargo-Signature": signWebhook(config.secret!, timestamp, body),
    },
    body,
  };
}

/**
 * The alert mail: reference, title and link only. `body` is what a member with a key receives encrypted;
 * `plainBody`, sent to a member without a key, leaves out the title and detail.
 */
export function alertMail(
  m: AlertMessage,
  orgName: string,
): { subject: string; body: string; plainBody?: string } {
  const label = eventLabel(m.event);
  if (!m.report) {
    return {
      subject: `[${orgName} security] Test alert`,
      body: "This is a test alert: Embargo can send alerts to you by email.\n",
    };
  }
  return {
    subject: `[${orgName} security] ${label}: ${m.report.reference}`,
    body: [
      `${label}: ${m.report.reference}`,
      `Title: ${m.report.title}`,
      "",
      `Open the report: ${m.report.url}`,
      "",
      "The details are on the report page only; sign in to read them.",
      "You can change which alerts you receive by email on your alert settings page.",
      "",
    ].join("\n"),
    plainBody: [
      `${label}: ${m.report.reference}`,
      "",
      `Open the report: ${m.report.url}`,
      "",
      "Upload your OpenPGP key on your key page to receive the title in alert mail, encrypted.",
      "",
    ].join("\n"),
  };
}
