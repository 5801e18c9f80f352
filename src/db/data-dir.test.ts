import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dataDirRepair } from "./data-dir.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/embargo.js");

/** Runs the real CLI under a permissive umask, as a default shell would start it. */
function migrateUnderUmask022(dataDir: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", `umask 022; exec "${process.execPath}" "${BIN}" migrate`], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: os.tmpdir(),
        LOG_LEVEL: "warn",
        EMBARGO_DATA_DIR: dataDir,
        // The sources under test, not a dist/ built before them.
        EMBARGO_RUN_SOURCES: "1",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

/**
 * Every directory under dir that group or others may enter or list. PGlite gives its files mode 0666 itself,
 * so private directories are what keep the files unreachable.
 */
function directoriesOpenToOthers(dir: string): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    const stat = fs.lstatSync(p);
    if (!stat.isDirectory()) return;
    if ((stat.mode & 0o077) !== 0)
      found.push(`${path.relative(dir, p) || "."} ${(stat.mode & 0o777).toString(8)}`);
    for (const entry of fs.readdirSync(p)) walk(path.join(p, entry));
  };
  walk(dir);
  return found;
}

describe("the data dir's modes", { timeout: 90_000 }, () => {
  it("decides: private is fine, ours is tightened, someone else's is reported", () => {
    expect(dataDirRepair(0o700, true)).toBe("ok");
    expect(dataDirRepair(0o700, false)).toBe("ok");
    expect(dataDirRepair(0o750, true)).toBe("fix");
    expect(dataDirRepair(0o755, true)).toBe("fix");
    expect(dataDirRepair(0o777, true)).toBe("fix");
    expect(dataDirRepair(0o701, true)).toBe("fix");
    expect(dataDirRepair(0o755, false)).toBe("warn");
    expect(dataDirRepair(0o1777, false)).toBe("warn");
  });

  it("creates a new data dir 0700 whose directories no other user can enter, even under umask 022", async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-modes-"));
    const dataDir = path.join(parent, "data");
    try {
      const result = await migrateUnderUmask022(dataDir);
      expect(result.code).toBe(0);
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(fs.existsSync(path.join(dataDir, "pgdata"))).toBe(true);
      expect(directoriesOpenToOthers(dataDir)).toEqual([]);
      expect(fs.statSync(path.join(dataDir, "secret.key")).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });

  it("tightens an existing world-readable data dir it owns, and says so", async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-modes-"));
    const dataDir = path.join(parent, "data");
    try {
      fs.mkdirSync(dataDir);
      fs.chmodSync(dataDir, 0o755);
      const result = await migrateUnderUmask022(dataDir);
      expect(result.code).toBe(0);
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(result.stderr).toMatch(/readable by other users; its mode is now 0700/);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});
