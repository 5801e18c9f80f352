import type { Logger } from "pino";
import { NO_PRIVATE_HOSTS } from "../domain/network-trust.ts";
import { alertQueues } from "../features/alerts/alert-queue.jobs.ts";
import { registerAlertWorkers } from "../features/alerts/alerts.jobs.ts";
import { disclosureQueues, registerDisclosureSweep } from "../features/disclosure/disclosure.jobs.ts";
import { registerFixWorkers } from "../features/fixes/fixes.jobs.ts";
import { fixQueues } from "../features/fixes/fixes-queue.jobs.ts";
import { mailIntakeQueues, registerMailFetch } from "../features/mail-intake/mail-intake.jobs.ts";
import { registerMaintenance } from "../features/maintenance/maintenance.jobs.ts";
import { maintenanceQueues } from "../features/maintenance/maintenance-queue.jobs.ts";
import { createMailDeliveryHandler, MAIL_DELIVER, mailQueues } from "../features/outbox/outbox.jobs.ts";
import { prenotifyQueues, registerPrenotifyWorkers } from "../features/releases/prenotify.jobs.ts";
import { registerReleaseWorkers, releaseQueues } from "../features/releases/releases.jobs.ts";
import { registerRepositoryFetch } from "../features/repositories/repositories.jobs.ts";
import { repositoryQueues } from "../features/repositories/repositories-queue.jobs.ts";
import { registerSlaSweep, slaQueues } from "../features/sla/sla.jobs.ts";
import { registerVerificationRun } from "../features/verifications/verifications.jobs.ts";
import { verificationQueues } from "../features/verifications/verifications-queue.jobs.ts";
import type { MailTransport } from "../mail/transport.ts";
import type { Services } from "../services.ts";
import type { QueueDefinition } from "./queue.ts";

/** Every queue the application uses; each feature adds its own definitions here. */
export const ALL_QUEUES: readonly QueueDefinition[] = [
  ...mailQueues,
  ...alertQueues,
  ...slaQueues,
  ...mailIntakeQueues,
  ...maintenanceQueues,
  ...repositoryQueues,
  ...verificationQueues,
  ...fixQueues,
  ...prenotifyQueues,
  ...disclosureQueues,
  ...releaseQueues,
];

/** What only job handlers need beyond the services: the way out for mail, and the mailbox to poll. */
export interface WorkerOptions {
  logger: Logger;
  transport: MailTransport;
  /** The intake mailbox; without it no poll runs. */
  imapUrl?: string | undefined;
  imapPollSeconds?: number;
}

/**
 * Starts every job handler in this process with the services the composition root built, so a handler and a
 * request use the very same service objects. The server calls it, and tests that need real delivery do too.
 */
export async function registerWorkers(services: Services, options: WorkerOptions): Promise<void> {
  const { db, deps } = services;
  const { jobs, clock, cipher, publicUrl } = deps;
  await jobs.work(
    MAIL_DELIVER,
    createMailDeliveryHandler({
      db,
      transport: options.transport,
      clock,
      publicHost: new URL(publicUrl).hostname,
      cipher,
      keys: services.keys,
      onOutcome: (tx, source, outcome) => services.prenotify.recordDelivery(tx, source, outcome),
    }),
  );
  await registerAlertWorkers({
    db,
    jobs,
    cipher,
    clock,
    publicUrl,
    outbox: services.outbox,
    settings: services.settings,
    team: services.team,
    allowPrivateHosts: deps.alertAllowPrivateHosts ?? NO_PRIVATE_HOSTS,
  });
  await registerSlaSweep({
    db,
    jobs,
    clock,
    logger: options.logger,
    reports: services.reports,
    settings: services.settings,
    alerts: services.alerts,
  });
  await registerDisclosureSweep({ db, jobs, clock, alerts: services.alerts, logger: options.logger });
  await registerMaintenance({ db, jobs, maintenance: services.maintenance, logger: options.logger });
  await registerRepositoryFetch({ jobs, repositories: services.repositories, logger: options.logger });
  await registerVerificationRun({ jobs, verifications: services.verifications, logger: options.logger });
  await registerFixWorkers({ jobs, fixes: services.fixes, logger: options.logger });
  await registerPrenotifyWorkers({ jobs, prenotify: services.prenotify });
  await registerReleaseWorkers({
    db,
    jobs,
    clock,
    publish: (releaseId) => services.releases.publish(releaseId),
    logger: options.logger,
  });
  if (options.imapUrl) {
    await registerMailFetch({
      db,
      jobs,
      imapUrl: options.imapUrl,
      intervalSeconds: options.imapPollSeconds ?? 60,
      logger: options.logger,
      service: services.mailIntake,
    });
  }
}
