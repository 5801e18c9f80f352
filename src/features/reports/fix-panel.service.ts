import type { CurrentUser } from "../../core/actors.ts";
import { can } from "../../domain/permissions.ts";
import {
  availableActions,
  branchName,
  fullShaOf,
  headFixOf,
  headOf,
  type ReportFacts,
  verifyRefusal,
} from "../../domain/workflow.ts";
import { cachedDiffRange } from "../../git/diff-cache.ts";
import { GitError, type RangeDiff } from "../../git/git.ts";
import { fixRepoDir } from "../../git/store.ts";
import { type ReportsContext, requireReport } from "./report-context.service.ts";
import { factsOf, gitAuthorsOf } from "./report-facts.service.ts";
import { findFixRepository, listFixBranches, listFixes, listFixVerifications } from "./reports.repo.ts";

/** Time and output the page gives git for one branch's diff; a bigger diff lists only its files. */
const DIFF_LIMITS = { timeoutMs: 10_000, maxPatchBytes: 2 * 1024 * 1024 };

export interface PanelPerson {
  id: string;
  name: string;
}

/** One commit pushed to a fix branch, as the panel lists it. */
export interface PanelCommit {
  fixId: string;
  sha: string;
  subject: string;
  gitAuthor: string;
  pushedBy: PanelPerson | null;
  pushedAt: Date;
  filesChanged: number;
}

/** A verification of a commit on the branch; current while its SHA is still the branch's head. */
export interface PanelVerification {
  verifier: PanelPerson | null;
  sha: string | null;
  at: Date;
  current: boolean;
}

/** One fix branch: its head, its commits, who verified what, whether the viewer may verify, and its diff. */
export interface PanelBranch {
  ref: string;
  name: string;
  headSha: string;
  updatedAt: Date;
  commits: PanelCommit[];
  verifications: PanelVerification[];
  /** The head to verify and whether the viewer may; `refusal` says why not. Null: the head was never recorded. */
  verify: { fix: string; sha: string; refusal: string | null } | null;
  diff: { ok: true; value: RangeDiff } | { ok: false; note: string };
}

/** The report page's fix repository panel, or null for a report without a fix repository. */
export interface FixPanel {
  reference: string;
  repositoryName: string;
  cloneUrl: string;
  base: { ref: string; sha: string };
  branches: PanelBranch[];
}

/** Why a viewer may not verify a branch's head at all, before the four-eyes rule is asked. */
function roleOrStateRefusal(viewer: CurrentUser, facts: ReportFacts): string | null {
  if (!can(viewer.role, "report.act")) return "Only responders and admins verify fixes; viewers read them.";
  if (!availableActions(facts).includes("verify_fix")) {
    return "Fixes are verified while the report is in remediation or fix ready.";
  }
  return null;
}

/** The panel's data: everything is read and the diffs computed here, so the view only renders. */
export function createFixPanel(ctx: ReportsContext) {
  const { db, features } = ctx;

  async function diffOf(reportId: string, base: string, head: string): Promise<PanelBranch["diff"]> {
    try {
      return {
        ok: true,
        value: await cachedDiffRange(fixRepoDir(ctx.gitDir, reportId), base, head, DIFF_LIMITS),
      };
    } catch (error) {
      // Git's own words stay on the server: they name paths of the store. The page says what to do instead.
      const why =
        error instanceof GitError && error.kind === "timeout"
          ? "reading it took too long"
          : "the fix repository could not be read";
      return {
        ok: false,
        note: `The diff of ${base.slice(0, 7)}..${head.slice(0, 7)} is not shown: ${why}. Clone the fix repository to read the changes.`,
      };
    }
  }

  /** The fix repository panel as this viewer sees it. */
  async function fixPanel(idOrRef: string, viewer: CurrentUser): Promise<FixPanel | null> {
    const report = await requireReport(db, idOrRef);
    const repo = await findFixRepository(db, report.id);
    if (!repo) return null;
    const [fixRows, branchRows] = await Promise.all([
      listFixes(db, report.id),
      listFixBranches(db, report.id),
    ]);
    const verificationRows = await listFixVerifications(
      db,
      fixRows.map((f) => f.id),
    );
    const facts = factsOf(
      report,
      fixRows,
      verificationRows,
      branchRows,
      await gitAuthorsOf(db, fixRows, features.team),
    );
    const people = new Map<string, PanelPerson | null>();
    const person = async (id: string | null): Promise<PanelPerson | null> => {
      if (!id) return null;
      if (!people.has(id)) {
        const u = await features.team.byId(id, db);
        people.set(id, u ? { id: u.id, name: u.name } : { id, name: "(removed)" });
      }
      return people.get(id) ?? null;
    };
    const general = roleOrStateRefusal(viewer, facts);
    const baseSha = repo.fixRepository.baseSha;
    const branches: PanelBranch[] = [];
    for (const b of branchRows) {
      const head = headOf(facts, b.ref);
      const onBranch = fixRows.filter((f) => f.kind === "commit" && f.branch === b.ref);
      const commits = await Promise.all(
        [...onBranch].reverse().map(async (f) => ({
          fixId: f.id,
          sha: f.sha ?? "",
          subject: f.subject ?? "",
          gitAuthor: f.gitAuthor ?? "",
          pushedBy: await person(f.authorId),
          pushedAt: f.createdAt,
          filesChanged: f.files?.length ?? 0,
        })),
      );
      const ids = new Set(onBranch.map((f) => f.id));
      const verifications = await Promise.all(
        verificationRows
          .filter((v) => ids.has(v.fixId))
          .map(async (v) => ({
            verifier: await person(v.verifierId),
            sha: v.sha,
            at: v.createdAt,
            current: head !== null && fullShaOf(v.sha) === head,
          })),
      );
      const headFix = headFixOf(facts, b.ref);
      const verify = headFix
        ? {
            fix: headFix.id,
            sha: b.headSha,
            refusal: general ?? verifyRefusal(facts, headFix, viewer.id),
          }
        : null;
      const base = fullShaOf(baseSha);
      branches.push({
        ref: b.ref,
        name: branchName(b.ref),
        headSha: b.headSha,
        updatedAt: b.updatedAt,
        commits,
        verifications,
        verify,
        diff:
          head && base
            ? await diffOf(report.id, base, head)
            : { ok: false, note: "The diff is not shown: the branch's head or base is not a full SHA." },
      });
    }
    return {
      reference: report.reference,
      repositoryName: repo.repositoryName,
      cloneUrl: `${ctx.publicUrl}/git/${report.reference}.git`,
      base: { ref: repo.fixRepository.baseRef, sha: baseSha },
      branches,
    };
  }

  return { fixPanel };
}
