/**
 * `npx tsx test/bench/trace.ts`: every statement one intake and one search send, each with its time, on a
 * PostgreSQL database a benchmark seeded and kept (BENCH_KEEP and BENCH_SCALE, see kept.ts). Inserts and updates
 * are timed too, which explain.ts leaves out. TRACE_RUNS (default 5) runs of each; the slowest statements are printed.
 */
import pg from "pg";
import { reportFields } from "../helpers/actors.ts";
import { createTestDb } from "../helpers/db.ts";
import { VOCABULARY, words } from "./corpus.ts";
import { keptDatabase } from "./kept.ts";

if (!process.env.BENCH_KEEP)
  throw new Error("BENCH_KEEP names the directory of a kept database (see kept.ts).");
const scale = Number(process.env.BENCH_SCALE ?? 100_000);
const runs = Number(process.env.TRACE_RUNS ?? 5);
const timings: { text: string; ms: number }[] = [];
let tracing = false;
const original = pg.Client.prototype.query;
// biome-ignore lint/suspicious/noExplicitAny: pg's overloads; this only times what passes through.
(pg.Client.prototype as any).query = function (this: pg.Client, ...args: any[]) {
  const text = typeof args[0] === "string" ? args[0] : args[0]?.text;
  const start = performance.now();
  const done = () => {
    if (tracing && typeof text === "string") {
      timings.push({ text: text.replace(/\s+/g, " ").slice(0, 160), ms: performance.now() - start });
    }
  };
  // The pool passes a callback; a client used directly returns a promise.
  const last = args.length - 1;
  if (typeof args[last] === "function") {
    const callback = args[last];
    // biome-ignore lint/suspicious/noExplicitAny: the callback's own arguments
    args[last] = (...cbArgs: any[]) => {
      done();
      return callback(...cbArgs);
    };
  }
  // biome-ignore lint/suspicious/noExplicitAny: forwarding the same arguments
  const result = (original as any).apply(this, args);
  if (result && typeof result.then === "function") result.then(done, () => undefined);
  return result;
};

const t = await createTestDb("postgres", keptDatabase("postgres", scale));

async function trace(label: string, run: (i: number) => Promise<unknown>) {
  await run(runs);
  const totals: number[] = [];
  timings.length = 0;
  tracing = true;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run(i);
    totals.push(performance.now() - start);
  }
  tracing = false;
  totals.sort((a, b) => a - b);
  console.log(
    `\n== ${label}: median ${totals[totals.length >> 1]!.toFixed(1)} ms over ${runs} runs, ${timings.length / runs} statements each`,
  );
  const byText = new Map<string, number[]>();
  for (const { text, ms } of timings) byText.set(text, [...(byText.get(text) ?? []), ms]);
  const rows = [...byText].map(([text, list]) => ({
    text,
    total: list.reduce((a, b) => a + b, 0) / runs,
    n: list.length / runs,
  }));
  rows.sort((a, b) => b.total - a.total);
  for (const r of rows.slice(0, 12)) console.log(`${r.total.toFixed(2).padStart(9)} ms ×${r.n}  ${r.text}`);
}

await trace("intake", (i) =>
  t.services.reports.submit(
    reportFields({
      title: `${words(i + 9000, 5)} ${i}`,
      description: `${words(i + 9001, 60)} unique${i}`,
      steps: words(i + 9002, 40),
      impact: words(i + 9003, 15),
    }),
    [],
    "api",
  ),
);
const reader = { role: "responder" as const };
await trace("search, one word", (i) =>
  t.services.reports.inbox({ state: "all", q: VOCABULARY[i % VOCABULARY.length] }, reader),
);
await trace("search, three words", (i) =>
  t.services.reports.inbox({ state: "all", q: words(i * 31, 3) }, reader),
);
await t.jobs.stop();
await t.database.close();
