import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { loadConfig } from "../../config.ts";
import { openRuntime } from "../../runtime.ts";

/** Rows written before search existed get indexed when the server starts, without anyone asking. */
describe("search index backfill at start-up", { timeout: 120_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-backfill-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({
    EMBARGO_DATA_DIR: dir,
    EMBARGO_SECRET_KEY: randomBytes(32).toString("hex"),
    LOG_LEVEL: "silent",
  });
  const logger = pino({ level: "silent" });
  const nullIndexes = async (rt: Awaited<ReturnType<typeof openRuntime>>) => {
    const result = (await rt.database.db.execute(
      sql`select count(*)::int as n from reports where search_index is null`,
    )) as unknown as { rows: { n: number }[] };
    return result.rows[0]!.n;
  };

  it("indexes reports that have no index when the server (worker) starts", async () => {
    const first = await openRuntime(config, logger, { worker: false });
    try {
      await first.services.reports.submit(
        reportFields({ description: "Old row with a rhodochrosite word." }),
        [],
        "web",
      );
      await first.database.db.execute(sql`update reports set search_index = null`);
      expect(await nullIndexes(first)).toBe(1);
    } finally {
      await first.close();
    }
    const server = await openRuntime(config, logger, { worker: true });
    await server.close(); // close waits for the background backfill
    const after = await openRuntime(config, logger, { worker: false });
    try {
      expect(await nullIndexes(after)).toBe(0);
      const found = await after.services.reports.inbox({ q: "rhodochrosite", state: "all" });
      expect(found.total).toBe(1);
    } finally {
      await after.close();
    }
  });
});
