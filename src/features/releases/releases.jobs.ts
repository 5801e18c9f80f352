// The publication job and its sweep. A release scheduled for T queues one job to start at T; the handler checks
// the injected clock again (not a second early) and re-queues itself when it ran too soon. The sweep runs at
// worker start and then every minute, and publishes every scheduled release whose time has passed, so a server
// that was down at T publishes at its next start (the audit event records how late).

import type { Logger } from "pino";
import { z } from "zod";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import type { JobQueue, QueueDefinition } from "../../jobs/queue.ts";
import type { PublishOutcome } from "./release-publish.service.ts";
import { dueReleases } from "./releases.repo.ts";

export const RELEASE_PUBLISH = "release-publish";
export const RELEASE_SWEEP = "release-sweep";
export const RELEASE_SWEEP_INTERVAL_SECONDS = 60;

export const releaseQueues: QueueDefinition[] = [
  // Publication locks the release row and re-reads its state, so a retried or duplicate job is harmless.
  { name: RELEASE_PUBLISH, retryLimit: 5, retryDelay: 30, retryBackoff: true, batchSize: 1, concurrency: 1 },
  { name: RELEASE_SWEEP, retryLimit: 3, retryDelay: 30, retryBackoff: true, policy: "short" },
];

const payload = z.object({ releaseId: z.uuid() });

/**
 * Queues the publication job for `publishAt`. pg-boss waits by the machine's time, the service by the injected
 * clock: the delay is their difference, so a test clock and the real one agree on "how long from now".
 */
export async function queuePublication(
  tx: Tx,
  jobs: JobQueue,
  clock: Clock,
  releaseId: string,
  publishAt: Date,
) {
  const delay = Math.max(0, publishAt.getTime() - clock().getTime());
  await jobs.send(
    tx,
    RELEASE_PUBLISH,
    { releaseId },
    { startAfter: new Date(Date.now() + delay), singletonKey: `${releaseId}:${publishAt.toISOString()}` },
  );
}

export interface ReleaseJobDeps {
  db: Db;
  jobs: JobQueue;
  clock: Clock;
  publish: (releaseId: string) => Promise<PublishOutcome>;
  logger?: Logger;
}

/** The job: publish if due; if it ran early, queue itself again for the remaining time. */
export function createPublishHandler(deps: ReleaseJobDeps) {
  return async (data: unknown): Promise<PublishOutcome> => {
    const { releaseId } = payload.parse(data);
    const outcome = await deps.publish(releaseId);
    if (!outcome.published && outcome.why === "early" && outcome.publishAt) {
      const at = outcome.publishAt;
      await transaction(deps.db, (tx) => queuePublication(tx, deps.jobs, deps.clock, releaseId, at));
    }
    deps.logger?.info({ releaseId, outcome }, "release publication job");
    return outcome;
  };
}

/** Publishes every scheduled release whose time has passed; returns what each attempt did. */
export async function runReleaseSweep(deps: ReleaseJobDeps) {
  const due = await dueReleases(deps.db, deps.clock());
  const outcomes: { releaseId: string; outcome: PublishOutcome }[] = [];
  for (const release of due)
    outcomes.push({ releaseId: release.id, outcome: await deps.publish(release.id) });
  if (outcomes.length > 0) deps.logger?.info({ outcomes }, "release sweep");
  return outcomes;
}

async function scheduleSweep(db: Db, jobs: JobQueue, afterSeconds: number) {
  const startAfter = new Date(Date.now() + afterSeconds * 1000);
  await transaction(db, (tx) =>
    jobs.send(tx, RELEASE_SWEEP, {}, { startAfter, singletonKey: RELEASE_SWEEP }),
  );
}

/** Starts the publication worker and the sweep: one sweep at once (catch-up after downtime), then every minute. */
export async function registerReleaseWorkers(deps: ReleaseJobDeps & { intervalSeconds?: number }) {
  const interval = deps.intervalSeconds ?? RELEASE_SWEEP_INTERVAL_SECONDS;
  await deps.jobs.work(RELEASE_PUBLISH, async (data) => {
    await createPublishHandler(deps)(data);
  });
  await deps.jobs.work(RELEASE_SWEEP, async () => {
    try {
      await runReleaseSweep(deps);
    } finally {
      await scheduleSweep(deps.db, deps.jobs, interval);
    }
  });
  // Catch-up at start: whatever came due while no server ran is published now, not a sweep interval later.
  await runReleaseSweep(deps).catch((error: unknown) =>
    deps.logger?.error({ err: error }, "release sweep at start"),
  );
  await scheduleSweep(deps.db, deps.jobs, interval);
}
