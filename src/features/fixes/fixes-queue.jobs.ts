import { z } from "zod";
import type { QueueDefinition } from "../../jobs/queue.ts";

/** A fix branch moved: fans out to the team's generic webhooks, one delivery job each. */
export const FIX_PUSHED = "fix-pushed";
/** One fix.pushed event to one webhook, with a fresh CI read token; retried with backoff. */
export const FIX_PUSHED_DELIVER = "fix-pushed-deliver";

export const fixPushedSchema = z.object({
  reportId: z.uuid(),
  ref: z.string().startsWith("refs/heads/fix/").max(300),
  sha: z.string().regex(/^[0-9a-f]{40}$/),
});
export type FixPushed = z.infer<typeof fixPushedSchema>;

export const fixPushedDeliverySchema = fixPushedSchema.extend({ channelId: z.uuid() });
export type FixPushedDelivery = z.infer<typeof fixPushedDeliverySchema>;

export const fixQueues: QueueDefinition[] = [
  { name: FIX_PUSHED, retryLimit: 5, retryDelay: 30, retryBackoff: true, batchSize: 5, concurrency: 2 },
  {
    name: FIX_PUSHED_DELIVER,
    retryLimit: 6,
    retryDelay: 30,
    retryBackoff: true,
    batchSize: 5,
    concurrency: 2,
  },
];
