/**
 * `npx tsx test/bench/explain.ts`: the query plans behind the benchmark's pages, on PostgreSQL at one seeded scale
 * (BENCH_SCALE, default 100000). Every SELECT a page sends is captured and run again under
 * EXPLAIN (ANALYZE, BUFFERS); the plans go to stdout, one block per query, so a scan shows up by name.
 * BENCH_KEEP_DB=1 leaves the database in place afterwards (its name is printed) for psql.
 */

import { sql } from "drizzle-orm";
import pg from "pg";
import { reports, users } from "../../src/db/schema.ts";
import { reportFields } from "../helpers/actors.ts";
import { createTestDb, type TestDb } from "../helpers/db.ts";
import { type App, appFor, get, login, signedInTeam } from "../helpers/http.ts";
import { words } from "./corpus.ts";
import { seedReports } from "./seed.ts";

/** The team a kept database was seeded with, signed in again by the passwords makeActor gives. */
async function signedInAgain(app: App, t: TestDb) {
  const members = await t.database.db.select({ id: users.id, email: users.email }).from(users);
  const byName = (n: string) => members.find((m) => m.email === `${n.toLowerCase()}@example.org`)!;
  const team = { admin: byName("Ada"), alice: byName("Alice"), bob: byName("Bob") };
  return { team, alice: await login(app, team.alice.email, "Alice-password-long") };
}

const scale = Number(process.env.BENCH_SCALE ?? 100_000);
const captured: { text: string; values: unknown[] }[] = [];
let capturing = false;
/** The connection the plans are asked on; its own queries are not captured. */
let admin: pg.Client | null = null;
const original = pg.Client.prototype.query;
// biome-ignore lint/suspicious/noExplicitAny: pg's overloads; this only records what passes through.
(pg.Client.prototype as any).query = function (this: pg.Client, ...args: any[]) {
  const [config, values] = args;
  if (capturing && this !== admin) {
    const text = typeof config === "string" ? config : config?.text;
    const params = Array.isArray(values) ? values : (config?.values ?? []);
    if (typeof text === "string" && /^\s*select/i.test(text)) captured.push({ text, values: params });
  }
  // biome-ignore lint/suspicious/noExplicitAny: forwarding the same arguments
  return (original as any).apply(this, args);
};

// BENCH_DB_NAME names a database to seed once and keep (with BENCH_DATA_KEY, 64 hex digits, the data key to
// read it again): later runs find the reports there and only explain, so a change can be measured in minutes.
const keep = process.env.BENCH_DB_NAME;
const t = await createTestDb("postgres", {
  ...(keep ? { keepPostgres: keep } : {}),
  ...(process.env.BENCH_DATA_KEY ? { dataKey: Buffer.from(process.env.BENCH_DATA_KEY, "hex") } : {}),
});
const app = appFor(t);
const existing = keep
  ? await t.database.db
      .select({ id: reports.id, reference: reports.reference })
      .from(reports)
      .orderBy(reports.seq)
  : [];
const { team, alice } = existing.length > 0 ? await signedInAgain(app, t) : await signedInTeam(app, t);
const seeded =
  existing.length > 0
    ? { ids: existing.map((r) => r.id), references: existing.map((r) => r.reference), ms: 0 }
    : await seedReports(t, {
        count: scale,
        cipher: t.cipher,
        assigneeIds: [team.alice.id, team.bob.id, team.admin.id],
        now: t.clock(),
      });
if (existing.length === 0) await t.database.db.execute(sql`analyze`);
const name = (
  (await t.database.db.execute("select current_database() as n" as never)) as unknown as {
    rows: { n: string }[];
  }
).rows[0]!.n;
console.log(`-- ${name}: ${seeded.ids.length} reports seeded in ${(seeded.ms / 1000).toFixed(0)} s`);

const cases: [string, () => unknown][] = [
  ["inbox", () => get(app, "/inbox", alice)],
  ["inbox state=all sort=-severity", () => get(app, "/inbox?state=all&sort=-severity", alice)],
  ["inbox sla=overdue", () => get(app, "/inbox?sla=overdue", alice)],
  ["inbox sla=team", () => get(app, "/inbox?sla=team", alice)],
  [
    "inbox sla=team state=all sort=-severity",
    () => get(app, "/inbox?sla=team&state=all&sort=-severity", alice),
  ],
  ["inbox assignee=none", () => get(app, "/inbox?assignee=none", alice)],
  ["search one word", () => get(app, "/inbox?state=all&q=token", alice)],
  ["search three words", () => get(app, `/inbox?state=all&q=${encodeURIComponent(words(3, 3))}`, alice)],
  ["report page", () => get(app, `/reports/${seeded.references[scale >> 1]}`, alice)],
  ["similar", () => t.services.search.similar(seeded.ids[scale >> 2]!)],
  [
    "intake",
    () =>
      t.services.reports.submit(
        reportFields({ title: words(77, 5), description: words(78, 60), steps: words(79, 40) }),
        [],
        "api",
      ),
  ],
];
const only = process.env.EXPLAIN_ONLY;
admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${name}` });
await admin.connect();
for (const [label, run] of cases) {
  if (only && !label.includes(only)) continue;
  await run();
  captured.length = 0;
  capturing = true;
  await run();
  capturing = false;
  console.log(`\n======== ${label}: ${captured.length} selects`);
  for (const q of captured) {
    const plan = await admin.query(`explain (analyze, buffers) ${q.text}`, q.values);
    const lines = (plan as unknown as { rows: { "QUERY PLAN": string }[] }).rows.map((r) => r["QUERY PLAN"]);
    const total = lines.at(-1);
    console.log(`\n-- ${q.text.replace(/\s+/g, " ").slice(0, 300)}\n-- ${total}`);
    console.log(lines.join("\n"));
  }
}
await admin.end();
if (keep || process.env.BENCH_KEEP_DB === "1") {
  await t.jobs.stop();
  await t.database.close();
  console.log(`\n-- kept ${name}`);
} else {
  await t.close();
}
