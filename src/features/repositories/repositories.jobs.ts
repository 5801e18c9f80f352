import type { Logger } from "pino";
import { z } from "zod";
import type { JobQueue } from "../../jobs/queue.ts";
import type { RepositoriesService } from "./repositories.service.ts";
import { REPOSITORY_FETCH } from "./repositories-queue.jobs.ts";

const payload = z.object({ repositoryId: z.string() });

/** Starts the mirror fetch worker: each job fetches one repository and records the outcome on its row. */
export async function registerRepositoryFetch(deps: {
  jobs: JobQueue;
  repositories: RepositoriesService;
  logger?: Logger;
}): Promise<void> {
  await deps.jobs.work(REPOSITORY_FETCH, async (data) => {
    const { repositoryId } = payload.parse(data);
    const result = await deps.repositories.fetch(repositoryId);
    if (!result.ok) deps.logger?.warn({ repositoryId, error: result.error }, "repository fetch failed");
  });
}
