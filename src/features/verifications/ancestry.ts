/**
 * The ancestry check of a package verification: is each fix commit in the release tag's history, either as
 * itself or as a commit with the same `git patch-id --stable` (a cherry-pick or a rebase of the same change)?
 * The scan for a patch-id reads only the tag's history since the merge base with the fix, and only commits that
 * touch the fix's files, in one `git log -p | git patch-id` pipeline (see git/history.ts).
 */
import type { VerificationCheck } from "../../db/schema.ts";
import { isFullSha } from "../../domain/git-refs.ts";
import { isAncestor, patchId } from "../../git/git.ts";
import { hasCommit, mergeBase, patchIdsInRange } from "../../git/history.ts";

/** A fix as the check needs it: a commit fix, or a link fix that may name a SHA. */
export interface FixToCheck {
  reference: string;
  kind: "link" | "commit";
  sha: string | null;
  url: string | null;
  subject: string | null;
  files: readonly string[] | null;
}

const short = (sha: string) => sha.slice(0, 12);

/**
 * Checks one fix against the tag's commit. `dirs` are the repositories to look for the fix commit in, in order
 * (the report's fix repository, which also sees the mirror's objects, then the mirror): the first that has it
 * answers, so a commit never pushed upstream is still found where it was pushed.
 */
export async function checkAncestry(
  fix: FixToCheck,
  tag: { name: string; commit: string },
  dirs: readonly string[],
): Promise<VerificationCheck> {
  const subject = fix.sha ? `${fix.reference} ${short(fix.sha)}` : `${fix.reference} ${fix.url ?? "fix"}`;
  const check = (result: VerificationCheck["result"], detail: string): VerificationCheck => ({
    kind: "ancestry",
    subject,
    result,
    detail,
  });
  if (!fix.sha || !isFullSha(fix.sha))
    return check(
      "skip",
      `The fix ${fix.url ? `${fix.url} ` : ""}is an external link without a commit SHA, so whether ${tag.name} contains it cannot be checked`,
    );
  const sha = fix.sha;
  let dir: string | null = null;
  for (const candidate of dirs) {
    if (await hasCommit(candidate, sha)) {
      dir = candidate;
      break;
    }
  }
  if (!dir)
    return check(
      "fail",
      `The commit ${short(sha)} is neither in the upstream nor in the report's fix repository, so ${tag.name} cannot be shown to contain it`,
    );
  if (await isAncestor(dir, sha, tag.commit))
    return check("pass", `${short(sha)} is in the history of ${tag.name}`);
  const id = await patchId(dir, sha);
  if (id === null)
    return check(
      "skip",
      `${short(sha)} changes nothing (an empty or merge commit), so it has no patch-id to look for`,
    );
  const base = await mergeBase(dir, sha, tag.commit);
  const paths = (fix.files ?? []).filter((p) => p !== "" && !p.split("/").includes(".."));
  const range = await patchIdsInRange(dir, {
    tip: tag.commit,
    exclude: base ? [base] : [],
    paths: paths.length === (fix.files ?? []).length ? paths : [],
  });
  const match = range.commits.find((c) => c.patchId === id);
  if (match)
    return check(
      "pass",
      `${short(sha)} is not in the history of ${tag.name}, but its change is: commit ${match.sha} has the same patch-id (cherry-picked or rebased)`,
    );
  const window = range.complete
    ? `none of the ${range.scanned} commit(s) of ${tag.name} since the merge base that touch the fix's files`
    : `none of the latest ${range.scanned} commit(s) of ${tag.name} that touch the fix's files (the scan stops there)`;
  return check(
    "fail",
    `${short(sha)} is not in the history of ${tag.name}, and ${window} has the same patch-id: the change was not released as it is (a squash or an edited change has another patch-id; check it by hand and release with an override if it is there)`,
  );
}
