import type { QueueDefinition } from "../../jobs/queue.ts";

/** Fetches one repository's bare mirror from its upstream: at registration and when an admin asks. */
export const REPOSITORY_FETCH = "repository-fetch";

/** One waiting fetch per repository ("short" with the repository's key): asking twice does not fetch twice. */
export const repositoryFetchKey = (repositoryId: string) => `repository-fetch:${repositoryId}`;

export const repositoryQueues: QueueDefinition[] = [
  // Not retried by pg-boss: a failed fetch records its error for the admin page, and "Fetch now" tries again.
  {
    name: REPOSITORY_FETCH,
    retryLimit: 0,
    retryDelay: 0,
    retryBackoff: false,
    policy: "short",
    batchSize: 1,
    concurrency: 1,
  },
];
