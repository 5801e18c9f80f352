import { sql } from "drizzle-orm";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createTestDb, DB_KINDS, type TestDb } from "../../test/helpers/db.ts";
import { savepoint, transaction } from "../core/db.ts";
import { type QueueDefinition, startJobQueue } from "./queue.ts";

const silent = pino({ level: "silent" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await sleep(20);
}

/** A queue of its own on a test database, polling only every 30 s: anything faster came from a wake-up. */
async function probeQueue(
  t: TestDb,
  definition: Omit<QueueDefinition, "retryLimit" | "retryDelay" | "retryBackoff">,
) {
  return startJobQueue(
    t.database.executor,
    [{ retryLimit: 2, retryDelay: 1, retryBackoff: false, ...definition }],
    silent,
    { pollingIntervalSeconds: 30, notifications: t.database },
  );
}

describe.each(DB_KINDS)("the job queue on %s", (kind) => {
  it("starts a job sent in a committed transaction at once, not at the next poll", async () => {
    const t = await createTestDb(kind);
    const queue = await probeQueue(t, { name: "wake-probe" });
    try {
      const handled: number[] = [];
      await queue.work("wake-probe", async () => {
        handled.push(Date.now());
      });
      await sleep(200); // the worker's first (empty) fetch is done: it now waits out its 30 s interval
      const sent = Date.now();
      await transaction(t.database.db, (tx) => queue.send(tx, "wake-probe", { n: 1 }));
      await until(() => handled.length > 0, 3000);
      expect(handled).toHaveLength(1);
      expect(handled[0]! - sent).toBeLessThan(3000);
    } finally {
      await queue.stop();
      await t.close();
    }
  }, 60_000);

  it("creates missing queues, updates changed ones and leaves current ones untouched on a restart", async () => {
    const t = await createTestDb(kind);
    const stored = async () =>
      (
        (await t.database.db.execute(
          sql`select name, retry_limit, retry_delay, updated_on from pgboss.queue where name like 'def-probe-%' order by name`,
        )) as unknown as {
          rows: { name: string; retry_limit: number; retry_delay: number; updated_on: Date }[];
        }
      ).rows;
    const start = (queues: QueueDefinition[]) => startJobQueue(t.database.executor, queues, silent, {});
    const a = { name: "def-probe-a", retryLimit: 2, retryDelay: 1, retryBackoff: false };
    const b = { name: "def-probe-b", retryLimit: 3, retryDelay: 5, retryBackoff: true };
    try {
      await (await start([a])).stop();
      const [first] = await stored();
      await sleep(20);
      await (await start([a, { ...b }])).stop();
      const [sameA, createdB] = await stored();
      expect(sameA).toEqual(first); // unchanged: not even touched
      expect(createdB).toMatchObject({ name: "def-probe-b", retry_limit: 3, retry_delay: 5 });
      await (await start([{ ...a, retryLimit: 7 }, b])).stop();
      const [changedA] = await stored();
      expect(changedA).toMatchObject({ name: "def-probe-a", retry_limit: 7, retry_delay: 1 });
    } finally {
      await t.close();
    }
  }, 60_000);

  it("never starts a job whose transaction rolled back", async () => {
    const t = await createTestDb(kind);
    const queue = await probeQueue(t, { name: "rollback-probe" });
    try {
      const handled: unknown[] = [];
      await queue.work("rollback-probe", async (data) => {
        handled.push(data);
      });
      await transaction(t.database.db, async (tx) => {
        await queue.send(tx, "rollback-probe", { n: "rolled back" });
        throw new Error("abandon");
      }).catch(() => undefined);
      await transaction(t.database.db, (tx) => queue.send(tx, "rollback-probe", { n: "kept" }));
      await until(() => handled.length > 0, 3000);
      await sleep(200);
      expect(handled).toEqual([{ n: "kept" }]);
    } finally {
      await queue.stop();
      await t.close();
    }
  }, 60_000);

  it("wakes the worker for a job sent after a rolled-back savepoint that had sent one too", async () => {
    const t = await createTestDb(kind);
    const queue = await probeQueue(t, { name: "savepoint-probe" });
    try {
      const handled: unknown[] = [];
      await queue.work("savepoint-probe", async (data) => {
        handled.push(data);
      });
      await sleep(200);
      await transaction(t.database.db, async (tx) => {
        await savepoint(tx, async (sp) => {
          await queue.send(sp, "savepoint-probe", { n: "rolled back" });
          throw new Error("abandon the savepoint");
        }).catch(() => undefined);
        await queue.send(tx, "savepoint-probe", { n: "kept" });
        await queue.send(tx, "savepoint-probe", { n: "kept too" });
      });
      await until(() => handled.length >= 2, 3000);
      // Jobs of one transaction share created_on, so pg-boss may take them in either order.
      expect(handled.map((d) => (d as { n: string }).n).sort()).toEqual(["kept", "kept too"]);
    } finally {
      await queue.stop();
      await t.close();
    }
  }, 60_000);

  it("drains a backlog batch after batch, never more than `concurrency` at once, without waiting to poll", async () => {
    const t = await createTestDb(kind);
    const queue = await probeQueue(t, { name: "drain-probe", batchSize: 5, concurrency: 3 });
    try {
      await transaction(t.database.db, async (tx) => {
        for (let n = 0; n < 40; n++) await queue.send(tx, "drain-probe", { n });
      });
      let running = 0;
      let most = 0;
      const done = new Set<number>();
      await queue.work("drain-probe", async (data) => {
        running += 1;
        most = Math.max(most, running);
        await sleep(5);
        done.add((data as { n: number }).n);
        running -= 1;
      });
      await until(() => done.size === 40, 5000);
      expect(done.size).toBe(40);
      expect(most).toBeLessThanOrEqual(3);
      expect(most).toBeGreaterThan(1);
    } finally {
      await queue.stop();
      await t.close();
    }
  }, 60_000);

  it("fails only the job that threw: its batchmates complete, and it alone is retried", async () => {
    const t = await createTestDb(kind);
    const queue = await probeQueue(t, { name: "fail-probe", batchSize: 5, concurrency: 5 });
    try {
      const runs: string[] = [];
      await queue.work("fail-probe", async (data, job) => {
        const { n } = data as { n: number };
        runs.push(`${n}:${job.retryCount}`);
        if (n === 2 && job.retryCount === 0) throw new Error("first try fails");
      });
      await transaction(t.database.db, async (tx) => {
        for (let n = 0; n < 5; n++) await queue.send(tx, "fail-probe", { n });
      });
      // The retry is due after retryDelay (1 s) and found by the next poll (30 s) or by the wake of a later send.
      await until(() => runs.length >= 5, 3000);
      await sleep(1100);
      // Each later send wakes the worker; on a loaded machine the failure may be recorded late enough that the
      // retry is not yet due at the first wake, so wake it again until it runs (never waiting for the 30 s poll).
      for (let wake = 0; wake < 15 && !runs.includes("2:1"); wake++) {
        await transaction(t.database.db, (tx) => queue.send(tx, "fail-probe", { n: 100 + wake }));
        await until(() => runs.includes("2:1"), 700);
      }
      expect(runs.filter((r) => Number(r.split(":")[0]) < 100).sort()).toEqual([
        "0:0",
        "1:0",
        "2:0",
        "2:1",
        "3:0",
        "4:0",
      ]);
      expect(runs.filter((r) => r.endsWith(":1"))).toEqual(["2:1"]);
    } finally {
      await queue.stop();
      await t.close();
    }
  }, 60_000);
});

describe("the job queue's LISTEN connection on postgres", () => {
  it("comes back after the server drops it, and wakes the workers again", async () => {
    const t = await createTestDb("postgres");
    const queue = await probeQueue(t, { name: "relisten-probe" });
    try {
      const handled: number[] = [];
      await queue.work("relisten-probe", async () => {
        handled.push(Date.now());
      });
      // The server ends every session listening on the channel, as a restart or an idle timeout would.
      const ended = (await t.database.db.execute(
        sql`select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = current_database() and query ilike 'listen %'`,
      )) as unknown as { rows: { ended: boolean }[] };
      expect(ended.rows).toEqual([{ ended: true }]);
      await sleep(1500); // the first retry comes after 0.5 s
      const sent = Date.now();
      await transaction(t.database.db, (tx) => queue.send(tx, "relisten-probe", {}));
      await until(() => handled.length > 0, 3000);
      expect(handled).toHaveLength(1);
      expect(handled[0]! - sent).toBeLessThan(3000);
    } finally {
      await queue.stop();
      await t.close();
    }
  }, 60_000);
});
