// What a package verification asks git about a release: whether a commit is there at all, where two histories
// meet, which commits since then carry the same change (patch-id), and what a tag object says. Same rules as
// git.ts: argument arrays, full SHAs and checked refs only, limits on time and output.
//
//   hasCommit(dir, sha)                                   whether the repository (or its alternates) has the commit
//   mergeBase(dir, a, b)                                  the best common ancestor, or null for unrelated histories
//   patchIdsInRange(dir, { tip, exclude, paths, max })    patch-ids of the commits in a range, in one pipeline
//   readTag(dir, tag)                                     lightweight or annotated, and the signature if any
//   writeCommitGraph(dir)                                 the commit-graph with changed-path filters, for speed

import { isFullSha } from "../domain/git-refs.ts";
import { requireTreePath } from "./git.ts";
import { GitError, type RunLimits, requireDir, requireRefOrSha, requireSha, runGit } from "./run.ts";

/**
 * Writes the repository's commit-graph with changed-path Bloom filters. Ancestry walks then read generation
 * numbers instead of parsing every commit, and a path-limited `git log` skips commits whose filter says the path
 * did not change: on 50,000 commits a patch-id scan goes from seconds to well under one (test/bench/git-history.ts).
 * Only an optimisation: git reads the repository the same way without it.
 */
export async function writeCommitGraph(dir: string, limits: RunLimits = {}): Promise<void> {
  await runGit([`--git-dir=${requireDir(dir)}`, "commit-graph", "write", "--reachable", "--changed-paths"], {
    timeoutMs: 600_000,
    ...limits,
  });
}

/** Whether the commit is in the repository (its own objects or its alternates'). */
export async function hasCommit(dir: string, sha: string, limits: RunLimits = {}): Promise<boolean> {
  const { code } = await runGit(
    [`--git-dir=${requireDir(dir)}`, "cat-file", "-e", `${requireSha(sha, "The commit")}^{commit}`],
    { ...limits, okCodes: [1, 128] },
  );
  return code === 0;
}

/** The best common ancestor of two commits, or null when their histories never meet. */
export async function mergeBase(
  dir: string,
  a: string,
  b: string,
  limits: RunLimits = {},
): Promise<string | null> {
  const { stdout, code } = await runGit(
    [`--git-dir=${requireDir(dir)}`, "merge-base", requireSha(a, "A commit"), requireSha(b, "A commit")],
    { ...limits, okCodes: [1] },
  );
  if (code === 1) return null;
  const sha = stdout.trim();
  if (!isFullSha(sha)) throw new GitError("failed", "git merge-base answered something other than a SHA");
  return sha;
}

/** One commit of a range with the patch-id of its change. */
export interface CommitPatchId {
  sha: string;
  patchId: string;
}

/** The most commits one patch-id scan reads; past it the check says how far it looked. */
export const DEFAULT_PATCH_ID_WINDOW = 20_000;

/**
 * The `git patch-id --stable` of every non-merge commit reachable from `tip` and not from `exclude`, newest
 * first, at most `max`: one `git log -p` whose output goes to one `git patch-id`, not one process per commit.
 * With `paths`, only commits touching one of them are read (a commit with the same patch-id must touch the same
 * files), but each is hashed with its whole diff (`--full-diff`), so a squash that adds other changes does not
 * match. Paths are literal (no pathspec magic). `scanned` is how many commits were read, `complete` false when
 * `max` cut the range short.
 */
export async function patchIdsInRange(
  dir: string,
  range: { tip: string; exclude?: readonly string[]; paths?: readonly string[]; max?: number },
  limits: RunLimits = {},
): Promise<{ commits: CommitPatchId[]; scanned: number; complete: boolean }> {
  const max = range.max ?? DEFAULT_PATCH_ID_WINDOW;
  if (!Number.isSafeInteger(max) || max < 1) throw new GitError("invalid", "max must be a positive integer");
  const gitDir = `--git-dir=${requireDir(dir)}`;
  const paths = (range.paths ?? []).map(requireTreePath);
  const revs = [
    requireSha(range.tip, "The tip"),
    ...(range.exclude ?? []).map((sha) => `^${requireSha(sha, "An excluded commit")}`),
  ];
  const log = await runGit(
    [
      "--literal-pathspecs",
      gitDir,
      "log",
      "-p",
      "--no-merges",
      `--max-count=${max + 1}`,
      "--no-color",
      "--no-ext-diff",
      "--no-textconv",
      "--full-index",
      ...(paths.length > 0 ? ["--full-diff"] : []),
      "--format=commit %H",
      "--end-of-options",
      ...revs,
      "--",
      ...paths,
    ],
    { maxOutputBytes: 256 * 1024 * 1024, ...limits },
  );
  // Commits in the order log printed them, so the window is counted even for commits with an empty diff.
  const order: string[] = [];
  for (const line of log.stdout.matchAll(/^commit ([0-9a-f]{40})$/gm)) order.push(line[1]!);
  const complete = order.length <= max;
  const kept = new Set(order.slice(0, max));
  const { stdout } = await runGit([gitDir, "patch-id", "--stable"], {
    maxOutputBytes: 16 * 1024 * 1024,
    ...limits,
    input: log.stdout,
  });
  const commits: CommitPatchId[] = [];
  for (const line of stdout.split("\n")) {
    const [patchId = "", sha = ""] = line.trim().split(/\s+/);
    if (isFullSha(patchId) && isFullSha(sha) && kept.has(sha)) commits.push({ sha, patchId });
  }
  return { commits, scanned: kept.size, complete };
}

/** A tag as a verification sees it: the commit it names and, for an annotated tag, its signature. */
export type TagInfo =
  | { kind: "lightweight"; commit: string }
  | {
      kind: "annotated";
      commit: string;
      tagger: string;
      /** The signed bytes: the tag object up to its signature. */
      payload: string;
      /** The armored signature, or null for an unsigned tag. */
      signature: string | null;
      /** "pgp" for an OpenPGP signature; "ssh" or "x509" are reported, not verified. */
      signatureFormat: "pgp" | "ssh" | "x509" | null;
    };

const SIGNATURE_STARTS: [string, "pgp" | "ssh" | "x509"][] = [
  ["-----BEGIN PGP SIGNATURE-----", "pgp"],
  ["-----BEGIN PGP MESSAGE-----", "pgp"],
  ["-----BEGIN SSH SIGNATURE-----", "ssh"],
  ["-----BEGIN SIGNED MESSAGE-----", "x509"],
];

/**
 * What the tag `refs/tags/<tag>` is: null when there is none. An annotated tag's object is split into the signed
 * payload and the signature, as `git verify-tag` does (the signature is the last armored block of the message).
 */
export async function readTag(dir: string, tag: string, limits: RunLimits = {}): Promise<TagInfo | null> {
  const ref = requireRefOrSha(`refs/tags/${tag}`);
  const gitDir = `--git-dir=${requireDir(dir)}`;
  const type = await runGit([gitDir, "cat-file", "-t", "--end-of-options", ref], {
    ...limits,
    okCodes: [128],
  });
  if (type.code !== 0) return null;
  const { stdout: commitOut } = await runGit(
    [gitDir, "rev-parse", "--verify", "--end-of-options", `${ref}^{commit}`],
    limits,
  );
  const commit = commitOut.trim();
  if (!isFullSha(commit)) throw new GitError("failed", "git rev-parse answered something other than a SHA");
  if (type.stdout.trim() !== "tag") return { kind: "lightweight", commit };
  const { stdout: object } = await runGit([gitDir, "cat-file", "tag", ref], {
    maxOutputBytes: 1024 * 1024,
    ...limits,
  });
  const taggerLine = /^tagger (.*)$/m.exec(object.slice(0, object.indexOf("\n\n")))?.[1] ?? "";
  const tagger = taggerLine.replace(/\s+\d+\s+[+-]\d{4}$/, "");
  let at = -1;
  let format: "pgp" | "ssh" | "x509" | null = null;
  for (const [start, kind] of SIGNATURE_STARTS) {
    const i = object.lastIndexOf(`\n${start}`);
    if (i > at) {
      at = i;
      format = kind;
    }
  }
  if (at < 0)
    return { kind: "annotated", commit, tagger, payload: object, signature: null, signatureFormat: null };
  return {
    kind: "annotated",
    commit,
    tagger,
    payload: object.slice(0, at + 1),
    signature: object.slice(at + 1),
    signatureFormat: format,
  };
}
