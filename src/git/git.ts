// The one way Embargo runs git: the system `git` through execFile with an argument array (never a shell string),
// a minimal environment, a timeout and an output limit. Every ref is checked by domain/git-refs before it is
// passed, every object id must be a full SHA, and remote helpers are off (`protocol.ext.allow=never`) with only
// the transport the upstream needs allowed. Callers get small typed functions, never raw git.
//
//   initBare(dir)                          an empty bare repository
//   fetchMirror(dir, upstream, options)    the upstream's branches and tags into a bare mirror, pruned
//   resolveRef(dir, ref)                   full ref or full SHA → commit SHA, or null when absent
//   isAncestor(dir, ancestor, descendant)  true / false; any other outcome throws, never reads as "yes"
//   patchId(dir, sha)                      `git patch-id --stable` of one commit, or null for an empty diff
//   listCommits(dir, { tip, exclude })     commits reachable from tip and not from exclude, newest first
//   blobAtTag(dir, tag, path)              the git blob hash of a file at a tag, or null when absent
//   diffRange(dir, base, head)             per-file counts, and the unified diff when it fits

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { classifyUpstreamUrl, isFullSha } from "../domain/git-refs.ts";
import {
  FETCH_TIMEOUT_MS,
  GitError,
  type RunLimits,
  requireDir,
  requireRefOrSha,
  requireSha,
  runGit,
  TRANSPORT,
  type UpstreamCredentials,
} from "./run.ts";

export { GitError, type RunLimits, type UpstreamCredentials };

/** Creates an empty bare repository at dir (and its parents); doing it again is harmless. */
export async function initBare(dir: string, limits: RunLimits = {}): Promise<void> {
  fs.mkdirSync(requireDir(dir), { recursive: true, mode: 0o700 });
  await runGit(["init", "--bare", "--quiet", "--", dir], limits);
}

/**
 * Fetches the upstream's branches and tags into the bare mirror at dir, replacing moved refs and pruning deleted
 * ones. The URL is checked again here; credentials go through the environment (HTTPS) or a temporary key file
 * (SSH, 0600, deleted afterwards), never through the argument list, so they do not show in `ps`.
 */
export async function fetchMirror(
  dir: string,
  upstream: string,
  options: RunLimits & { credentials?: UpstreamCredentials | null } = {},
): Promise<void> {
  const check = classifyUpstreamUrl(upstream);
  if (!check.ok) throw new GitError("invalid", check.problem);
  // No automatic gc after the fetch: fix repositories borrow this mirror's objects through alternates, and a gc
  // here could prune a commit that only a fix branch still reaches.
  const config = [...TRANSPORT[check.kind], "gc.auto=0", "maintenance.auto=false"];
  const env: Record<string, string> = {};
  let keyDir: string | null = null;
  const creds = options.credentials ?? null;
  try {
    if (creds?.kind === "https_token") {
      if (check.kind !== "https") throw new GitError("invalid", "An HTTPS token needs an https:// upstream");
      const basic = Buffer.from(`${creds.username || "x-access-token"}:${creds.token}`).toString("base64");
      // Config through the environment (GIT_CONFIG_COUNT), not `-c`, so the token stays out of the argument list.
      Object.assign(env, {
        GIT_CONFIG_COUNT: "1",
        GIT_CONFIG_KEY_0: "http.extraHeader",
        GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
      });
    } else if (creds?.kind === "ssh_key") {
      if (check.kind !== "ssh" && check.kind !== "scp")
        throw new GitError("invalid", "An SSH deploy key needs an ssh:// or user@host:path upstream");
      keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-git-key-"));
      if (/[^A-Za-z0-9/._-]/.test(keyDir))
        throw new GitError("invalid", "The temporary directory has an odd name");
      const keyFile = path.join(keyDir, "id");
      fs.writeFileSync(
        keyFile,
        creds.privateKey.endsWith("\n") ? creds.privateKey : `${creds.privateKey}\n`,
        {
          mode: 0o600,
        },
      );
      env.GIT_SSH_COMMAND = [
        "ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes",
        `-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${keyDir}/known_hosts -i ${keyFile}`,
      ].join(" ");
    }
    await runGit(
      [
        `--git-dir=${requireDir(dir)}`,
        "fetch",
        "--quiet",
        "--prune",
        "--prune-tags",
        "--force",
        "--no-write-fetch-head",
        "--no-recurse-submodules",
        "--end-of-options",
        check.url,
        "+refs/heads/*:refs/heads/*",
        "+refs/tags/*:refs/tags/*",
      ],
      { timeoutMs: FETCH_TIMEOUT_MS, ...options, config, env },
    );
  } finally {
    if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
  }
}

/** The commit a full ref (refs/heads/…, refs/tags/…) or full SHA names, or null when there is none. */
export async function resolveRef(dir: string, ref: string, limits: RunLimits = {}): Promise<string | null> {
  const { stdout, code } = await runGit(
    [
      `--git-dir=${requireDir(dir)}`,
      "rev-parse",
      "--verify",
      "--quiet",
      "--end-of-options",
      `${requireRefOrSha(ref)}^{commit}`,
    ],
    { ...limits, okCodes: [1] },
  );
  if (code === 1) return null;
  const sha = stdout.trim();
  if (!isFullSha(sha)) throw new GitError("failed", "git rev-parse answered something other than a SHA");
  return sha;
}

/**
 * Whether `ancestor` is reachable from `descendant` (a commit is its own ancestor). Exit 1 is "no"; any other
 * failure (an unknown commit, a corrupt repository) throws, so an error can never be read as either answer.
 */
export async function isAncestor(
  dir: string,
  ancestor: string,
  descendant: string,
  limits: RunLimits = {},
): Promise<boolean> {
  const { code } = await runGit(
    [
      `--git-dir=${requireDir(dir)}`,
      "merge-base",
      "--is-ancestor",
      requireSha(ancestor, "The ancestor"),
      requireSha(descendant, "The descendant"),
    ],
    { ...limits, okCodes: [1] },
  );
  return code === 0;
}

/**
 * `git patch-id --stable` of one commit against its first parent: the same for a cherry-pick or a rebase of
 * the change. Null when the commit changes nothing (an empty or merge commit).
 */
export async function patchId(dir: string, sha: string, limits: RunLimits = {}): Promise<string | null> {
  const gitDir = `--git-dir=${requireDir(dir)}`;
  const diff = await runGit(
    [
      gitDir,
      "diff-tree",
      "-p",
      "--no-color",
      "--no-ext-diff",
      "--no-textconv",
      "--full-index",
      requireSha(sha, "The commit"),
    ],
    limits,
  );
  const { stdout } = await runGit([gitDir, "patch-id", "--stable"], { ...limits, input: diff.stdout });
  const id = stdout.trim().split(/\s+/)[0] ?? "";
  if (id === "") return null;
  if (!isFullSha(id)) throw new GitError("failed", "git patch-id answered something other than an id");
  return id;
}

/** One commit as listCommits reports it. */
export interface CommitSummary {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authoredAt: Date;
  subject: string;
}

/**
 * The commits reachable from `tip` and from none of `exclude`, newest first, at most `max` (default 1000). All
 * ids must be full SHAs: resolve refs first with resolveRef.
 */
export async function listCommits(
  dir: string,
  range: { tip: string; exclude?: readonly string[]; max?: number },
  limits: RunLimits = {},
): Promise<CommitSummary[]> {
  const max = range.max ?? 1000;
  if (!Number.isSafeInteger(max) || max < 1) throw new GitError("invalid", "max must be a positive integer");
  const { stdout } = await runGit(
    [
      `--git-dir=${requireDir(dir)}`,
      "log",
      "-z",
      `--max-count=${max}`,
      "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%s",
      "--end-of-options",
      requireSha(range.tip, "The tip"),
      ...(range.exclude ?? []).map((sha) => `^${requireSha(sha, "An excluded commit")}`),
      "--",
    ],
    limits,
  );
  return stdout
    .split("\0")
    .filter((record) => record !== "")
    .map((record) => {
      const [sha = "", parents = "", authorName = "", authorEmail = "", at = "0", subject = ""] =
        record.split("\x1f");
      return {
        sha,
        parents: parents.split(" ").filter(Boolean),
        authorName,
        authorEmail,
        authoredAt: new Date(Number(at) * 1000),
        subject,
      };
    });
}

/** A path inside a tree as git stores it: relative, "/"-separated, no "." or ".." parts, no NUL. */
export function requireTreePath(p: string): string {
  const parts = p.split("/");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and control characters are refused
  if (p === "" || /[\x00-\x1f]/.test(p) || parts.some((s) => s === "" || s === "." || s === ".."))
    throw new GitError("invalid", `The path ${JSON.stringify(p)} is not a plain relative path`);
  return p;
}

/** The blob hash of `filePath` at the tag `tag` (a name such as "v1.2.0"), or null when the file is not there. */
export async function blobAtTag(
  dir: string,
  tag: string,
  filePath: string,
  limits: RunLimits = {},
): Promise<string | null> {
  const commit = await resolveRef(dir, `refs/tags/${tag}`, limits);
  if (!commit) throw new GitError("invalid", `There is no tag ${JSON.stringify(tag)}`);
  const { stdout } = await runGit(
    [`--git-dir=${requireDir(dir)}`, "ls-tree", "-z", "--full-tree", commit, "--", requireTreePath(filePath)],
    limits,
  );
  const entry = stdout.split("\0").find((e) => e.endsWith(`\t${filePath}`));
  if (!entry) return null;
  const [mode, type, hash] = entry.slice(0, entry.indexOf("\t")).split(" ");
  if (type !== "blob" || !mode || !hash || !isFullSha(hash)) return null;
  return hash;
}

/** The changes between two commits: per-file counts always, and the unified diff when it fits. */
export interface RangeDiff {
  files: { path: string; oldPath: string | null; additions: number | null; deletions: number | null }[];
  /** The unified diff, or null when it is larger than maxPatchBytes (the counts above still say what changed). */
  patch: string | null;
  patchBytesLimit: number;
}

const DIFF_OPTIONS = ["--no-color", "--no-ext-diff", "--no-textconv", "--find-renames", "--end-of-options"];

/** What changed from `base` to `head` (both full SHAs), as a fix branch is read against its base. */
export async function diffRange(
  dir: string,
  base: string,
  head: string,
  options: RunLimits & { maxPatchBytes?: number } = {},
): Promise<RangeDiff> {
  const gitDir = `--git-dir=${requireDir(dir)}`;
  const range = [requireSha(base, "The base"), requireSha(head, "The head")];
  const patchBytesLimit = options.maxPatchBytes ?? 2 * 1024 * 1024;
  const numstat = await runGit([gitDir, "diff", "--numstat", "-z", ...DIFF_OPTIONS, ...range, "--"], options);
  let patch: string | null;
  try {
    const out = await runGit([gitDir, "diff", "--patch", ...DIFF_OPTIONS, ...range, "--"], {
      ...options,
      config: ["core.quotePath=false"],
      maxOutputBytes: patchBytesLimit,
    });
    patch = out.stdout;
  } catch (error) {
    if (!(error instanceof GitError && error.kind === "too_large")) throw error;
    patch = null;
  }
  return { files: parseNumstatZ(numstat.stdout), patch, patchBytesLimit };
}

/**
 * `git diff --numstat -z`: "added\tdeleted\tpath\0", or for a rename "added\tdeleted\t\0old\0new\0"; binary files
 * count "-".
 */
function parseNumstatZ(out: string): RangeDiff["files"] {
  const fields = out.split("\0");
  const files: RangeDiff["files"] = [];
  const count = (v: string | undefined) => (v === undefined || v === "-" ? null : Number(v));
  for (let i = 0; i < fields.length; i++) {
    const head = fields[i];
    if (!head) continue;
    const [added, deleted, rest] = head.split("\t");
    if (rest === undefined) continue;
    if (rest === "") {
      const oldPath = fields[i + 1] ?? "";
      const newPath = fields[i + 2] ?? "";
      i += 2;
      files.push({ path: newPath, oldPath, additions: count(added), deletions: count(deleted) });
    } else {
      files.push({ path: rest, oldPath: null, additions: count(added), deletions: count(deleted) });
    }
  }
  return files;
}
