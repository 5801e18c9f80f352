import type { Clock } from "../../core/clock.ts";
import type { Db, Tx } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { type QueuedMail, queueMail } from "./outbox.jobs.ts";
import { listOutbox } from "./outbox.repo.ts";

/** Outgoing mail: services queue it inside their transaction, and only the delivery job sends it. */
export function createOutboxService(deps: { db: Db; jobs: JobQueue; clock: Clock; cipher: DataCipher }) {
  return {
    /** Stores the mail and its delivery job in the caller's transaction, so both commit or roll back with the change. */
    queue: (tx: Tx, mail: QueuedMail, now: Date = deps.clock()) => queueMail(tx, deps, mail, now),
    /** The newest mail first, for the admins' outbox page. */
    list: (limit?: number) => listOutbox(deps.db, limit),
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
