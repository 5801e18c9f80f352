import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import type { DbKind } from "./db.ts";
import { freePort } from "./net.ts";
import { BIN, serverStorage } from "./serve-process.ts";

/** How much of a child's output is kept for a failure message. */
const KEEP_OUTPUT = 20_000;

/** Where a real server keeps its data, and the environment that points it there; `dispose` removes both. */
export interface ServerSetup {
  kind: DbKind;
  env: Record<string, string>;
  baseUrl: string;
  dispose(): Promise<void>;
}

/**
 * A fresh place for a real `embargo serve`: a temp data dir (PGlite's files, or only the lock and logs on
 * PostgreSQL), a new PostgreSQL database for "postgres", a free loopback port and a fixed data key, so a
 * restart reads what the killed process wrote.
 */
export async function prepareServer(kind: DbKind, options: { smtpPort: number }): Promise<ServerSetup> {
  const storage = await serverStorage(kind);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? os.tmpdir(),
    // Keeps the proof on the TypeScript sources, whatever bin/embargo.js runs by default.
    EMBARGO_RUN_SOURCES: "1",
    ...storage.env,
    EMBARGO_SECRET_KEY: randomBytes(32).toString("hex"),
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: baseUrl,
    SMTP_URL: `smtp://127.0.0.1:${options.smtpPort}`,
    MAIL_FROM: "security@embargo.test",
    LOG_LEVEL: "warn",
  };
  return { kind, env, baseUrl, dispose: () => storage.remove() };
}

/** A running `embargo serve` child process. */
export interface ServerProcess {
  pid: number;
  /** Everything the process wrote so far (the tail, when it wrote a lot), for failure messages. */
  output(): string;
  /** Sends the signal and resolves once the process is gone and reaped. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function keepTail(buffer: { text: string }, chunk: Buffer) {
  buffer.text = (buffer.text + chunk.toString("utf8")).slice(-KEEP_OUTPUT);
}

/** Starts `node bin/embargo.js serve` and resolves when it prints "Embargo is running"; fails with its output. */
export async function startServer(setup: ServerSetup, timeoutMs = 60_000): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [BIN, "serve"], {
    env: setup.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = { text: "" };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`The server did not start within ${timeoutMs} ms:\n${out.text}`));
    }, timeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      keepTail(out, chunk);
      if (out.text.includes("Embargo is running")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => keepTail(out, chunk));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (code ${code}, signal ${signal}) before it started:\n${out.text}`));
    });
  });
  return {
    pid: child.pid!,
    output: () => out.text,
    async kill(signal) {
      if (!gone) child.kill(signal);
      return exited;
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one `node bin/embargo.js …` command on the TypeScript sources with only the environment given (plus PATH,
 * HOME and a quiet log level), writes stdin, and waits for it to exit.
 */
export function runEmbargo(args: string[], env: Record<string, string> = {}, stdin = ""): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? os.tmpdir(),
        LOG_LEVEL: "warn",
        // The sources under test, not a dist/ built before them.
        EMBARGO_RUN_SOURCES: "1",
        ...env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** Runs one `node bin/embargo.js …` command with the server's environment and waits for it to exit. */
export function runCli(setup: ServerSetup, args: string[], stdin = ""): Promise<CliResult> {
  return runEmbargo(args, setup.env, stdin);
}
