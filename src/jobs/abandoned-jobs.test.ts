import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, DB_KINDS, type TestDb } from "../../test/helpers/db.ts";
import { transaction } from "../core/db.ts";
import { openPostgres } from "../db/client.ts";
import { MAIL_DELIVER } from "../features/outbox/outbox.jobs.ts";

/** A job row's state and retry count, read from pg-boss's table. */
async function jobState(t: TestDb, id: string) {
  const result = (await t.database.db.execute(
    sql`select state::text as state, retry_count, start_after <= now() as due from pgboss.job where id = ${id}::uuid`,
  )) as unknown as { rows: { state: string; retry_count: number; due: boolean }[] };
  return result.rows[0];
}

/** Queues a mail job and marks it active, the way a worker that was then killed left it. */
async function abandonedJob(t: TestDb, outboxId: string, retryCount = 0): Promise<string> {
  await transaction(t.services.db, (tx) => t.jobs.send(tx, MAIL_DELIVER, { outboxId }));
  const result = (await t.database.db.execute(
    sql`update pgboss.job set state = 'active', started_on = now() - interval '1 minute', retry_count = ${retryCount}
        where name = ${MAIL_DELIVER} and data->>'outboxId' = ${outboxId} returning id::text as id`,
  )) as unknown as { rows: { id: string }[] };
  return result.rows[0]!.id;
}

describe.each(DB_KINDS)("jobs a killed process left active, on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("go back to the queue at once as retries, keeping their retry count", async () => {
    const id = await abandonedJob(t, "00000000-0000-4000-8000-000000000001", 2);
    const reclaimed = await t.jobs.reclaimAbandoned();
    expect(reclaimed).toEqual([{ name: MAIL_DELIVER, id, state: "retry" }]);
    expect(await jobState(t, id)).toEqual({ state: "retry", retry_count: 2, due: true });
    expect(await t.jobs.reclaimAbandoned()).toEqual([]); // nothing is left active
  });

  it("fail when they have no retries left, so a job that kills its process cannot loop", async () => {
    const id = await abandonedJob(t, "00000000-0000-4000-8000-000000000002", 8);
    expect(await t.jobs.reclaimAbandoned()).toEqual([{ name: MAIL_DELIVER, id, state: "failed" }]);
    expect((await jobState(t, id))!.state).toBe("failed");
  });

  it("are handed to a worker again without waiting for their expiry", async () => {
    const outboxId = "00000000-0000-4000-8000-000000000003";
    await abandonedJob(t, outboxId);
    await t.jobs.reclaimAbandoned();
    const seen = new Promise<unknown>((resolve) =>
      t.jobs.work(MAIL_DELIVER, async (data) => {
        if ((data as { outboxId: string }).outboxId === outboxId) resolve(data);
      }),
    );
    await expect(seen).resolves.toEqual({ outboxId });
  });
});

describe("joining the job workers on PostgreSQL", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb("postgres");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("runs the clean-up only while no other worker process is alive", async () => {
    const url = (t.database.db as unknown as { $client: { options: { connectionString: string } } }).$client
      .options.connectionString;
    const first = await openPostgres(url, { max: 1 });
    const second = await openPostgres(url, { max: 1 });
    const third = await openPostgres(url, { max: 1 });
    try {
      const ran: string[] = [];
      await first.joinWorkers(async () => {
        ran.push("first");
      });
      await second.joinWorkers(async () => {
        ran.push("second"); // the first is alive: its active jobs are not abandoned
      });
      expect(ran).toEqual(["first"]);
      await first.close(); // or killed: PostgreSQL ends its session either way
      await second.close();
      await third.joinWorkers(async () => {
        ran.push("third");
      });
      expect(ran).toEqual(["first", "third"]);
    } finally {
      await Promise.all([first.close(), second.close(), third.close()].map((p) => p.catch(() => undefined)));
    }
  });
});
