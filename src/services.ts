import type { Logger } from "pino";
import type { DataCipher } from "./crypto/data-key.ts";
import type { Database } from "./db/client.ts";
import { createAlertsService } from "./features/alerts/alerts.service.ts";
import { createAssignmentService } from "./features/assignment/assignment.service.ts";
import { createAuditService } from "./features/audit/audit.service.ts";
import { createAuthService } from "./features/auth/auth.service.ts";
import { createKeysService } from "./features/keys/keys.service.ts";
import { createMailIntakeService } from "./features/mail-intake/mail-intake.service.ts";
import { listOutbox } from "./features/outbox/outbox.repo.ts";
import { createAssetsService } from "./features/policy/assets.service.ts";
import { createReportsService } from "./features/reports/reports.service.ts";
import { createSearchService } from "./features/search/search.service.ts";
import { createSettingsService } from "./features/settings/settings.service.ts";
import { createTeamService } from "./features/team/team.service.ts";
import { createTemplatesService } from "./features/templates/templates.service.ts";
import type { JobQueue } from "./jobs/queue.ts";

/** The time source; tests pass a movable one. */
export type Clock = () => Date;

export interface ServiceDeps {
  database: Database;
  cipher: DataCipher;
  jobs: JobQueue;
  clock: Clock;
  logger: Logger;
  publicUrl: string;
  /** Whether mail leaves through SMTP; without it admins read the outbox. */
  smtpConfigured: boolean;
  /** The From address of outgoing mail (MAIL_FROM); null means security@ the public host. */
  mailFrom?: string | null;
  /** IMAP_URL without its password, for the admin page; null when no mailbox is polled. */
  imapMailbox?: string | null;
  /** Behind a reverse proxy: the client IP is the first X-Forwarded-For entry. */
  trustProxy?: boolean;
}

/** Builds every service from its dependencies; one small call per feature. */
export function createServices(deps: ServiceDeps) {
  const { database, clock } = deps;
  const db = database.db;
  const team = createTeamService({ db, clock });
  const keys = createKeysService({
    db,
    clock,
    cipher: deps.cipher,
    publicUrl: deps.publicUrl,
    mailFrom: deps.mailFrom ?? null,
  });
  const reports = createReportsService({
    db,
    clock,
    cipher: deps.cipher,
    jobs: deps.jobs,
    publicUrl: deps.publicUrl,
  });
  return {
    deps,
    db,
    team,
    auth: createAuthService({ db, clock, team }),
    settings: createSettingsService({ db, clock }),
    assets: createAssetsService({ db, clock }),
    audit: createAuditService({ db }),
    reports,
    outbox: { list: () => listOutbox(db) },
    search: createSearchService({ db, cipher: deps.cipher }),
    assignment: createAssignmentService({ db, clock }),
    templates: createTemplatesService({ db, clock, publicUrl: deps.publicUrl }),
    keys,
    mailIntake: createMailIntakeService({
      db,
      clock,
      cipher: deps.cipher,
      jobs: deps.jobs,
      publicUrl: deps.publicUrl,
      keys,
      reports,
      mailFrom: deps.mailFrom ?? null,
    }),
    alerts: createAlertsService({ db, clock, cipher: deps.cipher, jobs: deps.jobs }),
  };
}

export type Services = ReturnType<typeof createServices>;
