// Running the system git safely: execFile with an argument array (never a shell string), a minimal environment
// (nothing inherited but PATH), configuration that turns off remote helpers, hooks, fsmonitor and pagers, a
// timeout and an output limit; and the checks every argument passes first (full SHAs, full refs, absolute dirs).
// Only src/git/ imports this; the rest of the system calls the typed functions of git.ts.

import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isFullSha, refNameProblem, type UpstreamKind } from "../domain/git-refs.ts";

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

export const DEFAULT_TIMEOUT_MS = 60_000;
export const FETCH_TIMEOUT_MS = 600_000;
export const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;
export const STDERR_KEPT = 2000;

/** Configuration every call carries: no remote helpers, no hooks, no fsmonitor, no pager, no colour. */
export const BASE_CONFIG = [
  "protocol.allow=never",
  "protocol.ext.allow=never",
  "core.hooksPath=/dev/null",
  "core.fsmonitor=false",
  "core.pager=cat",
  "color.ui=false",
  "credential.helper=",
];

/** Which transports a fetch may use: only the one its upstream needs. */
export const TRANSPORT: Record<UpstreamKind, string[]> = {
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
export function minimalEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
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

/** Runs git once; resolves with stdout and the exit code when it is 0 or one of okCodes. */
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
