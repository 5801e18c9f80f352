import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const BIN = path.resolve(import.meta.dirname, "../../bin/embargo.js");
const VECTORS_DIR = path.resolve(import.meta.dirname, "../../../shared/vectors/cvss");

/** Runs `embargo score` with the given stdin or arguments in a real process. */
function score(
  args: string[],
  stdin = "",
): Promise<{ code: number | null; lines: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "score", ...args], {
      // The sources under test, not a dist/ built before them.
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        LOG_LEVEL: "warn",
        EMBARGO_RUN_SOURCES: "1",
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        lines: stdout
          .trim()
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      }),
    );
    child.stdin.end(stdin);
  });
}

/** The specification's qualitative bands, written out here independently of the code under test. */
function band(score: number): string {
  if (score === 0) return "None";
  if (score <= 3.9) return "Low";
  if (score <= 6.9) return "Medium";
  if (score <= 8.9) return "High";
  return "Critical";
}

interface Expected {
  vector: string;
  scores: number[];
}

/** Every `VECTOR - (b, t, e)`, `VECTOR - (s,)` or `VECTOR - s` line of the shared Red Hat files. */
function sharedVectors(): Expected[] {
  const out: Expected[] = [];
  for (const file of fs.readdirSync(VECTORS_DIR).filter((f) => /^redhat_vectors_.*\.txt$/.test(f))) {
    for (const line of fs.readFileSync(path.join(VECTORS_DIR, file), "utf8").split(/\r?\n/)) {
      const m = /^(\S+) - \(?([0-9.]+(?:, ?[0-9.]+)*),?\)?$/.exec(line.trim());
      if (m) out.push({ vector: m[1]!, scores: m[2]!.split(/, ?/).map(Number) });
    }
  }
  return out;
}

describe("embargo score with CVSS vectors", { timeout: 120_000 }, () => {
  it("prints every shared vector's scores exactly, one JSON object per line", async () => {
    const expected = sharedVectors();
    expect(expected.length).toBeGreaterThan(6000);
    const { code, lines } = await score([], expected.map((e) => e.vector).join("\n"));
    expect(code).toBe(0);
    expect(lines).toHaveLength(expected.length);
    const wrong: string[] = [];
    expected.forEach((e, i) => {
      const line = lines[i]!;
      const want = e.vector.startsWith("CVSS:4.0/")
        ? { vector: e.vector, version: "4.0", score: e.scores[0], severity: band(e.scores[0]!) }
        : {
            vector: e.vector,
            version: e.vector.slice(5, 8),
            baseScore: e.scores[0],
            baseSeverity: band(e.scores[0]!),
            temporalScore: e.scores[1],
            environmentalScore: e.scores[2],
          };
      if (JSON.stringify(line) !== JSON.stringify(want))
        wrong.push(`${JSON.stringify(line)} != ${JSON.stringify(want)}`);
    });
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it("prints temporal and environmental scores as numbers for a base-only 3.1 vector", async () => {
    const { code, lines } = await score(["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]);
    expect(code).toBe(0);
    expect(lines).toEqual([
      {
        vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        version: "3.1",
        baseScore: 9.8,
        baseSeverity: "Critical",
        temporalScore: 9.8,
        environmentalScore: 9.8,
      },
    ]);
  });

  it("reports each bad vector as one JSON error line naming the problem, with exit code 1", async () => {
    const good = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
    const bad: Array<[string, RegExp]> = [
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", /metric "A" is missing/],
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N", /duplicated metric "AV"/],
      ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SA:N/SI:N", /out of order/],
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/FOO:1", /unknown metric "FOO"/],
      ["CVSS:9.9/AV:N", /unsupported CVSS version/],
      ["cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", /case-sensitive/],
    ];
    const { code, lines } = await score([], [good, ...bad.map(([v]) => v)].join("\n"));
    expect(code).toBe(1);
    expect(lines).toHaveLength(bad.length + 1);
    expect(lines[0]).toMatchObject({ vector: good, score: 9.3, severity: "Critical" });
    bad.forEach(([vector, message], i) => {
      expect(lines[i + 1]).toEqual({ vector, error: expect.stringMatching(message) });
    });
  });
});
