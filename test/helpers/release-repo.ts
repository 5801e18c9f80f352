import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Gpg } from "./pgp.ts";

/**
 * A local upstream with one release per way a fix reaches it, made with the system git as a maintainer would:
 *
 *   v0.9       the base, before any fix
 *   v1.1       fix `merge` (src/a.c) merged with --no-ff: the fix commit is an ancestor
 *   v1.2       fix `pick` (src/b.c) cherry-picked onto main: another SHA, the same patch-id
 *   v1.3       fix `squash` (src/c.c) squashed with an unrelated change to src/d.c: a different patch-id
 *
 * Each fix stays on its own branch (fix-merge, fix-pick, fix-squash), so a mirror fetches every fix commit.
 * `fixedBlob` is each fixed file's git blob hash after the fix, `oldBlob` before.
 */
export interface ReleaseRepo {
  root: string;
  work: string;
  upstream: string;
  sha: Record<"base" | "merge" | "pick" | "picked" | "squash" | "squashed" | "v11" | "v12" | "v13", string>;
  fixed: Record<"a" | "b" | "c", string>;
  old: Record<"a" | "b" | "c", string>;
  git: (...args: string[]) => string;
  /** Pushes the work tree's refs (branches and tags) to the upstream. */
  publish(): void;
  cleanup(): void;
}

const OLD = (name: string) => `int ${name}(const char *s) { return s[0]; }\n`;
const FIXED = (name: string) => `int ${name}(const char *s) { return s ? s[0] : 0; }\n`;

export function makeReleaseRepo(options: { gpg?: Gpg } = {}): ReleaseRepo {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-release-"));
  const work = path.join(root, "work");
  const upstream = path.join(root, "upstream.git");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: root,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Ada",
    GIT_AUTHOR_EMAIL: "ada@example.org",
    GIT_COMMITTER_NAME: "Ada",
    GIT_COMMITTER_EMAIL: "ada@example.org",
    ...(options.gpg ? { GNUPGHOME: options.gpg.home } : {}),
  };
  const git = (...args: string[]) => execFileSync("git", args, { cwd: work, env, encoding: "utf8" }).trim();
  const write = (file: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    fs.writeFileSync(path.join(work, file), content);
  };
  const commit = (message: string, files: Record<string, string>) => {
    for (const [file, content] of Object.entries(files)) write(file, content);
    git("add", "--", ...Object.keys(files));
    git("commit", "-q", "-m", message);
    return git("rev-parse", "HEAD");
  };
  const blob = (content: string) =>
    execFileSync("git", ["hash-object", "--stdin"], { input: content, encoding: "utf8" }).trim();

  fs.mkdirSync(work);
  git("init", "-q", "-b", "main");
  const base = commit("Initial", {
    "src/a.c": OLD("a"),
    "src/b.c": OLD("b"),
    "src/c.c": OLD("c"),
    "src/d.c": OLD("d"),
    "tests/a_test.c": "/* a */\n",
    README: "app\n",
  });
  git("tag", "v0.9");
  // Three fix branches from the base.
  git("checkout", "-q", "-b", "fix-merge", base);
  const merge = commit("Fix a: check for NULL", {
    "src/a.c": FIXED("a"),
    "tests/a_test.c": "/* a, NULL */\n",
  });
  git("checkout", "-q", "-b", "fix-pick", base);
  const pick = commit("Fix b: check for NULL", { "src/b.c": FIXED("b") });
  git("checkout", "-q", "-b", "fix-squash", base);
  const squash = commit("Fix c: check for NULL", { "src/c.c": FIXED("c") });
  git("checkout", "-q", "main");
  // v1.1: the merge.
  commit("Unrelated work", { README: "app 1.1\n" });
  git("merge", "-q", "--no-ff", "-m", "Merge fix-merge", "fix-merge");
  git("tag", "v1.1");
  const v11 = git("rev-parse", "HEAD");
  // v1.2: the cherry-pick on top of more work.
  commit("More work", { README: "app 1.2\n" });
  git("cherry-pick", "-x", pick);
  const picked = git("rev-parse", "HEAD");
  git("tag", "v1.2");
  // v1.3: the squash, with an unrelated change in the same commit.
  commit("Yet more work", { README: "app 1.3\n" });
  const squashed = commit("Release 1.3 fixes", { "src/c.c": FIXED("c"), "src/d.c": FIXED("d") });
  git("tag", "v1.3");
  const v13 = squashed;
  git("clone", "-q", "--bare", work, upstream);
  return {
    root,
    work,
    upstream,
    sha: { base, merge, pick, picked, squash, squashed, v11, v12: picked, v13 },
    fixed: { a: blob(FIXED("a")), b: blob(FIXED("b")), c: blob(FIXED("c")) },
    old: { a: blob(OLD("a")), b: blob(OLD("b")), c: blob(OLD("c")) },
    git,
    publish() {
      git("push", "-q", "--force", upstream, "refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*");
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The file contents makeReleaseRepo uses, for building artifacts with the fixed or the old file. */
export const releaseFile = { old: OLD, fixed: FIXED };
