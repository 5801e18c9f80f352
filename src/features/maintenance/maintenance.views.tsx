import type { CurrentUser } from "../../core/actors.ts";
import type { QuietTime } from "../../domain/maintenance-schedule.ts";
import { AdminLayout, Done } from "../../http/components/admin-layout.tsx";
import { Csrf, formatDate } from "../../http/layout.tsx";
import type { MaintenanceRun } from "./maintenance.service.ts";

export interface MaintenancePageProps {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
  engine: "pglite" | "postgres";
  quietTime: QuietTime;
  nextRun: Date;
  lastRun: MaintenanceRun | null;
  done: string | null;
}

/** "12.4 MB": sizes as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

const two = (n: number) => n.toString().padStart(2, "0");

/** /admin/maintenance: what the last database maintenance did, when the next runs, and a way to run it now. */
export function MaintenancePage(props: MaintenancePageProps) {
  const run = props.lastRun;
  const quiet = `${two(props.quietTime.hour)}:${two(props.quietTime.minute)}`;
  return (
    <AdminLayout {...props} title="Database maintenance" section="maintenance">
      <h1>Database maintenance</h1>
      <Done message={props.done} />
      <p id="schedule">
        {props.engine === "pglite"
          ? "The embedded database (PGlite) does not clean up after itself, so Embargo runs VACUUM (ANALYZE) on every table: it reclaims the space of deleted and updated rows and refreshes the statistics queries are planned with."
          : "PostgreSQL reclaims space by itself (autovacuum), so Embargo only refreshes the statistics queries are planned with (ANALYZE)."}{" "}
        It runs every night at {quiet} server local time; the next run is at {formatDate(props.nextRun)}.
        Tables are done one at a time, so requests wait at most for one table.
      </p>

      <h2 id="last-run">Last run</h2>
      {run ? (
        <dl class="facts card" id="last-run-facts">
          <dt>Started</dt>
          <dd>
            {formatDate(run.startedAt)} ({run.trigger === "admin" ? "run by an admin" : "nightly"})
          </dd>
          <dt>What ran</dt>
          <dd>
            <code>{run.operation}</code> on {run.tables} tables
            {run.failed > 0 && `, ${run.failed} failed`}
          </dd>
          <dt>Duration</dt>
          <dd>
            {run.durationMs} ms in all; the longest table took {run.longestStepMs} ms
            {run.longestStepTable && (
              <>
                {" "}
                (<code>{run.longestStepTable}</code>)
              </>
            )}
          </dd>
          <dt>Database size</dt>
          <dd>
            {formatBytes(run.sizeBeforeBytes)} before, {formatBytes(run.sizeAfterBytes)} after
          </dd>
          {run.error && (
            <>
              <dt>Error</dt>
              <dd class="field-error">{run.error}</dd>
            </>
          )}
        </dl>
      ) : (
        <p class="empty-state card">No maintenance has run yet.</p>
      )}

      <form method="post" action="/admin/maintenance/run" class="stack-tight">
        <Csrf token={props.csrfToken} />
        <button type="submit" class="secondary">
          Run now
        </button>
      </form>
    </AdminLayout>
  );
}
