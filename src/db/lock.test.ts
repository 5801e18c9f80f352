import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  DataDirLockedError,
  formatHolder,
  holderAlive,
  lockDataDir,
  parseHolder,
  processStartTime,
} from "./lock.ts";

const run = promisify(execFile);
const dirs: string[] = [];
const children: ChildProcess[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-lock-"));
  dirs.push(dir);
  return dir;
}

/** A live process that is not us. */
function sleeper(): ChildProcess {
  const child = spawn("sleep", ["60"], { stdio: "ignore" });
  children.push(child);
  return child;
}

/** A pid that belonged to a process which has exited. */
async function deadPid(): Promise<number> {
  const child = spawn("true", { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the lock file's holder", () => {
  it("reads the pid and start time, the older pid-only form, and nothing else", () => {
    expect(parseHolder("123 456\n")).toEqual({ pid: 123, started: "456" });
    expect(parseHolder("123")).toEqual({ pid: 123, started: null });
    for (const bad of ["", "abc", "0", "-5", "12 ab", "1 2 3", "9".repeat(11)])
      expect(parseHolder(bad)).toBeNull();
    expect(formatHolder({ pid: 7, started: null })).toBe("7");
    expect(parseHolder(formatHolder({ pid: 7, started: "99" }))).toEqual({ pid: 7, started: "99" });
  });

  it("is alive only while its pid runs with the same start time", async () => {
    const child = sleeper();
    const started = processStartTime(child.pid!);
    expect(started).toMatch(/^\d+$/);
    expect(holderAlive({ pid: child.pid!, started })).toBe(true);
    expect(holderAlive({ pid: child.pid!, started: null })).toBe(true);
    expect(holderAlive({ pid: child.pid!, started: `${started}1` })).toBe(false); // the pid was reused
    expect(holderAlive({ pid: await deadPid(), started: null })).toBe(false);
  });
});

describe("lockDataDir", () => {
  it("takes the dir, refuses a second holder while the first runs, and frees it on release", () => {
    const dir = tempDir();
    const release = lockDataDir(dir);
    const written = parseHolder(fs.readFileSync(path.join(dir, "embargo.lock"), "utf8"));
    expect(written).toEqual({ pid: process.pid, started: processStartTime(process.pid) });
    release();
    expect(fs.existsSync(path.join(dir, "embargo.lock"))).toBe(false);
  });

  it("names the live holder, in both file formats", () => {
    const child = sleeper();
    for (const content of [
      String(child.pid),
      formatHolder({ pid: child.pid!, started: processStartTime(child.pid!) }),
    ]) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, "embargo.lock"), content);
      expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
      expect(() => lockDataDir(dir)).toThrow(`pid ${child.pid}`);
      expect(fs.readFileSync(path.join(dir, "embargo.lock"), "utf8")).toBe(content); // untouched
    }
  });

  it("takes over a lock whose process is gone, whose pid now belongs to another process, or that is unreadable", async () => {
    const child = sleeper();
    const cases = [
      String(await deadPid()),
      formatHolder({ pid: child.pid!, started: "1" }), // kill -9, then a container restart reused the pid
      "garbage",
    ];
    for (const content of cases) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, "embargo.lock"), content);
      const release = lockDataDir(dir);
      expect(parseHolder(fs.readFileSync(path.join(dir, "embargo.lock"), "utf8"))?.pid).toBe(process.pid);
      release();
    }
  });

  it("lets exactly one of several processes starting together take over a stale lock", async () => {
    const dir = tempDir();
    const script = path.join(dir, "take.mts");
    // The winner holds the lock until the test says the others are done, however slowly they start.
    fs.writeFileSync(
      script,
      `import fs from "node:fs";
import { lockDataDir } from ${JSON.stringify(path.resolve(import.meta.dirname, "lock.ts"))};
try {
  lockDataDir(process.argv[2]);
  const until = Date.now() + 50_000;
  while (!fs.existsSync(process.argv[3]) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  console.log("locked");
} catch (e) { console.log(e.name); }`,
    );
    for (let round = 0; round < 3; round++) {
      const data = path.join(dir, `data${round}`);
      const release = path.join(dir, `release${round}`);
      fs.mkdirSync(data);
      fs.writeFileSync(path.join(data, "embargo.lock"), String(await deadPid()));
      let refused = 0;
      const all = Array.from({ length: 6 }, () =>
        run(process.execPath, ["--import", "tsx", script, data, release]).then((r) => {
          const outcome = r.stdout.trim();
          if (outcome !== "locked" && ++refused === 5) fs.writeFileSync(release, "");
          return outcome;
        }),
      );
      const outcomes = await Promise.all(all);
      expect(outcomes.filter((o) => o === "locked")).toHaveLength(1);
      expect(outcomes.filter((o) => o !== "locked")).toEqual(Array(5).fill("DataDirLockedError"));
    }
  }, 60_000);
});
