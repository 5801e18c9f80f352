import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  blobAtTag,
  fetchMirror,
  GitError,
  initBare,
  isAncestor,
  listCommits,
  patchId,
  resolveRef,
} from "./git.ts";

/** A work tree made with the system git, as a developer would: the upstream the mirror fetches from. */
let root: string;
let work: string;
let upstream: string;
let mirror: string;
const sha: Record<string, string> = {};

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      HOME: root,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_AUTHOR_NAME: "Ada",
      GIT_AUTHOR_EMAIL: "ada@example.org",
      GIT_COMMITTER_NAME: "Ada",
      GIT_COMMITTER_EMAIL: "ada@example.org",
    },
  }).trim();

function commit(file: string, content: string, message: string): string {
  fs.writeFileSync(path.join(work, file), content);
  git(work, "add", "--", file);
  git(work, "commit", "-q", "-m", message);
  return git(work, "rev-parse", "HEAD");
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-git-test-"));
  work = path.join(root, "work");
  upstream = path.join(root, "upstream.git");
  mirror = path.join(root, "mirrors", "m.git");
  fs.mkdirSync(work);
  git(work, "init", "-q", "-b", "main");
  sha.base = commit("app.c", "int main() { return 0; }\n", "Initial");
  sha.second = commit("README", "app\n", "Readme");
  git(work, "tag", "v1.0");
  git(work, "checkout", "-q", "-b", "fix/EMB-1");
  sha.fix = commit("app.c", "int main() { return 1; }\n", "Fix the bug");
  git(work, "checkout", "-q", "main");
  sha.other = commit("NEWS", "news\n", "News");
  git(work, "cherry-pick", sha.fix);
  sha.picked = git(work, "rev-parse", "HEAD");
  git(work, "tag", "-a", "-m", "Release 1.1", "v1.1");
  git(root, "clone", "-q", "--bare", work, upstream);
  await initBare(mirror);
  await fetchMirror(mirror, upstream);
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe("a bare mirror of a local upstream", () => {
  it("holds the upstream's branches and tags after a fetch from an absolute path", async () => {
    expect(await resolveRef(mirror, "refs/heads/main")).toBe(sha.picked);
    expect(await resolveRef(mirror, "refs/heads/fix/EMB-1")).toBe(sha.fix);
    expect(await resolveRef(mirror, "refs/tags/v1.0")).toBe(sha.second);
    // An annotated tag resolves to its commit, not to the tag object.
    expect(await resolveRef(mirror, "refs/tags/v1.1")).toBe(sha.picked);
  });

  it("fetches from a file:// URL too, and prunes a branch the upstream deleted", async () => {
    const other = path.join(root, "mirrors", "file.git");
    await initBare(other);
    await fetchMirror(other, `file://${upstream}`);
    expect(await resolveRef(other, "refs/heads/fix/EMB-1")).toBe(sha.fix);
    git(upstream, "branch", "-D", "fix/EMB-1");
    await fetchMirror(other, `file://${upstream}`);
    expect(await resolveRef(other, "refs/heads/fix/EMB-1")).toBeNull();
    git(upstream, "branch", "fix/EMB-1", sha.fix!);
  });

  it("initialising again leaves the mirror as it was", async () => {
    await initBare(mirror);
    expect(await resolveRef(mirror, "refs/heads/main")).toBe(sha.picked);
  });

  it("answers null for a ref or commit that does not exist", async () => {
    expect(await resolveRef(mirror, "refs/heads/nope")).toBeNull();
    expect(await resolveRef(mirror, "0".repeat(40))).toBeNull();
    expect(await resolveRef(mirror, sha.fix!)).toBe(sha.fix);
  });

  it("fails clearly on an upstream that is not a repository, naming git's reason", async () => {
    const err = await fetchMirror(mirror, path.join(root, "missing.git")).catch((e) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err.kind).toBe("failed");
    expect(err.message).toMatch(/^git fetch failed: .*(does not appear to be a git repository|not.*found)/is);
  });
});

describe("refusing hostile arguments before git runs", () => {
  it.each([
    "ext::sh -c touch% /tmp/embargo-pwned",
    "--upload-pack=touch /tmp/embargo-pwned",
    "-oProxyCommand=touch /tmp/embargo-pwned",
    "ssh://-oProxyCommand=touch%20x/r",
    "http://example.org/r.git",
    "relative/dir",
  ])("refuses the upstream %j", async (url) => {
    const err = await fetchMirror(mirror, url).catch((e) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err.kind).toBe("invalid");
    expect(fs.existsSync("/tmp/embargo-pwned")).toBe(false);
  });

  it.each([
    "main",
    "--all",
    "refs/heads/-x",
    "refs/heads/a..b",
    "refs/heads/a b",
    "HEAD",
    "@{-1}",
    "abc1234",
  ])("refuses the ref %j", async (ref) => {
    await expect(resolveRef(mirror, ref)).rejects.toMatchObject({ kind: "invalid" });
  });

  it("takes only full SHAs where commits are compared or listed", async () => {
    await expect(isAncestor(mirror, "HEAD", sha.fix!)).rejects.toMatchObject({ kind: "invalid" });
    await expect(isAncestor(mirror, sha.fix!, "--all")).rejects.toMatchObject({ kind: "invalid" });
    await expect(patchId(mirror, sha.fix!.slice(0, 12))).rejects.toMatchObject({ kind: "invalid" });
    await expect(listCommits(mirror, { tip: "refs/heads/main" })).rejects.toMatchObject({ kind: "invalid" });
    await expect(listCommits(mirror, { tip: sha.fix!, exclude: ["--all"] })).rejects.toMatchObject({
      kind: "invalid",
    });
  });

  it("refuses a relative repository directory and a path that climbs out of the tree", async () => {
    await expect(resolveRef("mirror.git", "refs/heads/main")).rejects.toMatchObject({ kind: "invalid" });
    for (const p of ["../etc/passwd", "/etc/passwd", "a//b", "./app.c", ""])
      await expect(blobAtTag(mirror, "v1.0", p)).rejects.toMatchObject({ kind: "invalid" });
  });

  it("writes an SSH deploy key to a private temporary file and removes it after the fetch, failed or not", async () => {
    const leftovers = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("embargo-git-key-"));
    const before = leftovers();
    // Port 1 on loopback refuses at once: the fetch fails, and the key must still be gone.
    const err = await fetchMirror(mirror, "ssh://git@127.0.0.1:1/repo.git", {
      credentials: { kind: "ssh_key", privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n" },
      timeoutMs: 20_000,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err.kind).toBe("failed");
    expect(leftovers()).toEqual(before);
  });

  it("refuses an HTTPS token for a non-https upstream and a deploy key for a local one", async () => {
    await expect(
      fetchMirror(mirror, upstream, { credentials: { kind: "https_token", token: "t" } }),
    ).rejects.toMatchObject({ kind: "invalid" });
    await expect(
      fetchMirror(mirror, upstream, { credentials: { kind: "ssh_key", privateKey: "k" } }),
    ).rejects.toMatchObject({ kind: "invalid" });
  });
});

describe("ancestry, patch-ids, commit lists and blobs", () => {
  it("says whether a commit is an ancestor, and never reads 'no' as 'yes'", async () => {
    expect(await isAncestor(mirror, sha.base!, sha.picked!)).toBe(true);
    expect(await isAncestor(mirror, sha.picked!, sha.picked!)).toBe(true);
    expect(await isAncestor(mirror, sha.fix!, sha.picked!)).toBe(false);
    expect(await isAncestor(mirror, sha.picked!, sha.base!)).toBe(false);
  });

  it("throws, rather than answering, for a commit the repository does not have", async () => {
    const err = await isAncestor(mirror, "1".repeat(40), sha.picked!).catch((e) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err.kind).toBe("failed");
  });

  it("gives a cherry-pick the patch-id of its original, and another change another one", async () => {
    const original = await patchId(mirror, sha.fix!);
    expect(original).toMatch(/^[0-9a-f]{40}$/);
    expect(await patchId(mirror, sha.picked!)).toBe(original);
    expect(await patchId(mirror, sha.other!)).not.toBe(original);
  });

  it("lists the commits of a range, newest first, with author and subject", async () => {
    const commits = await listCommits(mirror, { tip: sha.picked!, exclude: [sha.second!] });
    expect(commits.map((c) => c.sha)).toEqual([sha.picked, sha.other]);
    expect(commits[0]).toMatchObject({
      parents: [sha.other],
      authorName: "Ada",
      authorEmail: "ada@example.org",
      subject: "Fix the bug",
    });
    expect(commits[0]!.authoredAt.getTime()).toBeGreaterThan(0);
    expect(await listCommits(mirror, { tip: sha.picked!, max: 1 })).toHaveLength(1);
  });

  it("reads a file's blob hash at a tag, and null for a file the tag lacks", async () => {
    const blob = git(work, "rev-parse", "v1.1:app.c");
    expect(await blobAtTag(mirror, "v1.1", "app.c")).toBe(blob);
    expect(await blobAtTag(mirror, "v1.0", "app.c")).not.toBe(blob);
    expect(await blobAtTag(mirror, "v1.0", "NEWS")).toBeNull();
    await expect(blobAtTag(mirror, "v9", "app.c")).rejects.toMatchObject({ kind: "invalid" });
  });
});

describe("limits", () => {
  it("kills git when its output passes the limit", async () => {
    const err = await listCommits(mirror, { tip: sha.picked! }, { maxOutputBytes: 10 }).catch((e) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err.kind).toBe("too_large");
  });

  it("kills git when it runs past its timeout", async () => {
    // A repository whose packed-refs is a FIFO: git blocks forever opening it.
    const stuck = path.join(root, "stuck.git");
    await initBare(stuck);
    execFileSync("mkfifo", [path.join(stuck, "packed-refs")]);
    const started = Date.now();
    const err = await resolveRef(stuck, "refs/heads/main", { timeoutMs: 300 }).catch((e) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err.kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("does not let the caller's GIT_* variables reach git", async () => {
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = path.join(root, "elsewhere.git");
    try {
      expect(await resolveRef(mirror, "refs/heads/main")).toBe(sha.picked);
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
  });
});
