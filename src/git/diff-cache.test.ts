import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cachedDiffRange } from "./diff-cache.ts";
import { GitError } from "./git.ts";

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-C", dir, "-c", "user.name=T", "-c", "user.email=t@example.org", ...args], {
    encoding: "utf8",
  }).trim();

describe("cachedDiffRange", () => {
  let root: string;
  let bare: string;
  let base: string;
  let head: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-diff-cache-"));
    const work = path.join(root, "work");
    fs.mkdirSync(work);
    git(work, "init", "-q", "-b", "main");
    fs.writeFileSync(path.join(work, "a.txt"), "one\n");
    git(work, "add", ".");
    git(work, "commit", "-qm", "one");
    base = git(work, "rev-parse", "HEAD");
    fs.writeFileSync(path.join(work, "a.txt"), "one\ntwo\n");
    git(work, "commit", "-qam", "two");
    head = git(work, "rev-parse", "HEAD");
    bare = path.join(root, "fix.git");
    execFileSync("git", ["clone", "-q", "--bare", work, bare]);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("answers a second read of the same SHAs from memory, with the same diff", async () => {
    const first = await cachedDiffRange(bare, base, head);
    expect(first.files).toEqual([{ path: "a.txt", oldPath: null, additions: 1, deletions: 0 }]);
    expect(first.patch).toContain("+two");
    const second = await cachedDiffRange(bare, base, head);
    expect(second).toBe(first);
  });

  it("reads again for other SHAs, and never answers for a repository that is gone", async () => {
    const reverse = await cachedDiffRange(bare, head, base);
    expect(reverse.patch).toContain("-two");
    fs.rmSync(bare, { recursive: true, force: true });
    await expect(cachedDiffRange(bare, base, head)).rejects.toBeInstanceOf(GitError);
  });
});
