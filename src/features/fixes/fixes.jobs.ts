import type { Logger } from "pino";
import type { JobQueue } from "../../jobs/queue.ts";
import type { FixesService } from "./fixes.service.ts";
import {
  FIX_PUSHED,
  FIX_PUSHED_DELIVER,
  fixPushedDeliverySchema,
  fixPushedSchema,
} from "./fixes-queue.jobs.ts";

/** Starts the fix.pushed workers: the fan-out to the team's webhooks and each signed delivery. */
export async function registerFixWorkers(deps: {
  jobs: JobQueue;
  fixes: Pick<FixesService, "fanOutFixPushed" | "deliverFixPushed">;
  logger?: Logger;
}): Promise<void> {
  await deps.jobs.work(FIX_PUSHED, async (data) => {
    await deps.fixes.fanOutFixPushed(fixPushedSchema.parse(data));
  });
  await deps.jobs.work(FIX_PUSHED_DELIVER, async (data, job) => {
    const delivery = fixPushedDeliverySchema.parse(data);
    const { ok } = await deps.fixes.deliverFixPushed(delivery, job.id);
    if (!ok) deps.logger?.warn({ channelId: delivery.channelId }, "fix.pushed was not delivered");
  });
}
