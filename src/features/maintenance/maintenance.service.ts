import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { CurrentUser } from "../../core/actors.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, transaction } from "../../core/db.ts";
import { DEFAULT_QUIET_TIME, nextQuietRun, type QuietTime } from "../../domain/maintenance-schedule.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import {
  databaseSize,
  type MaintenanceOperation,
  maintainedTables,
  maintainTable,
} from "./maintenance.repo.ts";
import { DB_MAINTENANCE, RUN_NOW_KEY } from "./maintenance-queue.jobs.ts";

/** Where the last run is kept, in settings. */
const LAST_RUN_KEY = "maintenance.last_run";

/** What one maintenance run did; the admin page shows the last one. */
export interface MaintenanceRun {
  startedAt: string;
  trigger: "schedule" | "admin";
  engine: "pglite" | "postgres";
  operation: MaintenanceOperation;
  tables: number;
  /** Tables whose step failed; `error` holds the first failure. */
  failed: number;
  durationMs: number;
  /** The longest single step: on PGlite, the longest any request had to wait for the maintenance. */
  longestStepMs: number;
  longestStepTable: string | null;
  sizeBeforeBytes: number;
  sizeAfterBytes: number;
  error: string | null;
}

export interface MaintenanceDeps {
  db: Db;
  jobs: JobQueue;
  clock: Clock;
  settings: SettingsService;
  engine: "pglite" | "postgres";
  logger: Logger;
  quietTime?: QuietTime;
}

/**
 * Database upkeep. PGlite has no autovacuum, so the nightly run there is VACUUM (ANALYZE): dead rows left by
 * updates and by pg-boss's job churn are reclaimed, and the planner's statistics refreshed. PostgreSQL vacuums
 * by itself, so there the run only refreshes statistics (ANALYZE). Tables are done one at a time: PGlite has one
 * connection, and requests wait only for the table in hand, never for the whole run.
 */
export function createMaintenanceService(deps: MaintenanceDeps) {
  const { db, clock, settings } = deps;
  const operation: MaintenanceOperation = deps.engine === "pglite" ? "VACUUM (ANALYZE)" : "ANALYZE";
  const quietTime = deps.quietTime ?? DEFAULT_QUIET_TIME;

  return {
    quietTime,
    /** The next scheduled run after `now`. */
    nextScheduled: (now: Date = new Date()): Date => nextQuietRun(now, quietTime),

    /** Runs the maintenance now, records it in settings and logs it. A failing table does not stop the others. */
    async run(trigger: MaintenanceRun["trigger"]): Promise<MaintenanceRun> {
      const startedAt = clock();
      const began = performance.now();
      const sizeBeforeBytes = await databaseSize(db);
      const tables = await maintainedTables(db);
      let longestStepMs = 0;
      let longestStepTable: string | null = null;
      let failed = 0;
      let error: string | null = null;
      for (const table of tables) {
        const stepBegan = performance.now();
        try {
          await maintainTable(db, operation, table);
        } catch (cause) {
          failed += 1;
          error ??= `${table}: ${cause instanceof Error ? cause.message : String(cause)}`.slice(0, 500);
        }
        const stepMs = performance.now() - stepBegan;
        if (stepMs > longestStepMs) [longestStepMs, longestStepTable] = [stepMs, table];
      }
      const run: MaintenanceRun = {
        startedAt: startedAt.toISOString(),
        trigger,
        engine: deps.engine,
        operation,
        tables: tables.length,
        failed,
        durationMs: Math.round(performance.now() - began),
        longestStepMs: Math.round(longestStepMs),
        longestStepTable,
        sizeBeforeBytes,
        sizeAfterBytes: await databaseSize(db),
        error,
      };
      await transaction(db, (tx) => settings.writeKey(tx, LAST_RUN_KEY, run, clock()));
      if (error) deps.logger.warn(run, "database maintenance finished with errors");
      else deps.logger.info(run, "database maintenance");
      return run;
    },

    async lastRun(): Promise<MaintenanceRun | null> {
      return ((await settings.readKey(db, LAST_RUN_KEY)) as MaintenanceRun | undefined) ?? null;
    },

    /** An admin's "Run now": queues a run (at most one waits) and records who asked. */
    async requestRun(actor: CurrentUser): Promise<void> {
      await transaction(db, async (tx) => {
        const now = clock();
        await deps.jobs.send(tx, DB_MAINTENANCE, { trigger: "admin" }, { singletonKey: RUN_NOW_KEY });
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId: actor.id,
            action: "maintenance.requested",
            reportId: null,
            data: { operation },
          },
          now,
        );
      });
    },
  };
}

export type MaintenanceService = ReturnType<typeof createMaintenanceService>;
