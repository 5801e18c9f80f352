import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { postgresAdminUrl } from "./db.ts";
import { TEMPLATE_LOCK } from "./db-templates.ts";

/**
 * Vitest's global teardown: the migrated copies tests start from (test/helpers/db-templates.ts) last one run, like
 * every test database. The PostgreSQL template databases are dropped (one still in use by another run is left
 * to that run, and none while another run is making one), and the PGlite dumps are removed from the temp dir.
 */
export async function teardown(): Promise<void> {
  for (const name of fs.readdirSync(os.tmpdir()))
    if (/^embargo-test-pglite-[0-9a-f]+\.tar$/.test(name))
      fs.rmSync(path.join(os.tmpdir(), name), { force: true });
  const admin = new pg.Client({ connectionString: postgresAdminUrl() });
  try {
    await admin.connect();
  } catch {
    return; // no server: no template was made either
  }
  try {
    // Another run making a template holds this lock: its half-made template must not be dropped under it.
    const { rows: locked } = await admin.query<{ ok: boolean }>("select pg_try_advisory_lock($1) as ok", [
      TEMPLATE_LOCK,
    ]);
    if (!locked[0]?.ok) return;
    const { rows } = await admin.query<{ datname: string }>(
      "select datname from pg_database where datname ~ '^embargo_template_[0-9a-f]+(_partial)?$'",
    );
    for (const { datname } of rows)
      await admin.query(`drop database if exists ${datname}`).catch(() => undefined);
    await admin.query("select pg_advisory_unlock($1)", [TEMPLATE_LOCK]);
  } finally {
    await admin.end();
  }
}
