/**
 * `npx tsx test/bench/explain.ts`: the query plans behind the benchmark's pages, on PostgreSQL (or PGlite with
 * BENCH_DB=pglite) at one seeded scale (BENCH_SCALE, default 100000). Every SELECT a page sends is captured and run
 * again under EXPLAIN (ANALYZE, BUFFERS); the plans go to stdout, one block per query, so a scan shows up by name.
 * BENCH_KEEP_DB=1 leaves the PostgreSQL database in place afterwards (its name is printed) for psql; BENCH_KEEP
 * seeds it once and finds it again on later runs (see kept.ts). EXPLAIN_ONLY=<part of a label> explains only those.
 */

import pg from "pg";
import { reportFields } from "../helpers/actors.ts";
import { createTestDb, type DbKind } from "../helpers/db.ts";
import { appFor, get } from "../helpers/http.ts";
import { words } from "./corpus.ts";
import { keptDatabase, seededTeam } from "./kept.ts";

const scale = Number(process.env.BENCH_SCALE ?? 100_000);
const SEARCH_RUN = Number(process.env.SEARCH_RUN ?? 0);
const kind = (process.env.BENCH_DB ?? "postgres") as DbKind;
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

if (kind === "pglite") {
  // PGlite has one connection, and drizzle sends every statement through its query(); the plans are asked on it
  // too, while nothing is captured.
  const { PGlite } = await import("@electric-sql/pglite");
  const prototype = PGlite.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = prototype.query;
  prototype.query = function (this: unknown, text: unknown, values?: unknown, ...rest: unknown[]) {
    if (capturing && typeof text === "string" && /^\s*select/i.test(text)) {
      captured.push({ text, values: Array.isArray(values) ? values : [] });
    }
    return query.call(this, text, values, ...rest);
  };
}

// BENCH_KEEP keeps the seeded database for later runs (see kept.ts), so a change can be measured in minutes.
const t = await createTestDb(kind, keptDatabase(kind, scale));
const app = appFor(t);
const { team, alice, seeded } = await seededTeam(app, t, scale);
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
  ["inbox sla=waiting", () => get(app, "/inbox?sla=waiting", alice)],
  ["inbox severity=none", () => get(app, "/inbox?severity=none", alice)],
  ["inbox assignee=alice", () => get(app, `/inbox?assignee=${encodeURIComponent(team.alice.email)}`, alice)],
  ["inbox assignee=none", () => get(app, "/inbox?assignee=none", alice)],
  ["search one word", () => get(app, "/inbox?state=all&q=token", alice)],
  // The benchmark's three-word searches vary with the run (words(i * 31, 3)); SEARCH_RUN picks the run to explain.
  [
    "search three words",
    () => get(app, `/inbox?state=all&q=${encodeURIComponent(words(SEARCH_RUN * 31, 3))}`, alice),
  ],
  [
    "search three words open by severity",
    () => get(app, `/inbox?q=${encodeURIComponent(words(SEARCH_RUN * 37, 3))}&sort=-severity`, alice),
  ],
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
if (kind === "postgres") {
  admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${name}` });
  await admin.connect();
}
const explain = async (text: string, values: unknown[]) =>
  admin
    ? ((await admin.query(`explain (analyze, buffers) ${text}`, values)) as unknown as {
        rows: Record<string, string>[];
      })
    : await t.database.executor.executeSql(`explain (analyze, buffers) ${text}`, values);
for (const [label, run] of cases) {
  if (only && !label.includes(only)) continue;
  await run();
  captured.length = 0;
  capturing = true;
  await run();
  capturing = false;
  console.log(`\n======== ${label}: ${captured.length} selects`);
  for (const q of captured) {
    const plan = await explain(q.text, q.values);
    const lines = plan.rows.map((r) => String(r["QUERY PLAN"]));
    const total = lines.at(-1);
    console.log(`\n-- ${q.text.replace(/\s+/g, " ").slice(0, 300)}\n-- ${total}`);
    console.log(lines.join("\n"));
  }
}
await admin?.end();
if (process.env.BENCH_KEEP || process.env.BENCH_KEEP_DB === "1") {
  await t.jobs.stop();
  await t.database.close();
  console.log(`\n-- kept ${name}`);
} else {
  await t.close();
}
