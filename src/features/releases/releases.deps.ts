import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../core/db.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import type { AdvisoriesForReleases } from "../advisories/advisories.types.ts";
import type { AlertsService } from "../alerts/alerts.service.ts";
import type { NotificationsService } from "../notifications/notifications.service.ts";
import type { ReportsService } from "../reports/reports.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { TeamService } from "../team/team.service.ts";
import type { VerificationsService } from "../verifications/verifications.service.ts";
import type { PrenotifyHooks } from "./releases.types.ts";

/** What the releases feature is built with: the features below it, as service objects. */
export interface ReleasesDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  /** The public base URL; an advisory's link is `<publicUrl>/advisories/<publicId>`. */
  publicUrl: string;
  settings: Pick<SettingsService, "org">;
  team: Pick<TeamService, "byId">;
  reports: Pick<ReportsService, "actInTx" | "messageReporterInTx">;
  verifications: Pick<VerificationsService, "passedCovering">;
  notifications: Pick<NotificationsService, "lists">;
  alerts: Pick<AlertsService, "queue">;
  advisories: AdvisoriesForReleases;
  /** The pre-notification sender; without it nothing is pre-notified (the hooks do nothing). */
  prenotify?: PrenotifyHooks;
}

/** Hooks that do nothing, until the pre-notification sender is wired. */
export const NO_PRENOTIFY: PrenotifyHooks = {
  scheduleInTx: async () => undefined,
  updateInTx: async () => undefined,
};

/** Advisories that cover nothing, until the advisories service is wired: the checklist then says none is attached. */
export const NO_ADVISORIES: AdvisoriesForReleases = {
  forReports: async () => [],
  approvedText: async () => [],
  publishInTx: async () => [],
};

/** The prenotifyHours setting as a number (the settings keep it as text, like every organisation setting). */
export async function prenotifyHoursSetting(deps: Pick<ReleasesDeps, "settings">, db: Db): Promise<number> {
  const org = (await deps.settings.org(db)) as { prenotifyHours?: string };
  const hours = Number(org.prenotifyHours ?? "24");
  return Number.isInteger(hours) ? hours : 24;
}
