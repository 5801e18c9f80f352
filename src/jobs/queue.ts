import PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { Tx } from "../core/db.ts";
import { type Database, type SqlExecutor, txExecutor } from "../db/client.ts";

export interface QueueDefinition {
  name: string;
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  /** pg-boss queue policy; "short" keeps at most one waiting job per singletonKey. Default: standard. */
  policy?: "standard" | "short";
  /** Jobs one fetch takes. Default 1. */
  batchSize?: number;
  /** Jobs of this queue that run at once in one process (at most batchSize). Default 1: one after another. */
  concurrency?: number;
}

export type JobHandler = (data: unknown, job: { id: string; retryCount: number }) => Promise<void>;

/** Durable jobs on our own database (PGlite or PostgreSQL); `send` joins the caller's transaction. */
export interface JobQueue {
  send(
    tx: Tx,
    name: string,
    data: object,
    options?: { startAfter?: Date; singletonKey?: string },
  ): Promise<void>;
  work(name: string, handler: JobHandler): Promise<void>;
  /**
   * Hands jobs left active by a dead process back to the queue at once: as a retry while they have retries
   * left, else failed (a job that kills its process every time must not loop). Call it only when no other
   * worker is alive (Database.joinWorkers); otherwise a live worker's job would run twice. Returns how many.
   */
  reclaimAbandoned(): Promise<{ name: string; id: string; state: string }[]>;
  stop(): Promise<void>;
}

/**
 * pg-boss itself notices a dead worker's job only when the job's expiry passes (15 minutes by default), so
 * after a crash a receipt mail would wait that long. Jobs keep their retry count: pg-boss adds one when it
 * hands a started job out again.
 */
const RECLAIM_ABANDONED = `
  update pgboss.job
  set state = case when retry_count < retry_limit then 'retry'::pgboss.job_state else 'failed'::pgboss.job_state end,
      start_after = now(),
      completed_on = case when retry_count < retry_limit then null else now() end,
      output = '{"message": "the process running this job stopped before it finished"}'::jsonb
  where state = 'active'
  returning name, id::text as id, state::text as state`;

/** The NOTIFY channel a sent job announces itself on; the payload is the queue's name. */
export const JOBS_CHANNEL = "embargo_jobs";

/** Runs fn over items with at most `limit` at once. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Whether a stored queue already has the settings its definition gives (unset settings keep pg-boss's). */
function queueMatches(
  stored: {
    policy?: string | null;
    retryLimit?: number | null;
    retryDelay?: number | null;
    retryBackoff?: boolean | null;
  },
  queue: QueueDefinition,
): boolean {
  const same = (want: unknown, have: unknown) => want === undefined || want === have;
  return (
    (stored.policy ?? "standard") === (queue.policy ?? "standard") &&
    same(queue.retryLimit, stored.retryLimit) &&
    same(queue.retryDelay, stored.retryDelay) &&
    same(queue.retryBackoff, stored.retryBackoff)
  );
}

/**
 * Starts pg-boss on our connection: its schema is created or migrated, and the queues exist with the settings
 * their definitions give, before anyone sends.
 *
 * A job sent in a transaction starts as soon as that transaction commits: `send` adds a NOTIFY to the
 * transaction (PostgreSQL delivers it only at commit, and never after a rollback), and `notifications` (the
 * database's LISTEN) wakes this process's worker for that queue, wherever it is in its polling pause. Polling
 * remains for delayed jobs, retries, and notifications lost with a PostgreSQL connection. A worker that took a
 * full batch fetches again at once, so a backlog drains at handler speed rather than one batch per interval.
 */
export async function startJobQueue(
  executor: SqlExecutor,
  queues: readonly QueueDefinition[],
  logger: Logger,
  options: { pollingIntervalSeconds?: number; notifications?: Pick<Database, "listen"> } = {},
): Promise<JobQueue> {
  const boss = new PgBoss({
    db: executor as unknown as PgBoss.Db,
    schema: "pgboss",
    supervise: true,
    schedule: false,
    migrate: true,
  });
  boss.on("error", (error: Error) => logger.error({ err: error }, "job queue error"));
  await boss.start();
  const definitions = new Map<string, QueueDefinition>(queues.map((queue) => [queue.name, queue]));
  // One read tells which queues are missing or differ from their definition; a warm start then sends nothing
  // more (two statements per queue, each planned against pg-boss's partitioned job table, cost PGlite's start
  // more than its own boot).
  const existing = new Map((await boss.getQueues()).map((q) => [q.name, q]));
  for (const queue of queues) {
    const settings = {
      name: queue.name,
      retryLimit: queue.retryLimit,
      retryDelay: queue.retryDelay,
      retryBackoff: queue.retryBackoff,
      ...(queue.policy ? { policy: queue.policy } : {}),
    };
    const current = existing.get(queue.name);
    if (!current) await boss.createQueue(queue.name, settings);
    else if (queueMatches(current, queue)) continue;
    // createQueue leaves an existing queue as it was; the definition here is the one in force.
    await boss.updateQueue(queue.name, settings);
  }
  const polling = options.pollingIntervalSeconds ?? 2;
  /** This process's workers by queue, to wake when a job for that queue commits. */
  const workers = new Map<string, string[]>();
  const wake = (queue: string | null) => {
    for (const [name, ids] of workers) {
      if (queue === null || queue === name) for (const id of ids) boss.notifyWorker(id);
    }
  };
  // Only a process that works jobs listens (a CLI command opens no extra connection).
  let unlisten: Promise<() => Promise<void>> | null = null;
  const listen = () => {
    if (options.notifications && !unlisten)
      unlisten = options.notifications.listen(JOBS_CHANNEL, wake).catch((error: unknown) => {
        logger.warn({ err: error }, "cannot listen for new jobs; workers fall back to polling");
        return async () => undefined;
      });
    return unlisten;
  };
  /** The queues each open transaction has already announced. */
  const announced = new WeakMap<Tx, Set<string>>();
  return {
    async send(tx, name, data, opts = {}) {
      const db = txExecutor(tx);
      const id = await boss.send(name, data, {
        db: db as unknown as PgBoss.Db,
        ...(opts.startAfter ? { startAfter: opts.startAfter } : {}),
        ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
      });
      // A job that waits anyway needs no wake-up; polling finds it when it is due.
      if (!id || (opts.startAfter && opts.startAfter.getTime() > Date.now())) return;
      // One NOTIFY per queue and transaction (or savepoint: each has its own handle, so a rolled-back savepoint
      // never takes with it the wake-up of a job sent outside it); a batch of sends costs one more statement.
      const queues = announced.get(tx) ?? new Set<string>();
      if (queues.has(name)) return;
      await db.executeSql("select pg_notify($1, $2)", [JOBS_CHANNEL, name]);
      queues.add(name);
      announced.set(tx, queues);
    },
    async work(name, handler) {
      await listen();
      const definition = definitions.get(name);
      const batchSize = definition?.batchSize ?? 1;
      const concurrency = Math.max(1, Math.min(definition?.concurrency ?? 1, batchSize));
      let workerId: string | undefined;
      let fullBeforeId = false;
      // includeMetadata: without it pg-boss leaves retryCount out, and a handler could not tell its last try.
      const workOptions = { pollingIntervalSeconds: polling, batchSize, includeMetadata: true as const };
      workerId = await boss.work(name, workOptions, async (batch) => {
        await eachLimited(batch, concurrency, async (job) => {
          try {
            await handler(job.data, {
              id: job.id,
              retryCount: (job as unknown as { retryCount?: number }).retryCount ?? 0,
            });
          } catch (error) {
            // Only this job fails (and is retried with backoff).
            await boss.fail(name, job.id, error as object).catch((failed: unknown) => {
              logger.error({ err: failed, queue: name, jobId: job.id }, "could not record a failed job");
            });
            return;
          }
          // Each job is completed the moment it is done, not with its batch: a process killed mid-batch must not
          // leave finished jobs active, or the next start would hand them out again (reclaimAbandoned). pg-boss's
          // own completion of the batch afterwards finds nothing left active.
          await boss.complete(name, job.id).catch((failed: unknown) => {
            logger.error({ err: failed, queue: name, jobId: job.id }, "could not record a finished job");
          });
        });
        // A full batch suggests more are waiting: fetch again now rather than after the polling interval.
        if (batch.length >= batchSize) {
          if (workerId) boss.notifyWorker(workerId);
          else fullBeforeId = true;
        }
      });
      // A full first batch finished before the id was known: look once more now rather than at the next poll.
      if (fullBeforeId) boss.notifyWorker(workerId);
      workers.set(name, [...(workers.get(name) ?? []), workerId]);
    },
    async reclaimAbandoned() {
      const { rows } = await executor.executeSql(RECLAIM_ABANDONED);
      return rows as { name: string; id: string; state: string }[];
    },
    async stop() {
      if (unlisten) await (await unlisten)();
      workers.clear();
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    },
  };
}
