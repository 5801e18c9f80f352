import { type ChildProcess, spawn } from "node:child_process";
import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { DB_KINDS, type DbKind } from "../../test/helpers/db.ts";
import { freePort } from "../../test/helpers/net.ts";
import { BIN, serverStorage } from "../../test/helpers/serve-process.ts";

interface Started {
  stdout: string;
  stderr: string;
}

let child: ChildProcess | null = null;
let cleanup: (() => Promise<void>) | null = null;

afterEach(async () => {
  if (child && child.exitCode === null) {
    const gone = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGTERM");
    await gone;
  }
  child = null;
  await cleanup?.();
  cleanup = null;
});

/**
 * Starts `embargo serve` with stdout a pipe (not a terminal), as a service manager or container runs it, and
 * resolves with what it wrote once stdout holds `last`, the start-up report's final words.
 */
async function serveUntil(kind: DbKind, env: Record<string, string>, last: RegExp): Promise<Started> {
  const storage = await serverStorage(kind);
  cleanup = () => storage.remove();
  const port = await freePort();
  const environment: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? os.tmpdir(),
    EMBARGO_RUN_SOURCES: "1",
    LOG_LEVEL: "warn",
    ...storage.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...env,
  };
  if (environment.DATABASE_URL) {
    // Trust authentication ignores the password; the output must leave it out all the same.
    const url = new URL(environment.DATABASE_URL);
    url.password = "never-printed-pw";
    environment.DATABASE_URL = url.toString();
  }
  const proc = spawn(process.execPath, [BIN, "serve"], {
    env: environment,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  const seen: Started = { stdout: "", stderr: "" };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no start-up report within 120 s:\n${seen.stdout}${seen.stderr}`)),
      120_000,
    );
    proc.stdout!.on("data", (d: Buffer) => {
      seen.stdout += d.toString();
      if (last.test(seen.stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.stderr!.on("data", (d: Buffer) => {
      seen.stderr += d.toString();
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before reporting:\n${seen.stdout}${seen.stderr}`));
    });
  });
  return seen;
}

describe.each(DB_KINDS)("embargo serve's start-up output without a terminal, on %s", (kind) => {
  it("is pino JSON, one record a line: where, the database, mail held, the setup link, the key, the http warning", async () => {
    const { stdout, stderr } = await serveUntil(kind, {}, /RFC 9116[^\n]*\n/);
    const lines = stdout.trimEnd().split("\n");
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const r of records) {
      expect(typeof r.time).toBe("number");
      expect([30, 40]).toContain(r.level);
    }
    const byMsg = (pattern: RegExp) => records.find((r) => pattern.test(String(r.msg)));
    const running = byMsg(/^Embargo is running$/);
    expect(running).toMatchObject({
      level: 30,
      database: kind,
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    if (kind === "postgres")
      expect(running).toMatchObject({ databaseHost: "127.0.0.1", databasePort: "5432" });
    else expect(String(running?.dataDir)).toMatch(/pgdata$/);
    expect(byMsg(/mail is held in the outbox/)).toMatchObject({ level: 40, held: 0 });
    expect(byMsg(/mail intake \(IMAP\) is off/)).toBeDefined();
    expect(String(byMsg(/setup link/)?.setupUrl)).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/setup\/[A-Za-z0-9_-]+$/,
    );
    expect(String(byMsg(/created a new data key file/)?.file)).toMatch(/secret\.key$/);
    expect(byMsg(/RFC 9116/)?.level).toBe(40);
    // The new key is reported once, on stdout, not again in the log; and no password is printed anywhere.
    expect(stderr).not.toContain("created a new data key file");
    expect(stdout + stderr).not.toContain("never-printed-pw");
  }, 150_000);
});

describe("embargo serve with LOG_FORMAT=text", () => {
  it("speaks sentences even without a terminal, and logs them too", async () => {
    const { stdout, stderr } = await serveUntil(
      "pglite",
      { LOG_FORMAT: "text", EMBARGO_SECRET_KEY: "a".repeat(64) },
      /^Warning: PUBLIC_URL[^\n]*\n/m,
    );
    expect(stdout).toMatch(
      /^Embargo is running at http:\/\/127\.0\.0\.1:\d+ \(listening on 127\.0\.0\.1:\d+\)\.\n/,
    );
    expect(stdout).toContain("Mail: HELD. SMTP_URL is not set");
    expect(stdout).toMatch(
      /No admin exists yet\. Create the first admin here[^\n]*\n {2}http:\/\/127\.0\.0\.1:\d+\/setup\//,
    );
    expect(stdout).toContain("Data key: read from EMBARGO_SECRET_KEY.");
    expect(stdout).not.toMatch(/^\{/m);
    expect(stderr).not.toMatch(/^\{/m);
  }, 150_000);
});
