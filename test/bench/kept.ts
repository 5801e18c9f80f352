/**
 * Kept benchmark databases: seeding 100,000 reports takes a quarter of an hour per engine, so BENCH_KEEP names a
 * directory where each engine and scale keeps its seeded database (PostgreSQL: a database named bench_<scale>;
 * PGlite: a data directory) and the data key that reads it. A later run finds the reports there and measures at
 * once. The timed writes of a run (intakes, acknowledgements, mail) stay in a kept database, a few hundred rows;
 * a kept database is vacuumed before it is measured again.
 */

import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { reports, users } from "../../src/db/schema.ts";
import type { DbKind, TestDb } from "../helpers/db.ts";
import { type App, login, signedInTeam } from "../helpers/http.ts";
import { type SeedResult, seedReports } from "./seed.ts";

/** createTestDb's options for a kept database of this engine and scale, or none when BENCH_KEEP is unset. */
export function keptDatabase(kind: DbKind, scale: number, root = process.env.BENCH_KEEP) {
  if (!root) return {};
  fs.mkdirSync(root, { recursive: true });
  const keyFile = path.join(root, `${kind}-${scale}.key`);
  if (!fs.existsSync(keyFile)) fs.writeFileSync(keyFile, randomBytes(32).toString("hex"), { mode: 0o600 });
  const dataKey = Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "hex");
  return kind === "pglite"
    ? { pgliteDir: path.join(root, `pglite-${scale}`), dataKey }
    : { keepPostgres: `bench_${scale}`, dataKey };
}

/** The team a kept database was seeded with, signed in again by the passwords makeActor gives. */
async function signedInAgain(app: App, t: TestDb) {
  const members = await t.database.db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role })
    .from(users);
  const byName = (n: string) => members.find((m) => m.email === `${n.toLowerCase()}@example.org`)!;
  const team = { admin: byName("Ada"), alice: byName("Alice"), bob: byName("Bob") };
  return { team, alice: await login(app, team.alice.email, "Alice-password-long") };
}

const count = async (t: TestDb, table: string) =>
  Number(
    (
      (await t.database.db.execute(sql.raw(`select count(*) as n from ${table}`))) as unknown as {
        rows: { n: string }[];
      }
    ).rows[0]!.n,
  );

/** The seeded reports of a kept database, or a fresh seed of `scale` reports (ANALYZEd) when it has none. */
export async function seededTeam(app: App, t: TestDb, scale: number) {
  const existing = await t.database.db
    .select({ id: reports.id, reference: reports.reference })
    .from(reports)
    .orderBy(reports.seq)
    .limit(scale);
  if (existing.length > 0) {
    // The previous run's writes and any migration since (one backfill rewrote every report) cleared the visibility
    // map and aged the statistics; autovacuum, or the nightly maintenance on PGlite, would have fixed both by now.
    await t.database.db.execute(sql`vacuum analyze`);
    const { team, alice } = await signedInAgain(app, t);
    const seeded: SeedResult = {
      ids: existing.map((r) => r.id),
      references: existing.map((r) => r.reference),
      messages: await count(t, "messages"),
      events: await count(t, "audit_events"),
      ms: 0,
    };
    return { team, alice, seeded, kept: true };
  }
  const { team, alice } = await signedInTeam(app, t);
  const seeded = await seedReports(t, {
    count: scale,
    cipher: t.cipher,
    assigneeIds: [team.alice.id, team.bob.id, team.admin.id],
    now: t.clock(),
  });
  await t.database.db.execute(sql`analyze`);
  return { team, alice, seeded, kept: false };
}
