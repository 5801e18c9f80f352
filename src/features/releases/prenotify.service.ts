import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { notFound } from "../../core/errors.ts";
import { randomToken, sha256Hex } from "../../crypto/tokens.ts";
import { SEVERITIES } from "../../domain/workflow-states.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import type { AdvisoriesForReleases } from "../advisories/advisories.types.ts";
import type { AlertsService } from "../alerts/alerts.service.ts";
import type { MailOutcome, MailSource } from "../outbox/outbox.jobs.ts";
import type { OutboxService } from "../outbox/outbox.service.ts";
import { listKeyProblem } from "./prenotify.adapter.ts";
import { PRENOTIFY_SEND, prenotifyPayload } from "./prenotify.jobs.ts";
import { type PrenotifyKind, prenotifyBody, SUBJECTS } from "./prenotify.mail.ts";
import {
  activeAdminIds,
  byAckTokenHash,
  insertPrenotification,
  type ListMemberRow,
  latestRound,
  lockRelease,
  markAcknowledged,
  markPrenotified,
  membersByIds,
  membersToNotify,
  noticeRecipients,
  type PrenotificationRow,
  prenotificationById,
  prenotificationsOf,
  type ReleaseRow,
  recordOutcome,
  releaseById,
  reportsOfRelease,
} from "./prenotify.repo.ts";
import type { PrenotifyHooks } from "./releases.types.ts";

/** The outbox source kind of pre-notification mail: its delivery results are recorded on the row. */
export const PRENOTIFICATION_SOURCE = "prenotification";
/** A personal acknowledgement token as it appears in links: 128 bits, base64url. */
export const ACK_TOKEN = /^[A-Za-z0-9_-]{22}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PrenotifyDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  publicUrl: string;
  outbox: Pick<OutboxService, "queue">;
  alerts: Pick<AlertsService, "queue">;
  /** The approved advisory text for `full` lists; without it they are told none is available yet. */
  advisories?: Pick<AdvisoriesForReleases, "approvedText">;
}

/** One recipient of one round: the list member now (null when removed) and the list it belongs to. */
interface Target {
  list: { id: string; name: string; mode: "imminent" | "full" };
  member: ListMemberRow | null;
  /** Who the row names when the member is gone: copied from the notice. */
  fallback?: PrenotificationRow;
}

/** A recipient as the release's pre-notification page and API show them. */
export interface PrenotificationView {
  id: string;
  listName: string | null;
  name: string;
  email: string;
  fingerprint: string;
  kind: PrenotifyKind;
  round: number;
  status: "queued" | "sent" | "failed" | "acknowledged";
  failure: string | null;
  sentAt: Date | null;
  acknowledgedAt: Date | null;
  createdAt: Date;
}

const highest = (severities: readonly (string | null)[]) =>
  severities.reduce<string | null>((best, s) => {
    const rank = (x: string | null) => (x ? SEVERITIES.indexOf(x as (typeof SEVERITIES)[number]) : -1);
    return rank(s) > rank(best) ? s : best;
  }, null);

/**
 * The pre-notification sender: at `prenotifyAt` a job writes each member of the release's lists their own mail,
 * encrypted to their key and signed with the intake key (by the outbox's delivery job); a member whose key no
 * longer works gets nothing and the admins are alerted. It implements the release service's PrenotifyHooks.
 */
export function createPrenotifyService(deps: PrenotifyDeps) {
  const { db, clock } = deps;

  /** Writes one round: a row per target, and an encrypted mail for each whose key works now. */
  async function writeRound(
    tx: Tx,
    release: ReleaseRow,
    kind: PrenotifyKind,
    round: number,
    targets: readonly Target[],
    now: Date,
  ) {
    const reports = await reportsOfRelease(tx, release.id);
    const reportIds = reports.map((r) => r.id);
    const severity = highest(reports.map((r) => r.severity));
    const needsText = kind !== "cancel" && targets.some((t) => t.list.mode === "full");
    const advisories = needsText && deps.advisories ? await deps.advisories.approvedText(tx, reportIds) : [];
    const refused: { email: string; why: string }[] = [];
    let queued = 0;
    for (const target of targets) {
      const { member, list } = target;
      const who = member ?? target.fallback!;
      const base = {
        releaseId: release.id,
        listId: member ? list.id : (target.fallback?.listId ?? null),
        memberId: member?.id ?? null,
        kind,
        round,
        name: who.name,
        email: who.email,
        fingerprint: who.fingerprint,
        createdAt: now,
      };
      // Never plaintext: without a key that works now, the member gets nothing and the row says why.
      const problem = member
        ? await listKeyProblem(member, now)
        : "the member was removed from the list, so there is no key to encrypt to";
      if (problem) {
        const failure = `Not sent: ${problem}. Pre-notification mail is only ever sent encrypted.`;
        await insertPrenotification(tx, { ...base, status: "failed", failure });
        refused.push({ email: who.email, why: problem });
        continue;
      }
      const token = randomToken();
      const row = await insertPrenotification(tx, {
        ...base,
        status: "queued",
        ackTokenHash: sha256Hex(token),
      });
      await deps.outbox.queue(
        tx,
        {
          reportId: null,
          to: member!.email,
          subject: SUBJECTS[kind],
          body: prenotifyBody(kind, {
            version: release.version,
            publishAt: release.publishAt,
            track: release.track,
            severity,
            listName: list.name,
            mode: list.mode,
            advisories: list.mode === "full" ? advisories : [],
            cancelReason: release.cancelReason,
          }),
          secrets: [`${deps.publicUrl.replace(/\/$/, "")}/prenotify/ack/${token}`],
          recipientKey: {
            armored: member!.publicKey,
            fingerprint: member!.fingerprint,
            expiresAt: member!.keyExpiresAt?.toISOString() ?? null,
          },
          source: { kind: PRENOTIFICATION_SOURCE, id: row.id },
        },
        now,
      );
      queued += 1;
    }
    const event = await appendAuditEvent(
      tx,
      {
        actorType: "system",
        actorId: null,
        action: kind === "notice" ? "release.prenotified" : "release.prenotify_update",
        reportId: null,
        data: { releaseId: release.id, version: release.version, kind, round, queued, refused },
      },
      now,
    );
    // The admins learn at once that someone on a list was not told; the alert names no vulnerability detail.
    if (refused.length > 0 && reportIds[0]) {
      await deps.alerts.queue(tx, {
        event: "prenotify_failed",
        reportId: reportIds[0],
        userIds: await activeAdminIds(tx),
        detail:
          `${refused.length} pre-notification recipient(s) got nothing: ${refused.map((r) => `${r.email} (${r.why})`).join("; ")}. ` +
          `See /releases/${release.id}/prenotifications`,
        occurrence: event.id,
      });
    }
    return { queued, refused };
  }

  /** Alerts the admins that one recipient's mail could not be encrypted at delivery (once per row). */
  async function alertUnencryptable(tx: Tx, prenotificationId: string) {
    const row = await prenotificationById(tx, prenotificationId);
    const [report] = row ? await reportsOfRelease(tx, row.releaseId) : [];
    if (!row || !report) return;
    await deps.alerts.queue(tx, {
      event: "prenotify_failed",
      reportId: report.id,
      userIds: await activeAdminIds(tx),
      detail: `A pre-notification to ${row.email} could not be encrypted at delivery and was not sent. See /releases/${row.releaseId}/prenotifications`,
      occurrence: `prenotification:${row.id}`,
    });
  }

  const hooks: PrenotifyHooks = {
    async scheduleInTx(tx, releaseId, prenotifyAt) {
      await deps.jobs.send(
        tx,
        PRENOTIFY_SEND,
        { releaseId, prenotifyAt: prenotifyAt.toISOString() },
        { startAfter: prenotifyAt },
      );
    },

    async updateInTx(tx, releaseId, kind) {
      const release = await lockRelease(tx, releaseId);
      if (!release?.prenotifiedAt) return; // nobody was told yet: nothing to update
      const notice = await noticeRecipients(tx, releaseId);
      if (notice.length === 0) return;
      const now = clock();
      const memberIds = [...new Set(notice.map((r) => r.memberId).filter((id): id is string => id !== null))];
      const current = new Map((await membersByIds(tx, memberIds)).map((m) => [m.member.id, m]));
      const seen = new Set<string>();
      const targets: Target[] = [];
      for (const row of notice) {
        const key = row.memberId ?? `${row.listId}:${row.email}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const found = row.memberId ? current.get(row.memberId) : undefined;
        targets.push(
          found
            ? { list: found.list, member: found.member }
            : {
                list: { id: row.listId ?? "", name: "(removed)", mode: "imminent" },
                member: null,
                fallback: row,
              },
        );
      }
      await writeRound(tx, release, kind, (await latestRound(tx, releaseId)) + 1, targets, now);
    },
  };

  return {
    ...hooks,

    /**
     * The sending job. Idempotent, and everything is re-checked under the release's row lock: still scheduled,
     * its `prenotifyAt` reached by the injected clock, not yet pre-notified. A job that runs early for the current
     * time queues itself again for that time; one for an older time does nothing (the newer job will run).
     */
    async runDue(data: unknown): Promise<"sent" | "requeued" | "skipped"> {
      const job = prenotifyPayload.parse(data);
      return transaction(db, async (tx) => {
        const release = await lockRelease(tx, job.releaseId);
        if (release?.state !== "scheduled" || !release.prenotifyAt || release.prenotifiedAt) return "skipped";
        const now = clock();
        if (release.prenotifyAt.getTime() > now.getTime()) {
          if (release.prenotifyAt.toISOString() !== job.prenotifyAt) return "skipped";
          await hooks.scheduleInTx(tx, release.id, release.prenotifyAt);
          return "requeued";
        }
        const targets = (await membersToNotify(tx, release.id)).map(({ list, member }) => ({ list, member }));
        await writeRound(tx, release, "notice", 1, targets, now);
        await markPrenotified(tx, release.id, now);
        return "sent";
      });
    },

    /** The outbox's delivery result for one pre-notification mail, recorded in the delivery's transaction. */
    async recordDelivery(tx: Tx, source: MailSource, outcome: MailOutcome) {
      if (source.kind !== PRENOTIFICATION_SOURCE) return;
      await recordOutcome(
        tx,
        source.id,
        outcome.sent ? { status: "sent", at: clock() } : { status: "failed", failure: outcome.error },
      );
      // The key stopped working between the job and the delivery: nothing left, and the admins are told once.
      if (!outcome.sent && outcome.unencryptable) await alertUnencryptable(tx, source.id);
    },

    /** What a personal acknowledgement link stands for, without changing anything (mail scanners follow links). */
    async ackState(token: string): Promise<"unknown" | "open" | "used"> {
      if (!ACK_TOKEN.test(token)) return "unknown";
      const row = await byAckTokenHash(db, sha256Hex(token));
      if (!row) return "unknown";
      return row.acknowledgedAt ? "used" : "open";
    },

    /** Records the acknowledgement once, with its audit event; a used or unknown link changes nothing. */
    async acknowledge(token: string): Promise<"acknowledged" | "unknown" | "used"> {
      if (!ACK_TOKEN.test(token)) return "unknown";
      return transaction(db, async (tx) => {
        const row = await byAckTokenHash(tx, sha256Hex(token), true);
        if (!row) return "unknown";
        if (row.acknowledgedAt) return "used";
        const now = clock();
        await markAcknowledged(tx, row.id, now);
        await appendAuditEvent(
          tx,
          {
            actorType: "system",
            actorId: null,
            action: "release.prenotification_acknowledged",
            reportId: null,
            data: { releaseId: row.releaseId, prenotificationId: row.id, email: row.email, round: row.round },
          },
          now,
        );
        return "acknowledged";
      });
    },

    /** The release's pre-notification per recipient and round, for its page and the API; 404 for no release. */
    async forRelease(releaseId: string) {
      const release = UUID.test(releaseId) ? await releaseById(db, releaseId) : null;
      if (!release) throw notFound("Release");
      const rows = await prenotificationsOf(db, releaseId);
      const recipients: PrenotificationView[] = rows.map(({ row, listName }) => ({
        id: row.id,
        listName,
        name: row.name,
        email: row.email,
        fingerprint: row.fingerprint,
        kind: row.kind,
        round: row.round,
        status: row.acknowledgedAt ? "acknowledged" : row.status,
        failure: row.failure,
        sentAt: row.sentAt,
        acknowledgedAt: row.acknowledgedAt,
        createdAt: row.createdAt,
      }));
      return {
        release: {
          id: release.id,
          version: release.version,
          state: release.state,
          publishAt: release.publishAt,
          prenotifyAt: release.prenotifyAt,
          prenotifiedAt: release.prenotifiedAt,
        },
        recipients,
      };
    },
  };
}

export type PrenotifyService = ReturnType<typeof createPrenotifyService>;
