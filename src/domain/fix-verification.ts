// Four eyes on a fix: which fix a verify_fix request names, who may verify it, and when a verification still
// counts. A link fix is verified once by someone other than its creator. A pushed commit is verified bound to its
// SHA, and only while it is its fix branch's head: when the branch moves past it, the verification is stale and
// the fix_ready guard needs someone to verify the new head. Pure: no I/O, no clock; the facts may be hostile.

import { isFullSha } from "./git-refs.ts";

/** A fix as the guards see it. Facts loaded before fix repositories existed have no kind: they are links. */
export interface FixFact {
  id: string;
  /** The member who added the link, or who pushed the commit. */
  authorId: string;
  kind?: "link" | "commit";
  /** The commit's full SHA (a link may name one too). */
  sha?: string | null;
  /** The full ref a commit was pushed to (refs/heads/fix/…). */
  branch?: string | null;
  /** The member whose email is the commit's git author email, when one matches (the service resolves it). */
  gitAuthorId?: string | null;
}

/** A recorded verification; `sha` is the commit it was bound to (null for a link without one). */
export interface VerificationFact {
  fixId: string;
  verifierId: string;
  sha?: string | null;
}

/** A fix branch's current head, as Embargo last recorded it after a push. */
export interface FixBranchFact {
  ref: string;
  headSha: string;
}

export interface FixVerificationFacts {
  fixes: ReadonlyArray<FixFact>;
  fixVerifications: ReadonlyArray<VerificationFact>;
  fixBranches?: ReadonlyArray<FixBranchFact> | null;
}

/** The facts arrive from the database; a missing list must read as empty, not crash a guard. */
function listOf<T>(value: ReadonlyArray<T> | null | undefined): ReadonlyArray<T> {
  return Array.isArray(value) ? value : [];
}

/** Anything that is not a string with visible characters is missing (zero-width characters are invisible). */
function isNonBlank(value: unknown): value is string {
  return typeof value === "string" && value.replace(/[\u200b-\u200d\u2060\ufeff]/gu, "").trim() !== "";
}

/** A full SHA in git's lowercase spelling, or null for anything else (abbreviations included). */
export function fullShaOf(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const sha = value.trim().toLowerCase();
  return isFullSha(sha) ? sha : null;
}

/** The first 7 digits people read; the full SHA stays in titles and messages that name what to verify. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** "fix/EMB-2026-0001" for refs/heads/fix/EMB-2026-0001: how people name a branch. */
export function branchName(ref: string): string {
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : ref;
}

export function isCommitFix(fix: FixFact): boolean {
  return fix?.kind === "commit";
}

/**
 * The branch's current head, or null when the branch is not recorded, or recorded twice with different heads
 * (corrupt facts fail closed: no head, so nothing on that branch counts as verified).
 */
export function headOf(facts: Pick<FixVerificationFacts, "fixBranches">, ref: unknown): string | null {
  if (!isNonBlank(ref)) return null;
  const heads = new Set(
    listOf(facts.fixBranches)
      .filter((b) => b?.ref === ref)
      .map((b) => fullShaOf(b.headSha)),
  );
  if (heads.size !== 1) return null;
  return [...heads][0] ?? null;
}

/** The recorded commit fix that is the branch's head now, if Embargo recorded it. */
export function headFixOf(facts: FixVerificationFacts, ref: string): FixFact | undefined {
  const head = headOf(facts, ref);
  if (head === null) return undefined;
  return listOf(facts.fixes).find((f) => isCommitFix(f) && f.branch === ref && fullShaOf(f.sha) === head);
}

/** Everyone who pushed or wrote a commit recorded on a branch: its head's diff against the base holds their work. */
function contributorsOf(facts: FixVerificationFacts, ref: string): Set<string> {
  const ids = new Set<string>();
  for (const f of listOf(facts.fixes)) {
    if (!isCommitFix(f) || f.branch !== ref) continue;
    if (isNonBlank(f.authorId)) ids.add(f.authorId);
    if (isNonBlank(f.gitAuthorId)) ids.add(f.gitAuthorId);
  }
  return ids;
}

/**
 * The fix a verify_fix request names: by its id, or a commit by its full SHA (the one that is its branch's head
 * when the SHA is on several branches). Without a name, the most recently added fix, and when that is a commit,
 * its branch's current head.
 */
export function findFixToVerify(facts: FixVerificationFacts, name: string | null): FixFact | undefined {
  const fixes = listOf(facts.fixes);
  if (name === null) {
    const latest = fixes[fixes.length - 1];
    if (latest && isCommitFix(latest) && isNonBlank(latest.branch))
      return headFixOf(facts, latest.branch) ?? latest;
    return latest;
  }
  if (typeof name !== "string") return undefined;
  const byId = fixes.find((f) => f.id === name);
  if (byId) return byId;
  const sha = fullShaOf(name);
  if (sha === null) return undefined;
  const withSha = fixes.filter((f) => fullShaOf(f.sha) === sha);
  return withSha.find((f) => isCommitFix(f) && headOf(facts, f.branch) === sha) ?? withSha[0];
}

/**
 * Why this member may not verify this fix now, or null when they may. The reasons are the 409's message, so each
 * says what to do instead.
 */
export function verifyRefusal(facts: FixVerificationFacts, fix: FixFact, verifierId: unknown): string | null {
  if (!isNonBlank(verifierId)) return "A verification needs a verifier.";
  if (!isCommitFix(fix)) {
    if (verifierId === fix.authorId) return "The fix's author cannot verify it; another team member must.";
  } else {
    const sha = fullShaOf(fix.sha);
    if (sha === null || !isNonBlank(fix.branch)) {
      return "This commit was recorded without its full SHA or branch, so it cannot be verified; push it again.";
    }
    const branch = branchName(fix.branch);
    const head = headOf(facts, fix.branch);
    if (head === null) {
      return `The branch ${branch} is not in the fix repository any more, so its commits cannot be verified.`;
    }
    // A verification is bound to a SHA and counts only while that SHA is the branch's head (it covers the whole
    // diff against the base); verifying an older commit would be stale from the start.
    if (head !== sha) {
      return (
        `${shortSha(sha)} is not the head of ${branch}: the branch has moved on to ${shortSha(head)}. ` +
        `A verification counts only for the branch's current head, so verify ${head} instead.`
      );
    }
    if (verifierId === fix.authorId) {
      return "You pushed this commit, so you cannot verify it; another team member must.";
    }
    if (verifierId === fix.gitAuthorId) {
      return "You are this commit's git author, so you cannot verify it; another team member must.";
    }
    if (contributorsOf(facts, fix.branch).has(verifierId)) {
      return `You pushed or wrote commits on ${branch}, and its head includes them, so you cannot verify it; another team member must.`;
    }
  }
  const again = listOf(facts.fixVerifications).some(
    (v) => v?.fixId === fix.id && v.verifierId === verifierId && fullShaOf(v.sha) === fullShaOf(fix.sha),
  );
  if (again) return "You have already verified this fix; another team member may add a verification.";
  return null;
}

/** Whether a recorded verification satisfies four eyes for its fix as the facts stand now. */
function countsNow(facts: FixVerificationFacts, fix: FixFact, v: VerificationFact): boolean {
  if (v?.fixId !== fix.id || !isNonBlank(v.verifierId) || v.verifierId === fix.authorId) return false;
  if (!isCommitFix(fix)) return true;
  const head = headOf(facts, fix.branch);
  return (
    head !== null &&
    fullShaOf(fix.sha) === head &&
    fullShaOf(v.sha) === head &&
    v.verifierId !== fix.gitAuthorId &&
    !contributorsOf(facts, fix.branch as string).has(v.verifierId)
  );
}

/**
 * The guard of fix_ready: a link fix verified by someone other than its creator, or a fix branch whose current head
 * SHA is verified by a member who neither pushed nor wrote the commits on it (four eyes on what will ship).
 */
export function fixReadyGuardHolds(facts: FixVerificationFacts): boolean {
  const verifications = listOf(facts?.fixVerifications);
  return listOf(facts?.fixes).some((fix) => verifications.some((v) => countsNow(facts, fix, v)));
}

/**
 * A fix whose latest verification is of a SHA that is no longer its branch's head: it was verified, then the
 * branch moved (or went away), so the verification no longer counts.
 */
export function isStale(facts: FixVerificationFacts, fix: FixFact): boolean {
  if (!isCommitFix(fix)) return false;
  const latest = listOf(facts.fixVerifications).findLast((v) => v?.fixId === fix.id);
  if (!latest) return false;
  const head = headOf(facts, fix.branch);
  return head === null || fullShaOf(latest.sha) !== head;
}

/** Why no fix is ready, in words for a refused release or the audit event of a stale verification. */
export function whyNotFixReady(facts: FixVerificationFacts): string {
  const moved = listOf(facts.fixes).find((f) => isStale(facts, f));
  if (moved && isNonBlank(moved.branch)) {
    const head = headOf(facts, moved.branch);
    return head === null
      ? `The verified fix branch ${branchName(moved.branch)} is not in the fix repository any more; verify a current fix.`
      : `The fix branch ${branchName(moved.branch)} moved to ${shortSha(head)} after ${shortSha(fullShaOf(moved.sha) ?? "")} was verified; a second member must verify its current head.`;
  }
  return "No fix is verified by a team member other than its author; a second member must verify one.";
}
