import type { Logger } from "pino";
import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import type { HostAllowList } from "../../domain/network-trust.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import type { RepositoriesService } from "../repositories/repositories.service.ts";
import type { ArchiveLimits } from "./archive.types.ts";

/** What the package verification service and its job are built with. */
export interface VerificationsDeps {
  db: Db;
  clock: Clock;
  cipher: DataCipher;
  jobs: JobQueue;
  /** EMBARGO_GIT_DIR: the mirrors, and the reports' fix repositories where unpushed fix commits live. */
  gitDir: string;
  repositories: Pick<RepositoriesService, "list" | "fetch" | "mirrorPath">;
  /** Private hosts an artifact URL may reach (the alert webhooks' allow-list). */
  allowPrivateHosts: HostAllowList;
  archiveLimits?: ArchiveLimits;
  logger?: Pick<Logger, "error">;
}
