import type { Logger } from "pino";
import { type Db, transaction } from "../../core/db.ts";
import type { JobQueue, QueueDefinition } from "../../jobs/queue.ts";
import { pollMailbox } from "./imap.adapter.ts";
import type { MailIntakeService } from "./mail-intake.service.ts";

/** The durable mailbox poll: each run queues the next, so a restart never loses the schedule. */
export const MAIL_FETCH = "mail-fetch";
const MAIL_FETCH_KEY = "mail-fetch";

export const mailIntakeQueues: QueueDefinition[] = [
  // "short" keeps one waiting poll; a failed poll is not retried by pg-boss because the next one comes anyway.
  // One at a time in a process: two polls of one mailbox at once would race over the same messages.
  {
    name: MAIL_FETCH,
    retryLimit: 0,
    retryDelay: 0,
    retryBackoff: false,
    policy: "short",
    batchSize: 1,
    concurrency: 1,
  },
];

export interface MailFetchDeps {
  db: Db;
  jobs: JobQueue;
  service: MailIntakeService;
  imapUrl: string;
  intervalSeconds: number;
  logger?: Logger;
}

/** Queues the next poll `afterSeconds` from now (at most one waits at a time). */
export async function scheduleMailFetch(db: Db, jobs: JobQueue, afterSeconds: number) {
  const startAfter = new Date(Date.now() + afterSeconds * 1000);
  await transaction(db, async (tx) => {
    await jobs.send(tx, MAIL_FETCH, {}, { startAfter, singletonKey: MAIL_FETCH_KEY });
  });
}

/** The job: one poll, then the next one queued, whether this one went well or not. */
export function createMailFetchHandler(deps: MailFetchDeps) {
  return async () => {
    try {
      const status = await pollMailbox(deps.service, deps.imapUrl, deps.logger);
      if (!status.ok)
        deps.logger?.warn({ error: status.error }, "IMAP poll failed; the next poll tries again");
      else if (status.imported + status.failed > 0) deps.logger?.info(status, "IMAP poll");
    } finally {
      await scheduleMailFetch(deps.db, deps.jobs, deps.intervalSeconds);
    }
  };
}

/** Starts the poll worker and queues a first poll right away. */
export async function registerMailFetch(deps: MailFetchDeps): Promise<void> {
  await deps.jobs.work(MAIL_FETCH, createMailFetchHandler(deps));
  await scheduleMailFetch(deps.db, deps.jobs, 0);
}
