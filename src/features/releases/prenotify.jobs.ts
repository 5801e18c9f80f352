import { z } from "zod";
import type { JobQueue, QueueDefinition } from "../../jobs/queue.ts";

/** Sends a release's pre-notification at its `prenotifyAt`: one encrypted mail per list member. */
export const PRENOTIFY_SEND = "release-prenotify";

export const prenotifyQueues: QueueDefinition[] = [
  // The job re-checks everything under the release's row lock and records that it ran, so a retry is harmless.
  { name: PRENOTIFY_SEND, retryLimit: 8, retryDelay: 30, retryBackoff: true, batchSize: 1, concurrency: 1 },
];

export const prenotifyPayload = z.object({
  releaseId: z.uuid(),
  /** The time this job was queued for: a job for an older time finds the release changed and does nothing. */
  prenotifyAt: z.iso.datetime(),
});
export type PrenotifyPayload = z.infer<typeof prenotifyPayload>;

/** Registers the sending job with the service that runs it. */
export async function registerPrenotifyWorkers(deps: {
  jobs: JobQueue;
  prenotify: { runDue(data: unknown): Promise<unknown> };
}) {
  await deps.jobs.work(PRENOTIFY_SEND, async (data) => {
    await deps.prenotify.runDue(data);
  });
}
