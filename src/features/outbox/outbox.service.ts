import type { Clock } from "../../core/clock.ts";
import type { Db, Tx } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { type QueuedMail, queueMail } from "./outbox.jobs.ts";
import { cancelMail, listOutbox, mailSince } from "./outbox.repo.ts";

/** Outgoing mail: services queue it inside their transaction, and only the delivery job sends it. */
export function createOutboxService(deps: { db: Db; jobs: JobQueue; clock: Clock; cipher: DataCipher }) {
  return {
    /** Stores the mail and its delivery job in the caller's transaction, so both commit or roll back with the change. */
    queue: (tx: Tx, mail: QueuedMail, now: Date = deps.clock()) => queueMail(tx, deps, mail, now),
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
    cancel: (tx: Tx, ids: readonly string[], why: string) => cancelMail(tx, ids, why),
    /** The newest mail first, for the admins' outbox page. */
    list: (limit?: number) => listOutbox(deps.db, limit),
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
