import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Clock } from "../../core/clock.ts";
import { type Db, transaction } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { alertDeliveries } from "../../db/schema.ts";
import type { HostAllowList } from "../../domain/network-trust.ts";
import type { JobHandler, JobQueue } from "../../jobs/queue.ts";
import type { OutboxService } from "../outbox/outbox.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { TeamService } from "../team/team.service.ts";
import { ALERT_DELIVER, ALERT_DELIVER_RETRY_LIMIT, ALERT_EVENTS, TEAM_ALERT } from "./alert-queue.jobs.ts";
import { type AlertMessage, alertMail, buildAlertRequest } from "./alert-send.adapter.ts";
import { sendAlertRequest } from "./alert-target.adapter.ts";
import {
  alertableMembers,
  channelsForEvent,
  type DeliveryAttempt,
  findChannel,
  findDelivery,
  insertDeliveryOnce,
  recordAttempt,
  reportSummary,
} from "./alerts.repo.ts";
import { type AlertPrefs, type ChannelConfig, prefsAllowEmail } from "./alerts.schema.ts";

const teamAlertPayload = z.object({
  event: z.enum(ALERT_EVENTS),
  reportId: z.uuid(),
  userIds: z.array(z.uuid()).max(500).optional(),
  detail: z.string().max(500).optional(),
  occurrence: z.string().min(1).max(300),
});

const deliverPayload = z.object({
  deliveryId: z.uuid(),
  detail: z.string().max(500).nullish(),
});

export interface AlertJobDeps {
  db: Db;
  jobs: JobQueue;
  cipher: DataCipher;
  clock: Clock;
  publicUrl: string;
  outbox: OutboxService;
  settings: SettingsService;
  team: TeamService;
  /** Private hosts and ranges channels may reach (ALERT_ALLOW_PRIVATE_HOSTS); every other private target is refused. */
  allowPrivateHosts: HostAllowList;
}

/**
 * The `team-alert` job: one delivery row per target (each active channel subscribed to the event, and for the
 * email channel each concerned member whose preferences allow it), then one `alert-deliver` job per new row.
 * Rows and jobs commit together, and the dedupe key makes a re-run of the same occurrence a no-op.
 */
export function createTeamAlertHandler(deps: AlertJobDeps): JobHandler {
  return async (data) => {
    const alert = teamAlertPayload.parse(data);
    const now = deps.clock();
    await transaction(deps.db, async (tx) => {
      if (!(await reportSummary(tx, alert.reportId))) return; // the report is gone: nothing to point at
      const base = { event: alert.event, reportId: alert.reportId, createdAt: now };
      const key = (target: string) => `${alert.event}:${alert.occurrence}:${target}`;
      const queue = async (deliveryId: string | null) => {
        if (deliveryId) await deps.jobs.send(tx, ALERT_DELIVER, { deliveryId, detail: alert.detail ?? null });
      };
      for (const channel of await channelsForEvent(tx, alert.event)) {
        if (channel.kind !== "email") {
          await queue(
            await insertDeliveryOnce(tx, {
              ...base,
              channelId: channel.id,
              dedupeKey: key(`channel:${channel.id}`),
            }),
          );
          continue;
        }
        for (const member of await alertableMembers(tx, alert.userIds)) {
          if (!prefsAllowEmail(member.alertPrefs as AlertPrefs, alert.event)) continue;
          await queue(
            await insertDeliveryOnce(tx, {
              ...base,
              channelId: channel.id,
              userId: member.id,
              dedupeKey: key(`user:${member.id}`),
            }),
          );
        }
      }
    });
  };
}

/**
 * The `alert-deliver` job: sends one delivery and appends the attempt to its log. A non-2xx answer or a network
 * error throws, so pg-boss retries with backoff; after the last retry the delivery is marked failed.
 */
export function createAlertDeliverHandler(deps: AlertJobDeps): JobHandler {
  return async (data, job) => {
    const { deliveryId, detail } = deliverPayload.parse(data);
    const delivery = await findDelivery(deps.db, deliveryId);
    if (delivery?.status !== "pending") return; // idempotent: a sent delivery is never resent
    const now = deps.clock();
    const giveUp = async (error: string) =>
      transaction(deps.db, (tx) =>
        recordAttempt(tx, deliveryId, { at: now.toISOString(), ok: false, error }, "failed", null),
      );
    const channel = delivery.channelId ? await findChannel(deps.db, delivery.channelId) : null;
    if (!channel) return giveUp("the channel was deleted");
    if (!channel.active) return giveUp("the channel is disabled");
    const report = delivery.reportId ? await reportSummary(deps.db, delivery.reportId) : null;
    const message: AlertMessage = {
      event: delivery.event,
      deliveryId,
      report: report
        ? {
            id: report.id,
            reference: report.reference,
            title: report.title,
            url: `${deps.publicUrl}/reports/${report.reference}`,
          }
        : null,
      detail: detail ?? null,
      occurredAt: delivery.createdAt.toISOString(),
    };

    if (channel.kind === "email") {
      const member = delivery.userId ? await deps.team.byId(delivery.userId) : null;
      if (!member?.active) return giveUp("the member no longer exists or is inactive");
      const { name: orgName } = await deps.settings.org();
      const mail = alertMail(message, orgName);
      await transaction(deps.db, async (tx) => {
        // Claim the delivery first: only the run that turns it from pending to sent writes the mail.
        const attempt: DeliveryAttempt = { at: now.toISOString(), ok: true };
        const claimed = await tx
          .update(alertDeliveries)
          .set({
            status: "sent",
            sentAt: now,
            attempts: sql`${alertDeliveries.attempts} || ${JSON.stringify([attempt])}::jsonb`,
          })
          .where(and(eq(alertDeliveries.id, deliveryId), eq(alertDeliveries.status, "pending")))
          .returning({ id: alertDeliveries.id });
        if (claimed.length === 0) return;
        const recipient = { kind: "member" as const, id: member.id };
        await deps.outbox.queue(
          tx,
          { reportId: report?.id ?? null, to: member.email, ...mail, recipient },
          now,
        );
      });
      return;
    }

    let config: ChannelConfig;
    try {
      config = deps.cipher.decryptJson<ChannelConfig>(channel.configEnc);
    } catch {
      return giveUp("the channel's settings cannot be decrypted with the current data key: save them again");
    }
    const result = await sendAlertRequest(
      buildAlertRequest(channel.kind, config, message, now),
      deps.allowPrivateHosts,
    );
    // A target that now resolves to a refused address is not retried: only the operator's allow-list can help.
    if (result.refused) return giveUp(result.error!);
    const attempt: DeliveryAttempt = {
      at: now.toISOString(),
      ok: result.ok,
      ...(result.status !== undefined ? { status: result.status } : {}),
      ...(result.error ? { error: result.error } : {}),
    };
    const last = job.retryCount >= ALERT_DELIVER_RETRY_LIMIT;
    await transaction(deps.db, (tx) =>
      recordAttempt(
        tx,
        deliveryId,
        attempt,
        result.ok ? "sent" : last ? "failed" : "pending",
        result.ok ? now : null,
      ),
    );
    if (!result.ok) throw new Error(`Alert delivery ${deliveryId} failed: ${result.error}`);
  };
}

/** Starts the fan-out and delivery workers; called by registerWorkers. */
export async function registerAlertWorkers(deps: AlertJobDeps): Promise<void> {
  await deps.jobs.work(TEAM_ALERT, createTeamAlertHandler(deps));
  await deps.jobs.work(ALERT_DELIVER, createAlertDeliverHandler(deps));
}
