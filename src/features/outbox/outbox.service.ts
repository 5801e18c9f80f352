import type { Clock } from "../../core/clock.ts";
import type { Db, Tx } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { HELD_MAIL_COUNT_CAP, type HeldMailCount, heldMailStatuses } from "../../domain/mail-delivery.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { createHeldMailActions } from "./held-mail.service.ts";
import { type QueuedMail, queueMail } from "./outbox.jobs.ts";
import { cancelMail, countUnsent, listOutbox, mailSince } from "./outbox.repo.ts";

/**
 * How long a held-mail count is reused. The banner is on every team page; a count a few seconds old is fine,
 * one query per page view on a busy team is not. Mail this process queues makes the next count fresh.
 */
export const HELD_MAIL_CACHE_MS = 5_000;

/** Outgoing mail: services queue it inside their transaction, and only the delivery job sends it. */
export function createOutboxService(deps: {
  db: Db;
  jobs: JobQueue;
  clock: Clock;
  cipher: DataCipher;
  /** Read at each use: whether mail leaves through SMTP now. */
  smtpConfigured: () => boolean;
}) {
  let cached: { at: number; held: HeldMailCount } | null = null;
  const held = createHeldMailActions({
    ...deps,
    forgetCount: () => {
      cached = null;
    },
  });
  return {
    /** Held mail sent again once SMTP is configured, or discarded: see held-mail.service.ts. */
    ...held,
    /** Stores the mail and its delivery job in the caller's transaction, so both commit or roll back with the change. */
    queue: (tx: Tx, mail: QueuedMail, now: Date = deps.clock()) => {
      cached = null;
      return queueMail(tx, deps, mail, now);
    },
    /**
     * A report's mail to one address since a time (locked when read in a transaction that may cancel it): whether
     * any of it left ("sending" counts, an attempt is under way), and which of it can still be taken back.
     */
    mailSince: async (db: Db, reportId: string, to: string, since: Date, opts: { lock?: boolean } = {}) => {
      const rows = await mailSince(db, reportId, to, since, opts.lock === true);
      const left = rows.filter(
        (r) => r.status === "sent" || r.status === "sending" || r.status === "bounced",
      );
      const unsent = rows.filter(
        (r) => r.status === "queued" || r.status === "held" || r.status === "failed",
      );
      return { left: left.length, unsentIds: unsent.map((r) => r.id) };
    },
    /** Takes unsent mail back: kept in the outbox as "cancelled", with why, and never delivered. */
    cancel: (tx: Tx, ids: readonly string[], why: string) => {
      cached = null;
      return cancelMail(tx, ids, why);
    },
    /** The newest mail first, for the admins' outbox page. */
    list: (limit?: number) => listOutbox(deps.db, limit),
    /**
     * How many mails wait for an admin because they cannot leave (counted up to HELD_MAIL_COUNT_CAP), for the
     * team's banner and the start-up output; cached for HELD_MAIL_CACHE_MS.
     */
    async heldMail(smtpConfigured: boolean): Promise<HeldMailCount> {
      const now = deps.clock().getTime();
      const fresh = cached && now >= cached.at && now - cached.at < HELD_MAIL_CACHE_MS;
      if (fresh && cached?.held.smtpConfigured === smtpConfigured) return cached.held;
      const count = await countUnsent(deps.db, heldMailStatuses(smtpConfigured), HELD_MAIL_COUNT_CAP);
      const held = { smtpConfigured, count };
      cached = { at: now, held };
      return held;
    },
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
