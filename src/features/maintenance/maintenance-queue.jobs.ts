import type { QueueDefinition } from "../../jobs/queue.ts";

/** Database upkeep: nightly at the quiet hour, or when an admin asks. */
export const DB_MAINTENANCE = "db-maintenance";
/** The waiting nightly run: one at a time ("short"), so restarts never pile them up. */
export const NIGHTLY_KEY = "db-maintenance:nightly";
/** A run an admin asked for; its own key, so it never replaces (or is swallowed by) the nightly one. */
export const RUN_NOW_KEY = "db-maintenance:now";

export const maintenanceQueues: QueueDefinition[] = [
  // Not retried: a failed run is logged and recorded, and the next night comes anyway.
  {
    name: DB_MAINTENANCE,
    retryLimit: 0,
    retryDelay: 0,
    retryBackoff: false,
    policy: "short",
    batchSize: 1,
    concurrency: 1,
  },
];
