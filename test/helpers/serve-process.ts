import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { type DbKind, postgresAdminUrl } from "./db.ts";
import { freePort } from "./net.ts";

export const BIN = path.resolve(import.meta.dirname, "../../bin/embargo.js");

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn to the first HTTP 200 on the probed path. */
  startMs: number;
  /**
   * CPU milliseconds (user + system) the process had used by then: unlike startMs, it hardly grows when other
   * work shares the cores.
   */
  startCpuMs: number;
  /** Everything the process wrote so far, for messages when something fails. */
  output(): string;
  /** Resolves once the output contains `text` (the server answers before it prints that it is running). */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** Resident and peak resident set size of the process, in MB (Linux /proc). */
  memory(): { rssMb: number; peakMb: number };
  stop(): Promise<number | null>;
}

/**
 * Spawns `node bin/embargo.js serve` on a free loopback port with only the environment given (plus PATH and
 * HOME), and resolves once `probe` answers 200. The clock starts just before the spawn.
 */
export async function startServeProcess(options: {
  env: Record<string, string>;
  probe?: string;
  timeoutMs?: number;
  bin?: string;
}): Promise<ServeProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [options.bin ?? BIN, "serve"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      LOG_LEVEL: "warn",
      ...options.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: url,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = started + (options.timeoutMs ?? 60_000);
  let startMs = -1;
  while (startMs < 0) {
    if (gone) throw new Error(`the server exited before answering:\n${output}`);
    if (performance.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server did not answer within ${options.timeoutMs ?? 60_000} ms:\n${output}`);
    }
    const ok = await fetch(`${url}${options.probe ?? "/"}`, { signal: AbortSignal.timeout(2000) })
      .then(async (res) => {
        await res.arrayBuffer();
        return res.status === 200;
      })
      .catch(() => false);
    if (ok) startMs = performance.now() - started;
    else await new Promise((r) => setTimeout(r, 10));
  }
  const startCpuMs = cpuMsOf(child.pid!);
  return {
    child,
    url,
    startMs,
    startCpuMs,
    output: () => output,
    async waitForOutput(text, timeoutMs = 30_000) {
      const until = performance.now() + timeoutMs;
      while (!output.includes(text)) {
        if (gone || performance.now() > until) throw new Error(`no "${text}" in the output:\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    memory() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
      return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
    },
    async stop() {
      if (!gone) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

let clockTicks: number | undefined;

/** User plus system CPU time of a process, from /proc/<pid>/stat (in clock ticks there). */
function cpuMsOf(pid: number): number {
  clockTicks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: state is field 3 of stat(5), utime 14 and stime 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * The environment of a server process on a fresh data dir, and for PostgreSQL a fresh database; `remove`
 * deletes both. Several processes may start one after another on the same one (a first and a warm start).
 */
export async function serverStorage(
  kind: DbKind,
): Promise<{ env: Record<string, string>; remove(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-serve-"));
  const env: Record<string, string> = { EMBARGO_DATA_DIR: dataDir };
  const name = `embargo_serve_${randomBytes(6).toString("hex")}`;
  if (kind === "postgres") {
    await adminQuery(`create database ${name}`);
    const url = new URL(postgresAdminUrl());
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
  }
  return {
    env,
    async remove() {
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (kind === "postgres") await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}
