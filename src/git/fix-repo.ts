// A report's private fix repository: a bare repository that borrows its mirror's objects through alternates (so
// creating one copies nothing), with the upstream default branch as a read-only ref and `fix/<reference>` as the
// branch members push to. The rule "pushes change only refs/heads/fix/*" is a pre-receive hook Embargo writes
// itself into a hooks directory it owns; it runs only under `git http-backend` (http-backend.ts), never for
// mirrors, whose git calls keep hooks off.
//
//   createFixRepo(dir, options)        a new fix repository (a leftover directory without its row is replaced)
//   listRefs(dir, prefix)              full ref → SHA for the refs under a prefix
//   changedFiles(dir, sha, parent)     the paths a commit changed against its first parent (or all, for a root)
//   writePushHooks(hooksDir)           the pre-receive hook, written when missing or different

import fs from "node:fs";
import path from "node:path";
import { isFullSha } from "../domain/git-refs.ts";
import { GitError, type RunLimits, requireDir, requireRefOrSha, requireSha, runGit } from "./run.ts";

/** The only refs a push may change. */
export const FIX_REF_PREFIX = "refs/heads/fix/";

/** What a new fix repository starts with: its refs (full ref → commit SHA) and the branch HEAD names. */
export interface FixRepoLayout {
  /** The bare mirror whose objects the repository borrows. */
  mirrorDir: string;
  refs: Readonly<Record<string, string>>;
  head: string;
}

/**
 * Creates the fix repository at dir. The caller holds the repository's advisory lock and knows no fix repository
 * row exists, so a directory already there is the leftover of a transaction that rolled back: it is replaced.
 */
export async function createFixRepo(
  dir: string,
  layout: FixRepoLayout,
  limits: RunLimits = {},
): Promise<void> {
  requireDir(dir);
  const mirrorObjects = path.join(requireDir(layout.mirrorDir), "objects");
  if (!fs.existsSync(mirrorObjects)) throw new GitError("invalid", "The mirror has no objects directory");
  if (!Object.hasOwn(layout.refs, layout.head))
    throw new GitError("invalid", "HEAD must name one of the refs");
  const refs = Object.entries(layout.refs).map(([ref, sha]) => {
    if (!ref.startsWith("refs/heads/")) throw new GitError("invalid", "A fix repository holds branches only");
    return [requireRefOrSha(ref), requireSha(sha, "A ref's commit")] as const;
  });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  await runGit(["init", "--bare", "--quiet", "--", dir], limits);
  fs.writeFileSync(path.join(dir, "objects", "info", "alternates"), `${mirrorObjects}\n`, { mode: 0o600 });
  const gitDir = `--git-dir=${dir}`;
  // One transaction for all refs: either every ref exists or none does.
  const input = refs.map(([ref, sha]) => `create ${ref} ${sha}\n`).join("");
  await runGit([gitDir, "update-ref", "--stdin"], { ...limits, input });
  await runGit([gitDir, "symbolic-ref", "HEAD", layout.head], limits);
}

/** The refs under prefix (e.g. "refs/heads/fix/") and their commits. */
export async function listRefs(
  dir: string,
  prefix: string,
  limits: RunLimits = {},
): Promise<Map<string, string>> {
  if (!prefix.startsWith("refs/") || !prefix.endsWith("/") || /[\s*?[\\]/.test(prefix))
    throw new GitError("invalid", "The prefix must be a ref directory such as refs/heads/fix/");
  const { stdout } = await runGit(
    [`--git-dir=${requireDir(dir)}`, "for-each-ref", "--format=%(objectname) %(refname)", "--", prefix],
    limits,
  );
  const refs = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const space = line.indexOf(" ");
    if (space < 0) continue;
    const sha = line.slice(0, space);
    if (isFullSha(sha)) refs.set(line.slice(space + 1), sha);
  }
  return refs;
}

/** The paths a commit changed against `parent` (its first parent), or every path of a root commit. */
export async function changedFiles(
  dir: string,
  sha: string,
  parent: string | null,
  limits: RunLimits = {},
): Promise<string[]> {
  const commits = parent
    ? [requireSha(parent, "The parent"), requireSha(sha, "The commit")]
    : ["--root", requireSha(sha, "The commit")];
  const { stdout } = await runGit(
    [
      `--git-dir=${requireDir(dir)}`,
      "diff-tree",
      "-r",
      "--name-only",
      "-z",
      "--no-commit-id",
      ...commits,
      "--",
    ],
    { ...limits, config: ["core.quotePath=false"] },
  );
  return stdout.split("\0").filter((p) => p !== "");
}

/**
 * The pre-receive hook: refuses every ref outside refs/heads/fix/ and every deletion, with a line git push prints
 * as "remote: …". POSIX sh only; it reads ref names, which git has already checked, and never runs them.
 */
export const PRE_RECEIVE_HOOK = `#!/bin/sh
# Written by Embargo; rewritten at start. Pushes may change only branches under fix/.
zero=0000000000000000000000000000000000000000
status=0
while read -r old new ref; do
  if [ "$new" = "$zero" ]; then
    echo "Embargo: deleting $ref is not allowed here." >&2
    status=1
    continue
  fi
  case "$ref" in
    refs/heads/fix/*) ;;
    *)
      echo "Embargo: $ref is read-only here; push your fix to a branch under fix/ instead." >&2
      status=1
      ;;
  esac
done
exit $status
`;

/** Writes the hooks the served fix repositories run (core.hooksPath points here), when missing or changed. */
export function writePushHooks(hooksDir: string): void {
  fs.mkdirSync(requireDir(hooksDir), { recursive: true, mode: 0o700 });
  const file = path.join(hooksDir, "pre-receive");
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
  if (current !== PRE_RECEIVE_HOOK) {
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, PRE_RECEIVE_HOOK, { mode: 0o700 });
    fs.renameSync(temp, file);
  }
  fs.chmodSync(file, 0o700);
}
