import type { Logger } from "pino";
import type { Clock } from "../core/clock.ts";
import type { Db } from "../core/db.ts";
import type { DataCipher } from "../crypto/data-key.ts";
import { registerAlertWorkers } from "../features/alerts/alerts.jobs.ts";
import { alertQueues } from "../features/alerts/alerts.queue.ts";
import { createKeysService } from "../features/keys/keys.service.ts";
import { mailIntakeQueues, registerMailFetch } from "../features/mail-intake/mail-intake.jobs.ts";
import { createMailIntakeService } from "../features/mail-intake/mail-intake.service.ts";
import { createMailDeliveryHandler, MAIL_DELIVER, mailQueues } from "../features/outbox/outbox.jobs.ts";
import { createReportsService } from "../features/reports/reports.service.ts";
import { registerSlaSweep, slaQueues } from "../features/sla/sla.jobs.ts";
import type { MailTransport } from "../mail/transport.ts";
import type { JobQueue, QueueDefinition } from "./queue.ts";

/** Every queue the application uses; each feature adds its own definitions here. */
export const ALL_QUEUES: readonly QueueDefinition[] = [
  ...mailQueues,
  ...alertQueues,
  ...slaQueues,
  ...mailIntakeQueues,
];

/** What job handlers may use. Handlers run outside requests, so they get their own copies of the deps. */
export interface WorkerContext {
  db: Db;
  jobs: JobQueue;
  cipher: DataCipher;
  clock: Clock;
  logger: Logger;
  transport: MailTransport;
  publicUrl: string;
  /** The intake mailbox; without it no poll runs. */
  imapUrl?: string | undefined;
  imapPollSeconds?: number;
  mailFrom?: string | null;
}

/** Starts every job handler in this process; the server calls it, and tests that need real delivery do too. */
export async function registerWorkers(ctx: WorkerContext): Promise<void> {
  await ctx.jobs.work(
    MAIL_DELIVER,
    createMailDeliveryHandler({
      db: ctx.db,
      transport: ctx.transport,
      clock: ctx.clock,
      publicHost: new URL(ctx.publicUrl).hostname,
      cipher: ctx.cipher,
      publicUrl: ctx.publicUrl,
    }),
  );
  await registerAlertWorkers(ctx);
  await registerSlaSweep({
    db: ctx.db,
    jobs: ctx.jobs,
    clock: ctx.clock,
    logger: ctx.logger,
    reports: createReportsService(ctx),
  });
  if (ctx.imapUrl) {
    const keys = createKeysService({ ...ctx, mailFrom: ctx.mailFrom ?? null });
    await registerMailFetch({
      db: ctx.db,
      jobs: ctx.jobs,
      imapUrl: ctx.imapUrl,
      intervalSeconds: ctx.imapPollSeconds ?? 60,
      logger: ctx.logger,
      service: createMailIntakeService({
        ...ctx,
        keys,
        reports: createReportsService(ctx),
        mailFrom: ctx.mailFrom ?? null,
      }),
    });
  }
}
