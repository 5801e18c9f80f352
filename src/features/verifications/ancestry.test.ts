import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeReleaseRepo, type ReleaseRepo } from "../../../test/helpers/release-repo.ts";
import { checkAncestry, type FixToCheck } from "./ancestry.ts";

/**
 * A fix pushed only to the report's private fix repository (which borrows the mirror's objects through
 * alternates) and cherry-picked upstream: the original commit is not in the mirror, and is still found.
 */
let repo: ReleaseRepo;
let mirror: string;
let fixRepo: string;
const fix = (sha: string, files: string[] | null = ["src/b.c"]): FixToCheck => ({
  reference: "EMB-2026-0001",
  kind: "commit",
  sha,
  url: null,
  subject: "Fix b",
  files,
});

beforeAll(() => {
  repo = makeReleaseRepo();
  mirror = path.join(repo.root, "mirror.git");
  fixRepo = path.join(repo.root, "fix.git");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo.root, encoding: "utf8" });
  git("clone", "-q", "--bare", "--no-local", "--single-branch", "--branch", "main", repo.upstream, mirror);
  git("--git-dir", mirror, "fetch", "-q", repo.upstream, "refs/tags/*:refs/tags/*");
  git("init", "-q", "--bare", fixRepo);
  fs.writeFileSync(path.join(fixRepo, "objects", "info", "alternates"), `${path.join(mirror, "objects")}\n`);
  repo.git("push", "-q", fixRepo, "fix-pick:refs/heads/fix/EMB-2026-0001");
});
afterAll(() => repo.cleanup());

describe("checkAncestry with the report's fix repository", () => {
  const v12 = () => ({ name: "v1.2", commit: repo.sha.v12 });

  it("finds a fix commit that only the fix repository has, and its cherry-pick upstream", async () => {
    const c = await checkAncestry(fix(repo.sha.pick), v12(), [fixRepo, mirror]);
    expect(c).toMatchObject({ kind: "ancestry", result: "pass" });
    expect(c.detail).toContain(`commit ${repo.sha.picked} has the same patch-id`);
  });

  it("reads the whole range when the fix names no files", async () => {
    const c = await checkAncestry(fix(repo.sha.pick, null), v12(), [fixRepo, mirror]);
    expect(c.result).toBe("pass");
  });

  it("fails, saying where it looked, when no repository has the commit", async () => {
    const c = await checkAncestry(fix(repo.sha.pick), v12(), [mirror]);
    expect(c).toMatchObject({
      result: "fail",
      detail: expect.stringMatching(/neither in the upstream nor in the report's fix repository/),
    });
  });

  it("skips a fix whose SHA is not a full SHA, and a link without one", async () => {
    expect((await checkAncestry(fix("abc123"), v12(), [mirror])).result).toBe("skip");
    const link = { ...fix(""), kind: "link" as const, sha: null, url: "https://example.org/pr/1" };
    expect(await checkAncestry(link, v12(), [mirror])).toMatchObject({
      result: "skip",
      subject: "EMB-2026-0001 https://example.org/pr/1",
    });
  });

  it("ignores file lists with a path that is not plain, scanning the whole range instead", async () => {
    const c = await checkAncestry(fix(repo.sha.pick, ["src/b.c", "../x"]), v12(), [fixRepo, mirror]);
    expect(c.result).toBe("pass");
  });
});
