import type { AlertsService } from "../alerts/alerts.service.ts";
import type { AssignmentService } from "../assignment/assignment.service.ts";
import type { CreditsForReports } from "../credits/credits.types.ts";
import type { FixesService } from "../fixes/fixes.service.ts";
import type { KeysService } from "../keys/keys.service.ts";
import type { OutboxService } from "../outbox/outbox.service.ts";
import type { AssetsService } from "../policy/assets.service.ts";
import type { SearchService } from "../search/search.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { TeamService } from "../team/team.service.ts";
import type { TemplatesService } from "../templates/templates.service.ts";
import type { VerificationsService } from "../verifications/verifications.service.ts";

/**
 * The other features the reports feature calls, as the services the composition root built: reports never
 * imports their code, only their types, so a feature below it can change inside without reports knowing.
 */
export interface ReportsCollaborators {
  alerts: Pick<AlertsService, "queue">;
  assignment: Pick<AssignmentService, "assignAutomatically" | "reportsWaitingForSomeone">;
  assets: Pick<AssetsService, "list">;
  fixes: Pick<FixesService, "existingCloneUrl" | "createRepository">;
  keys: Pick<KeysService, "memberKeyProblemIn" | "reporterKey">;
  outbox: Pick<OutboxService, "queue" | "mailSince" | "cancel">;
  search: Pick<
    SearchService,
    | "firstReporter"
    | "indexValue"
    | "newReportText"
    | "parseSearch"
    | "rankIntakeDuplicates"
    | "recordIntakeSuggestions"
    | "searchesInternalNotes"
    | "snippets"
    | "textFilterAlternatives"
  >;
  settings: Pick<SettingsService, "org" | "sla" | "intake">;
  team: Pick<TeamService, "byEmail" | "byId" | "recordAssignment">;
  templates: Pick<TemplatesService, "chooseAcknowledgement">;
  /** The release guard asks for a passed package verification covering the report. */
  verifications: Pick<VerificationsService, "passedCovering">;
  /** The reporter's credit: the intake's choice is its first version; final feedback states it. */
  credits?: CreditsForReports;
}
