/**
 * `npm run bench` (second part): how fast the job queue drains and how soon mail leaves an idle server, on PGlite
 * and PostgreSQL. Numbers are printed, never asserted. Targets: ≥ 200 jobs/s drained, and the acknowledgement of
 * a report submitted into an idle server handed to SMTP within 1 s (median).
 *
 * Drain: 2,000 outbox mails queued with no worker running, then the real workers start and deliver them to a
 * loopback SMTP server; the time is from the workers' start to the last mail received.
 * Acknowledgement: a real runtime (worker on, runtime polling) behind a real HTTP server on loopback; reports are
 * posted to the JSON intake after idle pauses, and the time is from the 201 to the receipt mail's arrival.
 * Maintenance: the nightly database maintenance over 10,000 updated rows, and the longest a small read made
 * meanwhile has to wait (on PGlite's single connection it queues behind the table in hand).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { serve } from "@hono/node-server";
import { sql } from "drizzle-orm";
import pg from "pg";
import pino from "pino";
import { loadConfig } from "../../src/config.ts";
import { transaction } from "../../src/core/db.ts";
import type { MaintenanceRun } from "../../src/features/maintenance/maintenance.service.ts";
import { MAIL_DELIVER_CONCURRENCY } from "../../src/features/outbox/outbox.jobs.ts";
import { createApp } from "../../src/http/app.tsx";
import { registerWorkers } from "../../src/jobs/workers.ts";
import { createMailTransport, type MailTransport } from "../../src/mail/transport.ts";
import { openRuntime } from "../../src/runtime.ts";
import { reportFields } from "../helpers/actors.ts";
import { createTestDb, DB_KINDS, type DbKind, postgresAdminUrl, type TestDb } from "../helpers/db.ts";
import { startSmtp } from "../helpers/smtp.ts";

const DRAIN_JOBS = Number(process.env.BENCH_DRAIN_JOBS ?? 2000);
const MAINTENANCE_ROWS = Number(process.env.BENCH_MAINTENANCE_ROWS ?? 10_000);
const ACK_SAMPLES = Number(process.env.BENCH_ACK_SAMPLES ?? 7); // the intake allows 10 reports per hour per address
const silent = pino({ level: "silent" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Resolves with the arrival time once the SMTP server holds `count` messages (checked every millisecond). */
async function arrivals(mails: readonly string[], count: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (mails.length < count) {
    if (performance.now() > deadline) throw new Error(`only ${mails.length} of ${count} mails arrived`);
    await sleep(1);
  }
  return performance.now();
}

async function drain(kind: DbKind): Promise<void> {
  const t = await createTestDb(kind);
  const smtp = await startSmtp();
  let transport: MailTransport;
  try {
    const batch = 100;
    const queuing = performance.now();
    for (let start = 0; start < DRAIN_JOBS; start += batch) {
      await transaction(t.database.db, async (tx) => {
        for (let i = start; i < Math.min(start + batch, DRAIN_JOBS); i++)
          await t.services.outbox.queue(tx, {
            reportId: null,
            to: `reader${i}@example.net`,
            subject: `Benchmark mail ${i}`,
            body: `Mail number ${i} of the drain benchmark.`,
          });
      });
    }
    const queued = performance.now();
    console.log(
      `  ${"queue mail (outbox row + job, 100 a transaction)".padEnd(44)} ${DRAIN_JOBS.toString().padStart(5)} in ${((queued - queuing) / 1000).toFixed(2)} s`,
    );
    // The transport the server uses: pooled connections, as many as mail jobs run at once.
    transport = createMailTransport(`smtp://127.0.0.1:${smtp.port}`, "security@embargo.test", {
      connections: MAIL_DELIVER_CONCURRENCY,
    });
    const began = performance.now();
    const cpu = process.cpuUsage();
    await registerWorkers(t.services, { logger: silent, transport });
    const ended = await arrivals(smtp.mails, DRAIN_JOBS, 600_000);
    const seconds = (ended - began) / 1000;
    const used = process.cpuUsage(cpu);
    // CPU time of this process (the SMTP server included, a PostgreSQL server not) tells more than the wall
    // clock on a shared machine.
    const cpuPerJob = (used.user + used.system) / 1000 / DRAIN_JOBS;
    console.log(
      `  ${"queue drain (outbox mail to loopback SMTP)".padEnd(44)} ${DRAIN_JOBS.toString().padStart(5)} in ${seconds.toFixed(2)} s  (${(DRAIN_JOBS / seconds).toFixed(0)} jobs/s; ${cpuPerJob.toFixed(2)} ms CPU a job)`,
    );
  } finally {
    await t.close();
    transport?.close?.();
    await smtp.close();
  }
}

/** A PostgreSQL database of its own for the runtime, dropped afterwards. */
async function scratchPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = postgresAdminUrl();
  const name = `embargo_bench_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: admin });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

async function acknowledgement(kind: DbKind): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-bench-jobs-"));
  const smtp = await startSmtp();
  const pgDb = kind === "postgres" ? await scratchPostgres() : null;
  const config = loadConfig({
    EMBARGO_DATA_DIR: dir,
    EMBARGO_SECRET_KEY: randomBytes(32).toString("hex"),
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    PUBLIC_URL: "http://embargo.test",
    LOG_LEVEL: "silent",
    ...(pgDb ? { DATABASE_URL: pgDb.url } : {}),
  });
  const rt = await openRuntime(config, silent, { worker: true });
  const server = serve({ fetch: createApp(rt.services, silent).fetch, port: 0, hostname: "127.0.0.1" });
  try {
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/reports`;
    const samples: number[] = [];
    for (let i = 0; i < ACK_SAMPLES; i++) {
      // Idle, and at a different point of the workers' polling pause each time.
      await sleep(1500 + ((i * 373) % 1000));
      const expected = smtp.mails.length + 1;
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(reportFields({ title: `Acknowledgement latency probe ${i}` })),
      });
      const answered = performance.now();
      if (res.status !== 201) throw new Error(`intake answered ${res.status}: ${await res.text()}`);
      samples.push((await arrivals(smtp.mails, expected, 30_000)) - answered);
    }
    const list = samples.map((ms) => ms.toFixed(0)).join(", ");
    console.log(
      `  ${"201 to receipt mail at SMTP (idle server)".padEnd(44)} ${ACK_SAMPLES.toString().padStart(5)} × ${median(samples).toFixed(0).padStart(8)} ms median  [${list}]`,
    );
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rt.close();
    await smtp.close();
    await pgDb?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The longest a stream of small reads waits, one after another, while `during` runs. */
async function longestRead(t: TestDb, during: Promise<unknown>): Promise<number> {
  let done = false;
  void during.finally(() => {
    done = true;
  });
  let longest = 0;
  do {
    const began = performance.now();
    await t.database.db.execute(sql`select id from users limit 1`);
    longest = Math.max(longest, performance.now() - began);
    await sleep(1);
  } while (!done);
  await during;
  return longest;
}

/** Nightly maintenance over 10,000 outbox rows that were each updated once (10,000 dead row versions). */
async function maintenance(kind: DbKind): Promise<void> {
  const t = await createTestDb(kind);
  try {
    await t.database.db.execute(sql`
      insert into outbox (to_address, subject, body, created_at)
      select 'reader' || g || '@example.net', 'Subject ' || g, repeat('A neutral mail body. ', 20), now()
      from generate_series(1, ${MAINTENANCE_ROWS}) g`);
    await t.database.db.execute(sql`update outbox set status = 'sent', attempts = 1`);
    const idle = await longestRead(t, sleep(500));
    let run: MaintenanceRun | undefined;
    const waited = await longestRead(
      t,
      t.services.maintenance.run("admin").then((r) => {
        run = r;
      }),
    );
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `  ${`maintenance at ${MAINTENANCE_ROWS} rows: ${run!.operation}`.padEnd(44)} ${run!.tables.toString().padStart(5)} tables in ${run!.durationMs} ms, longest ${run!.longestStepMs} ms (${run!.longestStepTable}); ${mb(run!.sizeBeforeBytes)} → ${mb(run!.sizeAfterBytes)} MB; a read waited at most ${waited.toFixed(0)} ms (${idle.toFixed(0)} ms without)`,
    );
  } finally {
    await t.close();
  }
}

for (const kind of DB_KINDS) {
  console.log(`\n${kind}: jobs`);
  await drain(kind);
  await acknowledgement(kind);
  await maintenance(kind);
}
