import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Database, openPglite } from "./client.ts";

// PGlite runs statements synchronously on the server's one thread. A chain of them (a worker starting, a sweep)
// must still leave the event loop turns in between, or a waiting request is not even accepted until it ends.
let database: Database;
beforeAll(async () => {
  database = await openPglite(null);
}, 60_000);
afterAll(async () => {
  await database?.close();
});

it("lets a macrotask in before a chain of statements ends, through drizzle, the job executor and transactions", async () => {
  for (const step of [
    () => database.db.execute(sql`select 1`),
    () => database.executor.executeSql("select 1"),
    () => database.executor.executeSql("select $1::int", [1]),
    () => database.db.transaction(async (tx) => void (await tx.execute(sql`select 1`))),
  ]) {
    let done = 0;
    let turnAt: number | null = null;
    setImmediate(() => {
      turnAt = done;
    });
    for (let i = 0; i < 20; i++) {
      await step();
      done++;
    }
    expect(turnAt, "statements done when the loop first got a turn").not.toBeNull();
    expect(turnAt!).toBeLessThan(2);
  }
});

it("still runs a statement sent just before close, as pg-boss does when it marks a finished batch complete", async () => {
  const other = await openPglite(null);
  const sent = other.executor.executeSql("select 1 as n");
  await other.close();
  await expect(sent).resolves.toEqual({ rows: [{ n: 1 }] });
});
