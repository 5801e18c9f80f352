import type { Logger } from "pino";
import { z } from "zod";
import { type Db, transaction } from "../../core/db.ts";
import { missedQuietTime } from "../../domain/maintenance-schedule.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import type { MaintenanceService } from "./maintenance.service.ts";
import { DB_MAINTENANCE, NIGHTLY_KEY } from "./maintenance-queue.jobs.ts";

const payload = z.object({
  trigger: z.enum(["schedule", "admin"]),
  /** When a scheduled run was meant to start. */
  due: z.iso.datetime().optional(),
});

export interface MaintenanceJobDeps {
  db: Db;
  jobs: JobQueue;
  maintenance: MaintenanceService;
  logger: Logger;
}

/**
 * Queues the next nightly run at the first quiet hour after `after`; "short" keeps one waiting, so repeated calls
 * are no-ops.
 */
export async function scheduleMaintenance(
  deps: Pick<MaintenanceJobDeps, "db" | "jobs" | "maintenance">,
  after: Date = new Date(),
) {
  const due = deps.maintenance.nextScheduled(after);
  await transaction(deps.db, (tx) =>
    deps.jobs.send(
      tx,
      DB_MAINTENANCE,
      { trigger: "schedule", due: due.toISOString() },
      { startAfter: due, singletonKey: NIGHTLY_KEY },
    ),
  );
}

/**
 * The job: one maintenance run. A nightly run that comes more than an hour late (the server was down at the
 * quiet hour) is skipped rather than run in the middle of the day; either way the next night is queued.
 */
export function createMaintenanceHandler(deps: MaintenanceJobDeps) {
  return async (data: unknown) => {
    const job = payload.parse(data);
    try {
      if (job.trigger === "schedule" && job.due && missedQuietTime(new Date(job.due), new Date())) {
        deps.logger.info({ due: job.due }, "database maintenance skipped: the quiet hour has passed");
        return;
      }
      await deps.maintenance.run(job.trigger);
    } finally {
      // Past this run's own quiet time even if the database's clock started it a moment early.
      const after = new Date(Math.max(Date.now(), job.due ? new Date(job.due).getTime() + 60_000 : 0));
      if (job.trigger === "schedule") await scheduleMaintenance(deps, after);
    }
  };
}

/** Starts the maintenance worker and makes sure a nightly run is queued. */
export async function registerMaintenance(deps: MaintenanceJobDeps): Promise<void> {
  await deps.jobs.work(DB_MAINTENANCE, createMaintenanceHandler(deps));
  await scheduleMaintenance(deps);
}
