/**
 * `npm run bench` (git part): the ancestry check of a package verification on a repository of 50,000 commits.
 * Numbers are printed, never asserted. Target: under 1 s for a fix found by ancestry and for one found by patch-id.
 *
 * The repository is made with `git fast-import` in a few seconds: 50,000 commits on main, each changing one of
 * 1,000 files. A fix branch leaves main at commit 10,000 and changes src/parser.c; its change is cherry-picked
 * onto main at commit 40,000 (same diff, so the same patch-id), and v2.0 tags the tip. A second fix is merged.
 *
 *   ancestry (merged)       merge-base --is-ancestor answers at once
 *   patch-id (cherry-pick)  the fix is not an ancestor; the 40,000 commits since the merge base are scanned by
 *                           one `git log -p --full-diff -- <fix's files> | git patch-id`
 *   missing (not released)  the same scan, finding nothing: the worst case of a fail
 *   create a fix repository a report's private repository borrowing this mirror's objects (target < 0.5 s)
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { checkAncestry, type FixToCheck } from "../../src/features/verifications/ancestry.ts";
import { createFixRepo } from "../../src/git/fix-repo.ts";
import { writeCommitGraph } from "../../src/git/history.ts";

const COMMITS = Number(process.env.BENCH_GIT_COMMITS ?? 50_000);
const FILES = 1000;
const BRANCH_AT = Math.floor(COMMITS / 5);
const PICK_AT = Math.floor((COMMITS * 4) / 5);
const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function fastImportStream(): string {
  const parts: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const commit = (
    ref: string,
    mark: number,
    from: number | null,
    file: string,
    content: string,
    msg: string,
  ) =>
    parts.push(
      `commit ${ref}\nmark :${mark}\ncommitter Bench <bench@example.org> ${1_700_000_000 + mark} +0000\n`,
      data(msg),
      from ? `from :${from}\n` : "",
      `M 100644 inline ${file}\n`,
      data(content),
      "\n",
    );
  const parser = (fixed: boolean) =>
    `int parse(const char *s) {\n  return ${fixed ? "s ? s[0] : 0" : "s[0]"};\n}\n`;
  const merged = (fixed: boolean) => `int lex(const char *s) { return ${fixed ? "s && *s" : "*s"}; }\n`;
  let mark = 1;
  commit("refs/heads/main", mark, null, "src/parser.c", parser(false), "Initial\n");
  commit("refs/heads/main", ++mark, mark - 1, "src/lexer.c", merged(false), "Lexer\n");
  const marks: Record<string, number> = {};
  for (let i = 1; i <= COMMITS; i++) {
    mark++;
    commit("refs/heads/main", mark, mark - 1, `src/f${i % FILES}.c`, `/* ${i} */\n`, `Work ${i}\n`);
    if (i === BRANCH_AT) {
      marks.base = mark;
      // The cherry-picked fix, on its own branch.
      commit("refs/heads/fix-pick", 900_001, mark, "src/parser.c", parser(true), "Fix the parser\n");
      // The merged fix, on another, merged into main below.
      commit("refs/heads/fix-merge", 900_002, mark, "src/lexer.c", merged(true), "Fix the lexer\n");
      parts.push("reset refs/heads/main\n", `from :${mark}\n\n`);
    }
    if (i === BRANCH_AT + 10) {
      mark++;
      parts.push(
        `commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@example.org> ${1_700_000_000 + mark} +0000\n`,
        data("Merge fix-merge\n"),
        `from :${mark - 1}\nmerge :900002\nM 100644 inline src/lexer.c\n`,
        data(merged(true)),
        "\n",
      );
    }
    if (i === PICK_AT) {
      mark++;
      commit("refs/heads/main", mark, mark - 1, "src/parser.c", parser(true), "Fix the parser (picked)\n");
    }
  }
  parts.push(`reset refs/tags/v2.0\nfrom :${mark}\n\n`);
  return parts.join("");
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-bench-git-"));
  const dir = path.join(root, "repo.git");
  try {
    const git = (...args: string[]) =>
      execFileSync("git", ["--git-dir", dir, ...args], { encoding: "utf8", maxBuffer: 1 << 30 }).trim();
    execFileSync("git", ["init", "-q", "--bare", dir]);
    let t0 = performance.now();
    execFileSync("git", ["--git-dir", dir, "fast-import", "--quiet"], { input: fastImportStream() });
    const count = Number(git("rev-list", "--count", "refs/tags/v2.0"));
    console.log(
      `generated ${count} commits with git fast-import in ${Math.round(performance.now() - t0)} ms`,
    );
    t0 = performance.now();
    await writeCommitGraph(dir);
    console.log(
      `wrote the commit-graph with changed-path filters in ${Math.round(performance.now() - t0)} ms (as a mirror fetch does)`,
    );
    const tag = { name: "v2.0", commit: git("rev-parse", "refs/tags/v2.0^{commit}") };
    const fix = (sha: string, files: string[]): FixToCheck => ({
      reference: "EMB-BENCH",
      kind: "commit",
      sha,
      url: null,
      subject: null,
      files,
    });
    const cases: [string, FixToCheck, string][] = [
      ["ancestry (merged)", fix(git("rev-parse", "refs/heads/fix-merge"), ["src/lexer.c"]), "pass"],
      ["patch-id (cherry-pick)", fix(git("rev-parse", "refs/heads/fix-pick"), ["src/parser.c"]), "pass"],
      ["missing (not released)", fix(git("rev-parse", "refs/heads/fix-pick"), ["src/f7.c"]), "fail"],
    ];
    for (const [name, f, expected] of cases) {
      const times: number[] = [];
      let result = "";
      let detail = "";
      for (let run = 0; run < RUNS; run++) {
        t0 = performance.now();
        const check = await checkAncestry(f, tag, [dir]);
        times.push(performance.now() - t0);
        result = check.result;
        detail = check.detail;
      }
      const ms = Math.round(median(times));
      console.log(
        `${name.padEnd(24)} ${String(ms).padStart(5)} ms median of ${RUNS}  (target < 1000 ms: ${ms < 1000 ? "met" : "MISSED"})  ${result}${result === expected ? "" : ` (expected ${expected}!)`}`,
      );
      if (process.env.BENCH_VERBOSE) console.log(`  ${detail}`);
    }

    // Creating a report's private fix repository from this mirror: a bare repository borrowing its objects
    // through alternates, with the default branch and fix/<reference> created in one ref transaction.
    const times: number[] = [];
    const mainSha = git("rev-parse", "refs/heads/main");
    for (let run = 0; run < RUNS; run++) {
      const fixDir = path.join(root, `fix-${run}.git`);
      t0 = performance.now();
      await createFixRepo(fixDir, {
        mirrorDir: dir,
        refs: { "refs/heads/main": mainSha, "refs/heads/fix/EMB-2026-0001": tag.commit },
        head: "refs/heads/fix/EMB-2026-0001",
      });
      times.push(performance.now() - t0);
    }
    const ms = Math.round(median(times));
    console.log(
      `${"create a fix repository".padEnd(24)} ${String(ms).padStart(5)} ms median of ${RUNS}  (target < 500 ms: ${ms < 500 ? "met" : "MISSED"})`,
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
