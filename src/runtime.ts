import path from "node:path";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import { createDataCipher, loadDataKeys } from "./crypto/data-key.ts";
import { type Database, openPglite, openPostgres } from "./db/client.ts";
import { privateDirectories, secureDataDir } from "./db/data-dir.ts";
import { lockDataDir } from "./db/lock.ts";
import { runMigrations } from "./db/migrate.ts";
import { MAIL_DELIVER_CONCURRENCY } from "./features/outbox/outbox.jobs.ts";
import { startSearchBackfill } from "./features/search/search-index.service.ts";
import { startJobQueue } from "./jobs/queue.ts";
import { ALL_QUEUES, registerWorkers } from "./jobs/workers.ts";
import { createMailTransport, type MailTransport } from "./mail/transport.ts";
import { createServices, type Services } from "./services.ts";

/** A URL safe to show: the password is gone. */
function withoutPassword(url: string): string {
  const u = new URL(url);
  u.password = "";
  return u.toString();
}

export interface Runtime {
  services: Services;
  database: Database;
  /** Where the data key came from, and its file: `serve` tells the operator to back it up. */
  dataKey: { source: "env" | "file" | "new-file"; file?: string };
  /** Starts the job handlers and the search backfill (once); openRuntime does it unless told to defer. */
  startWorkers(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the database the configuration names, taking the data-dir lock first when it is PGlite. */
export async function openDatabase(config: Config): Promise<{ database: Database; release: () => void }> {
  if (config.DATABASE_URL)
    return { database: await openPostgres(config.DATABASE_URL), release: () => undefined };
  const release = lockDataDir(config.EMBARGO_DATA_DIR);
  try {
    return { database: await openPglite(path.join(config.EMBARGO_DATA_DIR, "pgdata")), release };
  } catch (error) {
    release();
    throw error;
  }
}

/** config -> database -> migrations -> jobs -> services; with `worker`, this process also runs the job handlers. */
export async function openRuntime(
  config: Config,
  logger: Logger,
  /**
   * worker: this process seeds the templates, makes the intake key and runs the job handlers. deferWorkers: the
   * caller starts the handlers with startWorkers(), so `serve` answers requests while they register.
   * reportsDataKey: the caller reports a new key file itself (serve's start-up output), so it is not logged here.
   */
  options: { worker: boolean; deferWorkers?: boolean; reportsDataKey?: boolean },
): Promise<Runtime> {
  // Before PGlite or the key file writes anything: private umask, private dir.
  const dir = secureDataDir(config.EMBARGO_DATA_DIR);
  if (dir.repair === "fix")
    logger.warn(
      { dataDir: config.EMBARGO_DATA_DIR, was: dir.mode.toString(8) },
      "the data directory was readable by other users; its mode is now 0700",
    );
  if (dir.repair === "warn")
    logger.warn(
      { dataDir: config.EMBARGO_DATA_DIR, mode: dir.mode.toString(8) },
      "the data directory is readable by other users and belongs to another user: make it 0700",
    );
  const { database, release } = await openDatabase(config);
  try {
    await runMigrations(database);
    if (database.kind === "pglite") privateDirectories(config.EMBARGO_DATA_DIR);
    const { key, previous, source, file, rotating } = loadDataKeys(
      { secret: config.EMBARGO_SECRET_KEY, newSecret: config.EMBARGO_NEW_SECRET_KEY },
      config.EMBARGO_DATA_DIR,
    );
    if (source === "new-file" && !options.reportsDataKey)
      logger.warn({ file }, "created a new data key file; back it up, or move it to EMBARGO_SECRET_KEY");
    if (rotating)
      logger.warn("a data key rotation is unfinished: run `embargo keys rotate-data-key` again to finish it");
    const cipher = createDataCipher(key, previous);
    // LISTEN/NOTIFY starts a committed job at once; polling is only the fallback for delayed jobs and retries.
    const jobs = await startJobQueue(database.executor, ALL_QUEUES, logger, {
      pollingIntervalSeconds: 2,
      notifications: database,
    });
    const clock = () => new Date();
    const services = createServices({
      database,
      cipher,
      jobs,
      clock,
      logger,
      publicUrl: config.publicUrl,
      smtpConfigured: Boolean(config.SMTP_URL),
      mailFrom: config.MAIL_FROM ?? null,
      imapMailbox: config.IMAP_URL ? withoutPassword(config.IMAP_URL) : null,
      trustProxy: config.TRUST_PROXY,
      alertAllowPrivateHosts: config.ALERT_ALLOW_PRIVATE_HOSTS,
      gitDir: config.gitDir,
    });
    let backfill: Promise<unknown> = Promise.resolve();
    let transport: MailTransport;
    let workers: Promise<void> | undefined;
    /** Starts the search backfill and every job handler in this process, once. */
    const startWorkers = () => {
      workers ??= (async () => {
        // Rows written before search existed get their keyed index in the background, in batches.
        backfill = startSearchBackfill(database.db, cipher, logger);
        transport = createMailTransport(
          config.SMTP_URL,
          config.MAIL_FROM ?? `security@${new URL(config.publicUrl).hostname}`,
          { connections: MAIL_DELIVER_CONCURRENCY },
        );
        // Jobs a killed process left active would otherwise wait for their expiry before anyone retried them.
        await database.joinWorkers(async () => {
          const reclaimed = await jobs.reclaimAbandoned();
          if (reclaimed.length > 0)
            logger.warn({ jobs: reclaimed }, "handed back jobs a stopped process left unfinished");
        });
        await registerWorkers(services, {
          logger,
          transport,
          imapUrl: config.IMAP_URL,
          imapPollSeconds: config.IMAP_POLL_SECONDS,
        });
      })();
      return workers;
    };
    if (options.worker) {
      // A fresh install gets its default canned responses once, at the first serve (not from read-only commands
      // like audit verify); the settings table remembers it was done.
      await services.templates.seedDefaults();
      // The intake key pair is made on the first serve; concurrent starts keep exactly one.
      await services.keys.ensureIntakeKey();
      if (!options.deferWorkers) await startWorkers();
    }
    return {
      services,
      database,
      dataKey: file ? { source, file } : { source },
      startWorkers,
      async close() {
        await workers?.catch(() => undefined);
        await backfill;
        await jobs.stop().catch(() => undefined);
        transport?.close?.();
        await database.close().catch(() => undefined);
        release();
      },
    };
  } catch (error) {
    await database.close().catch(() => undefined);
    release();
    throw error;
  }
}
