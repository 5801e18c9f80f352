// What the advisories service is built with: its neighbours, injected by the composition root.

import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../core/db.ts";
import type { AlertsService } from "../alerts/alerts.service.ts";
import type { ReportsService } from "../reports/reports.service.ts";
import type { RepositoriesService } from "../repositories/repositories.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { TeamService } from "../team/team.service.ts";

export interface AdvisoriesDeps {
  db: Db;
  clock: Clock;
  /** PUBLIC_URL: the advisories' public pages are under it. */
  publicUrl: string;
  reports: Pick<ReportsService, "teamView" | "reporterView">;
  repositories: Pick<RepositoriesService, "list" | "mirrorPath">;
  settings: Pick<SettingsService, "org">;
  team: Pick<TeamService, "byId">;
  /** Alerts the Response Manager when a reporter comments on a shared draft. */
  alerts: Pick<AlertsService, "queue">;
}
