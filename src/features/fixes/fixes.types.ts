import type { Clock } from "../../core/clock.ts";
import type { Db, Tx } from "../../core/db.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import type { AlertsService } from "../alerts/alerts.service.ts";
import type { RepositoriesService } from "../repositories/repositories.service.ts";

/** What the fixes feature is built from: the git store, and the repositories and alerts it calls. */
export interface FixesDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  /** EMBARGO_GIT_DIR: the mirrors, the fix repositories and the hooks the served repositories run. */
  gitDir: string;
  publicUrl: string;
  repositories: Pick<RepositoriesService, "list" | "mirrorPath" | "withRepositoryLock">;
  alerts: Pick<AlertsService, "integrationWebhooks" | "sendIntegrationEvent">;
  /**
   * Runs in a recorded push's transaction, after its branches moved: the reports feature (above this one, so
   * bound in services.ts once it exists) returns a fix-ready report whose verification went stale to remediation.
   */
  afterPush?: (tx: Tx, reportId: string) => Promise<unknown>;
}
