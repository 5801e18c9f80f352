import { queueTeamAlert } from "../alerts/alerts.queue.ts";
import { reportsWaitingForSomeone } from "../assignment/assignment.repo.ts";
import { assignAutomatically } from "../assignment/assignment.service.ts";
import { waitingForSomeone } from "../assignment/waiting.ts";
import { appendAuditEvent, listReportEvents } from "../audit/audit.repo.ts";
import { readReporterKey } from "../keys/keys.repo.ts";
import { memberKeyProblem } from "../keys/keys.service.ts";
import { queueMail } from "../outbox/outbox.jobs.ts";
import { listAssets } from "../policy/assets.repo.ts";
import { firstReporter, recordIntakeSuggestions } from "../search/duplicates.ts";
import {
  parseSearch,
  searchesInternalNotes,
  searchSnippets,
  textFilterCondition,
} from "../search/search.service.ts";
import { indexMessage, indexReport } from "../search/search-index.ts";
import { loadIntakeSettings } from "../settings/intake-settings.ts";
import { loadOrgSettings, loadSlaPolicy } from "../settings/settings.service.ts";
import { findUserByEmail, findUserById, updateUser } from "../team/team.repo.ts";
import { chooseAcknowledgement } from "../templates/templates.service.ts";

/**
 * Everything the reports feature asks of other features, in one place and grouped by feature: the functions they
 * export today, called exactly as before. The reports service reaches them only through this object (its
 * context's `features`), so replacing them with injected services later is one change here.
 */
export const collaborators = {
  alerts: { queueTeamAlert },
  assignment: { assignAutomatically, reportsWaitingForSomeone, waitingForSomeone },
  audit: { appendAuditEvent, listReportEvents },
  keys: { memberKeyProblem, readReporterKey },
  outbox: { queueMail },
  assets: { listAssets },
  search: {
    firstReporter,
    indexMessage,
    indexReport,
    parseSearch,
    recordIntakeSuggestions,
    searchesInternalNotes,
    searchSnippets,
    textFilterCondition,
  },
  settings: { loadIntakeSettings, loadOrgSettings, loadSlaPolicy },
  team: { findUserByEmail, findUserById, updateUser },
  templates: { chooseAcknowledgement },
};

export type Collaborators = typeof collaborators;
