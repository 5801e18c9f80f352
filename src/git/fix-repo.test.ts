import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  changedFiles,
  createFixRepo,
  FIX_REF_PREFIX,
  type FixRepoLayout,
  listRefs,
  PRE_RECEIVE_HOOK,
  writePushHooks,
} from "./fix-repo.ts";
import { fetchMirror, GitError, initBare, resolveRef } from "./git.ts";
import { parseCgiHeaders } from "./http-backend.ts";

let root: string;
let work: string;
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

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-fix-repo-"));
  work = path.join(root, "work");
  fs.mkdirSync(work);
  git(work, "init", "-q", "-b", "main");
  fs.writeFileSync(path.join(work, "a.c"), "one\n");
  git(work, "add", "a.c");
  git(work, "commit", "-q", "-m", "Initial");
  sha.initial = git(work, "rev-parse", "HEAD");
  git(work, "tag", "v1.0");
  fs.mkdirSync(path.join(work, "src"));
  fs.writeFileSync(path.join(work, "src", "b ü.c"), "two\n");
  fs.writeFileSync(path.join(work, "a.c"), "one and a half\n");
  git(work, "add", ".");
  git(work, "commit", "-q", "-m", "Second");
  sha.second = git(work, "rev-parse", "HEAD");
  mirror = path.join(root, "mirror.git");
  await initBare(mirror);
  await fetchMirror(mirror, work);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("createFixRepo", () => {
  it("creates a bare repository that borrows the mirror's objects and holds only the given branches", async () => {
    const dir = path.join(root, "fixes", "r1.git");
    await createFixRepo(dir, {
      mirrorDir: mirror,
      refs: { "refs/heads/main": sha.second!, "refs/heads/fix/EMB-2026-0001": sha.initial! },
      head: "refs/heads/fix/EMB-2026-0001",
    });
    expect(fs.readFileSync(path.join(dir, "objects", "info", "alternates"), "utf8")).toBe(
      `${path.join(mirror, "objects")}\n`,
    );
    // No object was copied: the pack directory is empty.
    expect(fs.readdirSync(path.join(dir, "objects", "pack"))).toEqual([]);
    expect(await resolveRef(dir, "refs/heads/main")).toBe(sha.second);
    expect(await listRefs(dir, FIX_REF_PREFIX)).toEqual(
      new Map([["refs/heads/fix/EMB-2026-0001", sha.initial]]),
    );
    expect(await listRefs(dir, "refs/tags/")).toEqual(new Map());
    expect(git(root, "--git-dir", dir, "symbolic-ref", "HEAD")).toBe("refs/heads/fix/EMB-2026-0001");
  });

  it("replaces a leftover directory, as after a rolled-back transaction", async () => {
    const dir = path.join(root, "fixes", "r2.git");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "junk"), "left over");
    await createFixRepo(dir, {
      mirrorDir: mirror,
      refs: { "refs/heads/fix/x": sha.second! },
      head: "refs/heads/fix/x",
    });
    expect(fs.existsSync(path.join(dir, "junk"))).toBe(false);
    expect(await resolveRef(dir, "refs/heads/fix/x")).toBe(sha.second);
  });

  it("refuses tags, abbreviated SHAs, odd ref names, a HEAD outside the refs and a missing mirror", async () => {
    const dir = path.join(root, "fixes", "bad.git");
    const tries: FixRepoLayout[] = [
      { mirrorDir: mirror, refs: { "refs/tags/v1": sha.initial! }, head: "refs/tags/v1" },
      {
        mirrorDir: mirror,
        refs: { "refs/heads/fix/x": sha.initial!.slice(0, 12) },
        head: "refs/heads/fix/x",
      },
      { mirrorDir: mirror, refs: { "refs/heads/-x": sha.initial! }, head: "refs/heads/-x" },
      { mirrorDir: mirror, refs: { "refs/heads/fix/x": sha.initial! }, head: "refs/heads/main" },
      {
        mirrorDir: path.join(root, "nowhere.git"),
        refs: { "refs/heads/fix/x": sha.initial! },
        head: "refs/heads/fix/x",
      },
    ];
    for (const layout of tries) await expect(createFixRepo(dir, layout)).rejects.toBeInstanceOf(GitError);
    await expect(
      createFixRepo("relative.git", {
        mirrorDir: mirror,
        refs: { "refs/heads/fix/x": sha.initial! },
        head: "refs/heads/fix/x",
      }),
    ).rejects.toBeInstanceOf(GitError);
  });

  it("fails, creating no ref, when a commit is not in the mirror", async () => {
    const dir = path.join(root, "fixes", "r3.git");
    await expect(
      createFixRepo(dir, {
        mirrorDir: mirror,
        refs: { "refs/heads/main": sha.second!, "refs/heads/fix/x": "1".repeat(40) },
        head: "refs/heads/fix/x",
      }),
    ).rejects.toBeInstanceOf(GitError);
    expect(await listRefs(dir, "refs/heads/")).toEqual(new Map());
  });
});

describe("listRefs and changedFiles", () => {
  it("refuses a prefix that is not a ref directory", async () => {
    for (const prefix of ["heads/", "refs/heads", "refs/*/", "--all/"])
      await expect(listRefs(mirror, prefix)).rejects.toBeInstanceOf(GitError);
  });

  it("lists the files a commit changed against its parent, and every file of a root commit", async () => {
    expect((await changedFiles(mirror, sha.second!, sha.initial!)).sort()).toEqual(["a.c", "src/b ü.c"]);
    expect(await changedFiles(mirror, sha.initial!, null)).toEqual(["a.c"]);
    await expect(changedFiles(mirror, "HEAD", null)).rejects.toBeInstanceOf(GitError);
  });
});

describe("the pre-receive hook", () => {
  const run = (stdin: string) => {
    const dir = path.join(root, "hooks");
    writePushHooks(dir);
    const result = spawnSync("sh", [path.join(dir, "pre-receive")], { input: stdin, encoding: "utf8" });
    return { code: result.status, stderr: result.stderr };
  };
  const zero = "0".repeat(40);

  it("is written once, executable, and rewritten when changed", () => {
    const dir = path.join(root, "hooks");
    writePushHooks(dir);
    const file = path.join(dir, "pre-receive");
    expect(fs.statSync(file).mode & 0o777).toBe(0o700);
    fs.writeFileSync(file, "#!/bin/sh\nexit 0\n");
    writePushHooks(dir);
    expect(fs.readFileSync(file, "utf8")).toBe(PRE_RECEIVE_HOOK);
  });

  it("accepts new and moved branches under fix/", () => {
    expect(
      run(`${zero} ${sha.second} refs/heads/fix/EMB-1\n${sha.initial} ${sha.second} refs/heads/fix/a/b\n`),
    ).toEqual({
      code: 0,
      stderr: "",
    });
  });

  it("refuses the default branch, tags, other refs and deletions, saying why", () => {
    for (const line of [
      `${sha.initial} ${sha.second} refs/heads/main`,
      `${zero} ${sha.second} refs/tags/v9`,
      `${zero} ${sha.second} refs/heads/fixes`,
      `${zero} ${sha.second} refs/notes/commits`,
    ]) {
      const { code, stderr } = run(`${line}\n`);
      expect(code).toBe(1);
      expect(stderr).toContain("is read-only here; push your fix to a branch under fix/");
    }
    for (const ref of ["refs/heads/main", "refs/heads/fix/EMB-1"]) {
      const { code, stderr } = run(`${sha.initial} ${zero} ${ref}\n`);
      expect(code).toBe(1);
      expect(stderr).toContain(`deleting ${ref} is not allowed`);
    }
  });

  it("refuses a whole push when one of its refs is refused", () => {
    expect(
      run(`${zero} ${sha.second} refs/heads/fix/ok\n${sha.initial} ${sha.second} refs/heads/main\n`).code,
    ).toBe(1);
  });
});

describe("parseCgiHeaders", () => {
  it("reads the status line and headers, ignoring malformed lines", () => {
    const { status, headers } = parseCgiHeaders(
      "Status: 403 Forbidden\r\nContent-Type: text/plain\r\nBad Header: x\r\nno colon\r\nExpires: Fri, 01 Jan 1980",
    );
    expect(status).toBe(403);
    expect(headers.get("content-type")).toBe("text/plain");
    expect(headers.get("expires")).toBe("Fri, 01 Jan 1980");
    const names: string[] = [];
    headers.forEach((_v, name) => {
      names.push(name);
    });
    expect(names).toEqual(["content-type", "expires"]);
  });

  it("defaults to 200 and ignores an impossible status", () => {
    expect(parseCgiHeaders("Content-Type: x").status).toBe(200);
    expect(parseCgiHeaders("Status: 9999 Nonsense").status).toBe(200);
  });
});
