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

import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { classifyUpstreamUrl, isFullSha, refNameProblem, type UpstreamKind } from "../domain/git-refs.ts";

/** Why a git call failed: it ran too long, said too much, or exited with an error. */
export class GitError extends Error {
  constructor(
    readonly kind: "timeout" | "too_large" | "failed" | "invalid",
    message: string,
    readonly exitCode: number | null = null,
    readonly stderr = "",
  ) {
    super(message);
    this.name = "GitError";
  }
}

/** Credentials for a private upstream, used for one fetch only. */
export type UpstreamCredentials =
  | { kind: "https_token"; token: string; username?: string }
  | { kind: "ssh_key"; privateKey: string };

export interface RunLimits {
  /** Milliseconds before git is killed. Default 60 s (fetches: 10 minutes). */
  timeoutMs?: number;
  /** Bytes of stdout kept before git is killed. Default 16 MB. */
  maxOutputBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const FETCH_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;
const STDERR_KEPT = 2000;

/** Configuration every call carries: no remote helpers, no hooks, no fsmonitor, no pager, no colour. */
const BASE_CONFIG = [
  "protocol.allow=never",
  "protocol.ext.allow=never",
  "core.hooksPath=/dev/null",
  "core.fsmonitor=false",
  "core.pager=cat",
  "color.ui=false",
  "credential.helper=",
];

/** Which transports a fetch may use: only the one its upstream needs. */
const TRANSPORT: Record<UpstreamKind, string[]> = {
  https: ["protocol.https.allow=always", "http.followRedirects=false"],
  ssh: ["protocol.ssh.allow=always"],
  scp: ["protocol.ssh.allow=always"],
  file: ["protocol.file.allow=always"],
  path: ["protocol.file.allow=always"],
};

let emptyHome: string | null = null;
/** An empty directory for HOME, so no user's ~/.gitconfig, ~/.ssh/config or credential store is read. */
function homeDir(): string {
  if (emptyHome && fs.existsSync(emptyHome)) return emptyHome;
  emptyHome = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-git-home-"));
  return emptyHome;
}

/** The whole environment git sees: nothing inherited but PATH, so no GIT_DIR, GIT_SSH or proxy leaks in. */
function minimalEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = homeDir();
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: home,
    LANG: "C",
    LC_ALL: "C",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_NO_REPLACE_OBJECTS: "1",
    GIT_SSH_COMMAND: "ssh -F /dev/null -o BatchMode=yes",
    ...extra,
  };
}

export interface RunOptions extends RunLimits {
  config?: readonly string[];
  env?: Record<string, string>;
  input?: string;
  /** Exit codes that are answers, not failures (e.g. 1 for `merge-base --is-ancestor`). */
  okCodes?: readonly number[];
}

/** Runs git once; resolves with stdout and the exit code when it is 0 or one of okCodes. Only for src/git/. */
export function runGit(
  args: readonly string[],
  options: RunOptions = {},
): Promise<{ stdout: string; code: number }> {
  const config = [...BASE_CONFIG, ...(options.config ?? [])].flatMap((c) => ["-c", c]);
  const maxBuffer = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  // The subcommand, for messages: "git fetch failed", not the --git-dir option before it.
  const verb = args.find((a) => !a.startsWith("-")) ?? "";
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      [...config, ...args],
      {
        env: minimalEnv(options.env),
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        killSignal: "SIGKILL",
        maxBuffer,
        encoding: "utf8",
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        const kept = String(stderr).slice(0, STDERR_KEPT).trim();
        if (!error) return resolve({ stdout, code: 0 });
        const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown; signal?: string };
        if (e.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER")
          return reject(new GitError("too_large", `git ${verb} printed more than ${maxBuffer} bytes`));
        if (e.killed || e.signal === "SIGKILL")
          return reject(new GitError("timeout", `git ${verb} did not finish in time`, null, kept));
        const code = typeof e.code === "number" ? e.code : null;
        if (code !== null && options.okCodes?.includes(code)) return resolve({ stdout, code });
        reject(new GitError("failed", `git ${verb} failed: ${kept || `exit ${code}`}`, code, kept));
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

export function requireSha(value: string, what: string): string {
  if (!isFullSha(value)) throw new GitError("invalid", `${what} must be a full 40-hex SHA`);
  return value;
}

export function requireRefOrSha(value: string): string {
  if (isFullSha(value)) return value;
  const problem = refNameProblem(value);
  if (problem) throw new GitError("invalid", `The ref ${JSON.stringify(value)} ${problem}`);
  if (!value.startsWith("refs/")) throw new GitError("invalid", "A ref must be a full ref (refs/…)");
  return value;
}

export function requireDir(dir: string): string {
  if (!path.isAbsolute(dir)) throw new GitError("invalid", "The repository directory must be absolute");
  return dir;
}

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
  const config = [...TRANSPORT[check.kind]];
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
