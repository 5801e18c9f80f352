import PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { Tx } from "../core/db.ts";
import { type SqlExecutor, txExecutor } from "../db/client.ts";

export interface QueueDefinition {
  name: string;
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  /** pg-boss queue policy; "short" keeps at most one waiting job per singletonKey. Default: standard. */
  policy?: "standard" | "short";
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

/** Jobs one fetch takes; they run one after another, so this only saves the wait between fetches. */
const BATCH_SIZE = 10;

/** Starts pg-boss on our connection: its schema is created or migrated, and the queues exist, before anyone sends. */
export async function startJobQueue(
  executor: SqlExecutor,
  queues: readonly QueueDefinition[],
  logger: Logger,
  options: { pollingIntervalSeconds?: number } = {},
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
  for (const queue of queues) {
    await boss.createQueue(queue.name, {
      name: queue.name,
      retryLimit: queue.retryLimit,
      retryDelay: queue.retryDelay,
      retryBackoff: queue.retryBackoff,
      ...(queue.policy ? { policy: queue.policy } : {}),
    });
  }
  const polling = options.pollingIntervalSeconds ?? 2;
  return {
    async send(tx, name, data, opts = {}) {
      await boss.send(name, data, {
        db: txExecutor(tx) as unknown as PgBoss.Db,
        ...(opts.startAfter ? { startAfter: opts.startAfter } : {}),
        ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
      });
    },
    async work(name, handler) {
      // pg-boss waits the polling interval after every fetch, found work or not, so one job per fetch would
      // send one mail every two seconds: a burst of 100 receipts took minutes. A fetch takes up to a batch;
      // each job is still completed or failed (and retried) on its own, so one failure does not fail the rest,
      // and pg-boss's own completion of the batch afterwards finds nothing left active.
      // includeMetadata: without it pg-boss leaves retryCount out, and a handler could not tell its last try.
      const workOptions = {
        pollingIntervalSeconds: polling,
        batchSize: BATCH_SIZE,
        includeMetadata: true as const,
      };
      await boss.work(name, workOptions, async (jobs) => {
        for (const job of jobs) {
          try {
            await handler(job.data, {
              id: job.id,
              retryCount: (job as unknown as { retryCount?: number }).retryCount ?? 0,
            });
          } catch (error) {
            await boss.fail(name, job.id, error as object);
            continue;
          }
          await boss.complete(name, job.id);
        }
      });
    },
    async reclaimAbandoned() {
      const { rows } = await executor.executeSql(RECLAIM_ABANDONED);
      return rows as { name: string; id: string; state: string }[];
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    },
  };
}
