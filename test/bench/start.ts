/**
 * `npm run bench:start`: how fast `embargo serve` answers its first request and how much memory it then keeps,
 * on PGlite and on PostgreSQL, from the built dist/ and from the sources through tsx.
 *
 * For each engine and mode: one first start on a fresh data dir (or a fresh PostgreSQL database), then
 * BENCH_START_RUNS warm starts on the same data. Start = spawn to the first 200 on `/`; idle RSS is read from
 * /proc after BENCH_START_IDLE_SECONDS with no requests. Medians are printed, never asserted.
 */
import os from "node:os";
import type { DbKind } from "../helpers/db.ts";
import { serverStorage, startServeProcess } from "../helpers/serve-process.ts";

const RUNS = Number(process.env.BENCH_START_RUNS ?? 5);
const IDLE_SECONDS = Number(process.env.BENCH_START_IDLE_SECONDS ?? 10);
const MODES = (process.env.BENCH_START_MODES ?? "dist,sources").split(",") as Mode[];
const ENGINES = (process.env.BENCH_START_ENGINES ?? "pglite,postgres").split(",") as DbKind[];
type Mode = "dist" | "sources";

interface Sample {
  startMs: number;
  startCpuMs: number;
  rssMb: number;
  peakMb: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function once(env: Record<string, string>): Promise<Sample> {
  const server = await startServeProcess({ env, probe: "/" });
  try {
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    return { startMs: server.startMs, startCpuMs: server.startCpuMs, ...server.memory() };
  } finally {
    await server.stop();
  }
}

async function measure(engine: DbKind, mode: Mode): Promise<{ first: Sample; warm: Sample[] }> {
  const storage = await serverStorage(engine);
  const env = { ...storage.env, ...(mode === "sources" ? { EMBARGO_RUN_SOURCES: "1" } : {}) };
  try {
    const first = await once(env);
    const warm: Sample[] = [];
    for (let i = 0; i < RUNS; i++) warm.push(await once(env));
    return { first, warm };
  } finally {
    await storage.remove();
  }
}

const rows: string[][] = [];
for (const engine of ENGINES) {
  for (const mode of MODES) {
    const { first, warm } = await measure(engine, mode);
    const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
    rows.push([
      engine,
      mode,
      first.startMs.toFixed(0),
      first.peakMb.toFixed(0),
      `${median(warm.map((s) => s.startMs)).toFixed(0)} (${spread(warm.map((s) => s.startMs))})`,
      `${median(warm.map((s) => s.startCpuMs)).toFixed(0)} (${spread(warm.map((s) => s.startCpuMs))})`,
      `${median(warm.map((s) => s.rssMb)).toFixed(0)} (${spread(warm.map((s) => s.rssMb))})`,
      median(warm.map((s) => s.peakMb)).toFixed(0),
    ]);
    console.error(`measured ${engine} ${mode}`);
  }
}

const header = [
  "engine",
  "mode",
  "first start ms",
  "first peak MB",
  `warm start ms, median of ${RUNS} (range)`,
  "its CPU ms (range)",
  `idle RSS MB after ${IDLE_SECONDS} s (range)`,
  "warm peak MB",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(
  `${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)}`,
);
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));
