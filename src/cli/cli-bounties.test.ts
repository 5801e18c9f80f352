import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEmbargo } from "../../test/helpers/server-process.ts";

describe("embargo bounties export", { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-cli-bounties-"));
    env = { EMBARGO_DATA_DIR: dir };
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes the year's CSV to stdout: the header on a fresh install", async () => {
    const result = await runEmbargo(["bounties", "export", "--year", "2026"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('"reference","date","amount","currency","state","payout method"\r\n');
  });

  it("refuses a year that is not four digits, with exit code 2", async () => {
    const result = await runEmbargo(["bounties", "export", "--year", "26; drop"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/four digits/);
  });
});
