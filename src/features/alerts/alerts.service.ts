import { randomBytes, randomUUID } from "node:crypto";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { badRequest, conflict, notFound } from "../../core/errors.ts";
import { checkOutgoingTarget } from "../../core/outgoing-target.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import type { HostAllowList } from "../../domain/network-trust.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import {
  ALERT_DELIVER,
  ALERT_EVENTS,
  type IntegrationEvent,
  queueTeamAlert,
  type TeamAlert,
} from "./alert-queue.jobs.ts";
import { buildIntegrationRequest } from "./alert-send.adapter.ts";
import { type SendResult, sendAlertRequest } from "./alert-target.adapter.ts";
import {
  type AlertChannelRow,
  findChannel,
  findUserPrefs,
  insertChannel,
  insertDeliveryOnce,
  listChannels,
  listDeliveries,
  updateChannel,
  updateUserPrefs,
} from "./alerts.repo.ts";
import {
  type AlertPrefs,
  type ChannelConfig,
  type ChannelDraft,
  type ChannelFormInput,
  type ChannelKind,
  maskSecret,
  parseChannelForm,
  parsePrefsForm,
  SECRET_FIELDS,
} from "./alerts.schema.ts";

/** A channel as admins see it: secrets only as their last four characters. */
export interface ChannelView {
  id: string;
  kind: ChannelKind;
  name: string;
  events: string[];
  active: boolean;
  /** Non-secret settings in full, secrets masked. */
  shown: Partial<Record<keyof ChannelConfig, string>>;
  updatedAt: Date;
}

export const DELIVERY_LOG_PAGE_SIZE = 25;

/** The URL a channel sends to, and the form field it comes from; email has none. */
function targetOf(draft: ChannelDraft): { field: "url" | "homeserver"; url: string } | null {
  if (draft.kind === "matrix") return { field: "homeserver", url: draft.config.homeserver ?? "" };
  if (draft.kind === "email") return null;
  return { field: "url", url: draft.config.url ?? "" };
}

export function createAlertsService(deps: {
  db: Db;
  clock: Clock;
  cipher: DataCipher;
  jobs: JobQueue;
  /** Private hosts and ranges channels may reach (ALERT_ALLOW_PRIVATE_HOSTS). */
  allowPrivateHosts: HostAllowList;
}) {
  const { db, clock, cipher, jobs } = deps;

  /**
   * Refuses a channel whose host resolves to a private, loopback, link-local or metadata address: otherwise the
   * delivery log would answer questions about the internal network. One message whatever the reason.
   */
  const checkTarget = async (draft: ChannelDraft) => {
    const target = targetOf(draft);
    if (!target || (await checkOutgoingTarget(target.url, deps.allowPrivateHosts)).ok) return;
    throw invalid({
      [target.field]:
        "The address must be a public internet host that Embargo can find; private, loopback, link-local and cloud metadata addresses are refused (an operator can allow an internal host with ALERT_ALLOW_PRIVATE_HOSTS).",
    });
  };

  /** The saved settings; after a data-key change they cannot be read, and the form asks for them again. */
  const readConfig = (row: AlertChannelRow): ChannelConfig => {
    try {
      return cipher.decryptJson<ChannelConfig>(row.configEnc);
    } catch {
      return {};
    }
  };

  const view = (row: AlertChannelRow): ChannelView => {
    const config = readConfig(row);
    const secrets = SECRET_FIELDS[row.kind];
    const shown: ChannelView["shown"] = {};
    for (const [k, v] of Object.entries(config) as [keyof ChannelConfig, string][]) {
      shown[k] = secrets.includes(k) ? maskSecret(v) : v;
    }
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      events: row.events,
      active: row.active,
      shown,
      updatedAt: row.updatedAt,
    };
  };

  const invalid = (errors: Record<string, string>) =>
    badRequest("The channel was not saved: some fields need attention.", errors);

  return {
    /** Tells the team about an event, as a job that commits with the caller's change (mail never leaves in a transaction). */
    queue: (tx: Tx, alert: TeamAlert) => queueTeamAlert(tx, jobs, alert),
    async channels(): Promise<ChannelView[]> {
      return (await listChannels(db)).map(view);
    },

    /** Adds a channel; a generic webhook left without a secret gets one, returned here once and never again. */
    async createChannel(actorId: string, input: ChannelFormInput) {
      const parsed = parseChannelForm(input);
      if (!parsed.ok) throw invalid(parsed.errors);
      const { value } = parsed;
      await checkTarget(value);
      const generatedSecret = parsed.generateSecret ? randomBytes(32).toString("hex") : null;
      if (generatedSecret) value.config.secret = generatedSecret;
      return transaction(db, async (tx) => {
        const now = clock();
        const row = await insertChannel(tx, {
          kind: value.kind,
          name: value.name,
          events: value.events,
          active: value.active,
          configEnc: cipher.encryptJson(value.config),
          createdAt: now,
          updatedAt: now,
        });
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "alert_channel.created",
            reportId: null,
            data: {
              channelId: row.id,
              kind: row.kind,
              name: row.name,
              events: row.events,
              active: row.active,
            },
          },
          now,
        );
        return { channel: view(row), generatedSecret };
      });
    },

    /** Changes a channel; an empty secret field keeps the saved secret. The audit event names what changed. */
    async updateChannel(actorId: string, id: string, input: ChannelFormInput) {
      const parse = (row: AlertChannelRow | undefined | null) => {
        if (!row) throw notFound("Alert channel");
        const parsed = parseChannelForm(input, { kind: row.kind, config: readConfig(row) });
        if (!parsed.ok) throw invalid(parsed.errors);
        return parsed.value;
      };
      // The target is resolved before the transaction, so no row stays locked while DNS answers.
      const checked = parse(await findChannel(db, id));
      await checkTarget(checked);
      return transaction(db, async (tx) => {
        const row = await findChannel(tx, id);
        const value = parse(row);
        if (!row) throw notFound("Alert channel");
        if (targetOf(value)?.url !== targetOf(checked)?.url)
          throw conflict(
            "channel_changed",
            "Someone changed this channel while you saved it; check it and save again.",
          );
        const config = readConfig(row);
        const changed: string[] = [];
        if (value.name !== row.name) changed.push("name");
        if (value.active !== row.active) changed.push("active");
        if (JSON.stringify([...value.events].sort()) !== JSON.stringify([...row.events].sort()))
          changed.push("events");
        for (const k of Object.keys(value.config) as (keyof ChannelConfig)[]) {
          if (value.config[k] !== config[k]) changed.push(`config.${k}`);
        }
        const now = clock();
        await updateChannel(tx, id, {
          name: value.name,
          events: value.events,
          active: value.active,
          configEnc: cipher.encryptJson(value.config),
          updatedAt: now,
        });
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "alert_channel.updated",
            reportId: null,
            data: { channelId: id, kind: row.kind, changed, events: value.events, active: value.active },
          },
          now,
        );
        return { changed };
      });
    },

    /** Queues a test alert to one channel (for email: to the admin who asked), through the real delivery job. */
    async sendTest(actorId: string, id: string) {
      return transaction(db, async (tx) => {
        const row = await findChannel(tx, id);
        if (!row) throw notFound("Alert channel");
        if (!row.active)
          throw conflict("channel_disabled", "Enable the channel before sending a test alert.");
        const now = clock();
        const deliveryId = await insertDeliveryOnce(tx, {
          channelId: id,
          userId: row.kind === "email" ? actorId : null,
          event: "test",
          reportId: null,
          dedupeKey: `test:${randomUUID()}:channel:${id}`,
          createdAt: now,
        });
        await jobs.send(tx, ALERT_DELIVER, { deliveryId, detail: null });
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "alert_channel.test_queued",
            reportId: null,
            data: { channelId: id, deliveryId },
          },
          now,
        );
        return { deliveryId: deliveryId! };
      });
    },

    /** The active generic webhooks that chose this integration event (fix.pushed goes to CI, never to alert-only hooks). */
    async integrationWebhooks(
      event: IntegrationEvent,
      dbOrTx: Db = db,
    ): Promise<{ id: string; name: string }[]> {
      return (await listChannels(dbOrTx))
        .filter((c) => c.kind === "webhook" && c.active && c.events.includes(event))
        .map(({ id, name }) => ({ id, name }));
    },

    /**
     * Sends one integration event to a generic webhook, signed as alert webhooks are, after the same target
     * check. Only jobs call it. `refused` means a retry cannot help (channel gone, disabled or unreadable).
     */
    async sendIntegrationEvent(
      channelId: string,
      event: string,
      payload: Record<string, unknown>,
      deliveryId: string,
    ): Promise<SendResult> {
      const row = await findChannel(db, channelId);
      if (row?.kind !== "webhook" || !row.active)
        return { ok: false, refused: true, error: "the channel was deleted or disabled" };
      const config = readConfig(row);
      if (!config.url || !config.secret)
        return { ok: false, refused: true, error: "the channel's settings cannot be read: save them again" };
      const request = buildIntegrationRequest(config, event, payload, deliveryId, clock());
      return sendAlertRequest(request, deps.allowPrivateHosts);
    },

    async deliveries(page: number) {
      const p = Number.isInteger(page) && page > 0 ? page : 1;
      const { rows, total } = await listDeliveries(db, {
        limit: DELIVERY_LOG_PAGE_SIZE,
        offset: (p - 1) * DELIVERY_LOG_PAGE_SIZE,
      });
      return { rows, total, page: p, pages: Math.max(1, Math.ceil(total / DELIVERY_LOG_PAGE_SIZE)) };
    },

    /** A member's alert email choices with the defaults filled in: email on, every event. */
    async prefs(userId: string): Promise<{ email: boolean; events: string[]; role: string }> {
      const row = await findUserPrefs(db, userId);
      if (!row) throw notFound("Member");
      const prefs = (row.alertPrefs ?? {}) as AlertPrefs;
      return {
        email: prefs.email !== false,
        events: Array.isArray(prefs.events) ? prefs.events : [...ALERT_EVENTS],
        role: row.role,
      };
    },

    async updatePrefs(userId: string, input: { email?: string; events?: readonly string[] }) {
      const parsed = parsePrefsForm(input);
      if (!parsed.ok) throw badRequest("Your alert settings were not saved.", parsed.errors);
      await transaction(db, async (tx) => {
        const now = clock();
        await updateUserPrefs(tx, userId, parsed.value);
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId: userId,
            action: "alert_prefs.updated",
            reportId: null,
            data: { email: parsed.value.email, events: parsed.value.events },
          },
          now,
        );
      });
      return parsed.value;
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
