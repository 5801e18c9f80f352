/**
 * `npx tsx test/bench/explain.ts`: the query plans behind the benchmark's pages, on PostgreSQL at one seeded scale
 * (BENCH_SCALE, default 100000). Every SELECT a page sends is captured and run again under
 * EXPLAIN (ANALYZE, BUFFERS); the plans go to stdout, one block per query, so a scan shows up by name.
 * BENCH_KEEP_DB=1 leaves the database in place afterwards (its name is printed) for psql; BENCH_KEEP seeds it
 * once and finds it again on later runs (see kept.ts).
 */

import pg from "pg";
import { reportFields } from "../helpers/actors.ts";
import { createTestDb } from "../helpers/db.ts";
import { appFor, get } from "../helpers/http.ts";
import { words } from "./corpus.ts";
import { keptDatabase, seededTeam } from "./kept.ts";

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

// BENCH_KEEP keeps the seeded database for later runs (see kept.ts), so a change can be measured in minutes.
const t = await createTestDb("postgres", keptDatabase("postgres", scale));
const app = appFor(t);
const { alice, seeded } = await seededTeam(app, t, scale);
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
if (process.env.BENCH_KEEP || process.env.BENCH_KEEP_DB === "1") {
  await t.jobs.stop();
  await t.database.close();
  console.log(`\n-- kept ${name}`);
} else {
  await t.close();
}
