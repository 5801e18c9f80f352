import type { QueueDefinition } from "../../jobs/queue.ts";

/** Runs one package verification: fetch the tag, check ancestry, the artifact and the tag's signature. */
export const VERIFICATION_RUN = "package-verification";

export const verificationQueues: QueueDefinition[] = [
  // A retry after a crash starts the verification again from its fetch; the run itself records git and
  // download problems as its result (status error, or a failed check), so it does not throw for them.
  {
    name: VERIFICATION_RUN,
    retryLimit: 2,
    retryDelay: 30,
    retryBackoff: true,
    batchSize: 1,
    concurrency: 1,
  },
];
