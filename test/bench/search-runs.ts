/**
 * `npx tsx test/bench/search-runs.ts`: each run of the benchmark's three-word searches on a kept database
 * (BENCH_KEEP, BENCH_SCALE, BENCH_DB), timed one by one with its words, slowest first, so the words behind a slow
 * p95 can be explained (explain.ts, SEARCH_RUN).
 */
import { createTestDb, type DbKind } from "../helpers/db.ts";
import { appFor, get } from "../helpers/http.ts";
import { words } from "./corpus.ts";
import { keptDatabase, seededTeam } from "./kept.ts";

const scale = Number(process.env.BENCH_SCALE ?? 100_000);
const kind = (process.env.BENCH_DB ?? "postgres") as DbKind;
const RUNS = Number(process.env.BENCH_SAMPLES ?? 40) + 2;
const t = await createTestDb(kind, keptDatabase(kind, scale));
const app = appFor(t);
const { alice } = await seededTeam(app, t, scale);
for (const [label, q, extra] of [
  ["three words", (i: number) => words(i * 31, 3), "&state=all"],
  ["three words, open, by severity", (i: number) => words(i * 37, 3), "&sort=-severity"],
] as const) {
  const times: [number, number, string][] = [];
  for (let i = 0; i < RUNS; i++) {
    const path = `/inbox?q=${encodeURIComponent(q(i))}${extra}`;
    await get(app, path, alice);
    const start = performance.now();
    const res = await get(app, path, alice);
    await res.text();
    times.push([performance.now() - start, i, q(i)]);
  }
  times.sort((a, b) => b[0] - a[0]);
  console.log(`${label}: ${times.map(([ms, i, w]) => `${ms.toFixed(0)} ms run ${i} "${w}"`).join("\n  ")}`);
}
await t.jobs.stop();
await t.database.close();
