import type { Logger } from "pino";
import type { Clock } from "./core/clock.ts";
import type { DataCipher } from "./crypto/data-key.ts";
import type { Database } from "./db/client.ts";
import { type HostAllowList, NO_PRIVATE_HOSTS, type TrustProxy } from "./domain/network-trust.ts";
import { createAdvisoriesService } from "./features/advisories/advisories.service.ts";
import { createPublishedAdvisoriesService } from "./features/advisories/published.service.ts";
import { advisoryUrl } from "./features/advisories/record.ts";
import { createAlertsService } from "./features/alerts/alerts.service.ts";
import { createAssignmentService } from "./features/assignment/assignment.service.ts";
import { createAuditService } from "./features/audit/audit.service.ts";
import { createAuthService } from "./features/auth/auth.service.ts";
import { createBountiesService } from "./features/bounties/bounties.service.ts";
import { type CreditsDeps, createCreditsService } from "./features/credits/credits.service.ts";
import { createMyReportsService } from "./features/credits/my-reports.service.ts";
import { createDataKeyService } from "./features/data-key/data-key.service.ts";
import { createDisclosureService } from "./features/disclosure/disclosure.service.ts";
import { createFixesService } from "./features/fixes/fixes.service.ts";
import type { FixesDeps } from "./features/fixes/fixes.types.ts";
import { createKeysService } from "./features/keys/keys.service.ts";
import { inspectArmoredKey } from "./features/keys/pgp.adapter.ts";
import { createMailIntakeService } from "./features/mail-intake/mail-intake.service.ts";
import { createMaintenanceService } from "./features/maintenance/maintenance.service.ts";
import { createNotificationsService } from "./features/notifications/notifications.service.ts";
import { createOutboxService } from "./features/outbox/outbox.service.ts";
import { createAssetsService } from "./features/policy/assets.service.ts";
import { createPrenotifyService } from "./features/releases/prenotify.service.ts";
import { createReleasesService, type ReleasesDeps } from "./features/releases/releases.service.ts";
import { createReportsService } from "./features/reports/reports.service.ts";
import { createRepositoriesService } from "./features/repositories/repositories.service.ts";
import { createSearchService } from "./features/search/search.service.ts";
import { createSettingsService } from "./features/settings/settings.service.ts";
import { createInvitesService } from "./features/team/invites.service.ts";
import { createTeamService } from "./features/team/team.service.ts";
import { createTemplatesService } from "./features/templates/templates.service.ts";
import { createVerificationsService } from "./features/verifications/verifications.service.ts";
import type { JobQueue } from "./jobs/queue.ts";

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
  /** Which reverse proxies may name the client in X-Forwarded-For (TRUST_PROXY). */
  trustProxy?: TrustProxy;
  /** Private hosts and ranges alert channels may reach (ALERT_ALLOW_PRIVATE_HOSTS); unset: public hosts only. */
  alertAllowPrivateHosts?: HostAllowList;
  /** Where the git store lives (EMBARGO_GIT_DIR): the bare mirrors and the reports' fix repositories. */
  gitDir: string;
}

/**
 * The one composition root: builds every service once, lower features first, and hands each the services it
 * uses. Pages, the API, job handlers and the CLI all reach features through the object this returns.
 */
export function createServices(deps: ServiceDeps) {
  const { database, clock, cipher, jobs, publicUrl } = deps;
  const db = database.db;
  const mailFrom = deps.mailFrom ?? null;
  const settings = createSettingsService({ db, clock });
  const team = createTeamService({ db, clock });
  const audit = createAuditService({ db });
  const keys = createKeysService({ db, clock, cipher, publicUrl, mailFrom, settings, team });
  const outbox = createOutboxService({ db, jobs, clock, cipher, smtpConfigured: () => deps.smtpConfigured });
  const alerts = createAlertsService({
    db,
    clock,
    cipher,
    jobs,
    allowPrivateHosts: deps.alertAllowPrivateHosts ?? NO_PRIVATE_HOSTS,
  });
  const invites = createInvitesService({ db, clock, publicUrl, settings, team, outbox });
  const repositories = createRepositoriesService({
    db,
    clock,
    cipher,
    jobs,
    gitDir: deps.gitDir,
    withLock: (key, fn) => database.withLock(key, fn),
    inspectKey: inspectArmoredKey,
  });
  const assets = createAssetsService({ db, clock, repositories });
  const verifications = createVerificationsService({
    db,
    clock,
    cipher,
    jobs,
    gitDir: deps.gitDir,
    repositories,
    allowPrivateHosts: deps.alertAllowPrivateHosts ?? NO_PRIVATE_HOSTS,
    logger: deps.logger,
  });
  const search = createSearchService({ db, cipher });
  const templates = createTemplatesService({ db, clock, publicUrl, settings, team });
  const assignment = createAssignmentService({ db, clock, settings, team, alerts });
  const fixesDeps: FixesDeps = { db, clock, jobs, gitDir: deps.gitDir, publicUrl, repositories, alerts };
  const fixes = createFixesService(fixesDeps);
  // Credit as the reporter chooses it; the release, advisory and bounty facts of final feedback are wired here.
  const creditsDeps: CreditsDeps = { db, clock, publicUrl };
  const credits = createCreditsService(creditsDeps);
  const reports = createReportsService({
    db,
    clock,
    cipher,
    publicUrl,
    gitDir: deps.gitDir,
    features: {
      alerts,
      assignment,
      assets,
      fixes,
      keys,
      outbox,
      search,
      settings,
      team,
      templates,
      verifications,
      credits,
    },
  });
  fixesDeps.afterPush = (tx, reportId) => reports.reassessFixReadyInTx(tx, reportId);
  const advisories = createAdvisoriesService({
    db,
    clock,
    publicUrl,
    reports,
    repositories,
    settings,
    team,
    alerts,
  });
  const mailIntake = createMailIntakeService({
    db,
    clock,
    cipher,
    jobs,
    publicUrl,
    keys,
    reports,
    settings,
    mailFrom,
  });
  const notifications = createNotificationsService({ db, clock, keys });
  // The pre-notification sender, with the approved advisory text for full lists; the release service calls it.
  const prenotify = createPrenotifyService({ db, clock, jobs, publicUrl, outbox, alerts, advisories });
  // Releases: advisories and the pre-notification sender through their contracts (tests may swap them here).
  const releasesDeps: ReleasesDeps = {
    db,
    clock,
    jobs,
    publicUrl,
    settings,
    team,
    reports,
    verifications,
    notifications,
    alerts,
    advisories,
    prenotify,
  };
  const releases = createReleasesService(releasesDeps);
  const bounties = createBountiesService({ db, clock, cipher, publicUrl, outbox, alerts, reports });
  // Final feedback names the release, the public advisory and the bounty, read in the closing transaction.
  creditsDeps.finalFeedback = {
    releaseOf: (d, reportId) => releases.releaseOf(d, reportId),
    advisoryUrlOf: async (d, reportId) => {
      const published = (await advisories.forReports(d, [reportId])).find((a) => a.state === "published");
      return published ? advisoryUrl(publicUrl, published.publicId) : null;
    },
    bountyStateOf: (d, reportId) => bounties.bountyStateOf(d, reportId),
  };
  return {
    deps,
    db,
    settings,
    team,
    invites,
    auth: createAuthService({ db, clock, team, invites, keys, settings }),
    audit,
    keys,
    outbox,
    alerts,
    assets,
    repositories,
    fixes,
    prenotify,
    notifications,
    releases,
    releasesDeps,
    verifications,
    search,
    templates,
    assignment,
    reports,
    advisories,
    mailIntake,
    credits,
    myReports: createMyReportsService({ db, clock, publicUrl, outbox, settings }),
    disclosure: createDisclosureService({ db, clock, cipher, publicUrl, outbox, alerts, reports }),
    bounties,
    dataKey: createDataKeyService({ db, search }),
    publishedAdvisories: createPublishedAdvisoriesService({
      db,
      clock,
      publicUrl: () => deps.publicUrl,
      settings,
      keys,
    }),
    maintenance: createMaintenanceService({
      db,
      jobs,
      clock,
      settings,
      engine: database.kind,
      logger: deps.logger,
    }),
  };
}

export type Services = ReturnType<typeof createServices>;
