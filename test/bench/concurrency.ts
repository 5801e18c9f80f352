/**
 * `npx tsx test/bench/concurrency.ts`: intake throughput with one writer and with eight at once, on PGlite and
 * PostgreSQL. Eight writers gain over one only if no lock is held across a whole transaction (the audit chain's
 * is held from its final append to the commit). PGlite has one connection, so there eight writers only
 * interleave. Numbers are printed, never asserted; each is the median of BENCH_ROUNDS rounds. Every report is
 * made of words no other report has, so duplicate ranking stays as cheap in the last round as in the first.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { reportFields } from "../helpers/actors.ts";
import { runConcurrently } from "../helpers/concurrency.ts";
import { createTestDb, DB_KINDS } from "../helpers/db.ts";

const INTAKES = Number(process.env.BENCH_INTAKES ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LEVELS = [1, 8];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const uniqueWords = (n: number) => Array.from({ length: n }, () => randomBytes(5).toString("hex")).join(" ");

for (const kind of DB_KINDS) {
  const t = await createTestDb(kind, { poolMax: 10 });
  try {
    let n = 0;
    const intake = () =>
      t.services.reports.submit(
        reportFields({
          title: `${uniqueWords(4)} ${n++}`,
          description: uniqueWords(20),
          steps: uniqueWords(12),
          impact: uniqueWords(6),
        }),
        [],
        "api",
      );
    await runConcurrently(20, 1, intake);
    const perSecond = new Map<number, number[]>(LEVELS.map((c) => [c, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const concurrency of LEVELS) {
        const start = performance.now();
        await runConcurrently(INTAKES, concurrency, intake);
        perSecond.get(concurrency)!.push(INTAKES / ((performance.now() - start) / 1000));
      }
    }
    const verdict = await t.services.audit.verify();
    const base = median(perSecond.get(1)!);
    console.log(`\n${kind} (${INTAKES} intakes per round, median of ${ROUNDS})`);
    for (const concurrency of LEVELS) {
      const rate = median(perSecond.get(concurrency)!);
      console.log(
        `  intake at concurrency ${concurrency}  ${rate.toFixed(0).padStart(5)}/s  (${(rate / base).toFixed(2)}× concurrency 1)`,
      );
    }
    console.log(
      `  audit chain after the bursts: ${verdict.ok ? `intact, ${verdict.count} events` : "BROKEN"}`,
    );
    if (!verdict.ok) process.exitCode = 1;
  } finally {
    await t.close();
  }
}
