import type { Db } from "../../core/db.ts";
import { isOpen, type ReportFacts, type ReportState, type Severity } from "../../domain/workflow.ts";
import type { ReportsCollaborators } from "./collaborators.types.ts";
import { findFixRepository } from "./consultation.repo.ts";
import { listFixBranches, listFixes, listFixVerifications, type ReportRow } from "./reports.repo.ts";

type FixRow = Awaited<ReturnType<typeof listFixes>>[number];
type VerificationRow = Awaited<ReturnType<typeof listFixVerifications>>[number];
type BranchRow = Awaited<ReturnType<typeof listFixBranches>>[number];
/** Members by the git author emails of a report's commits (lowercased); a commit by nobody on the team has none. */
export type GitAuthors = ReadonlyMap<string, string>;

/** The reference people quote: EMB-<year>-<number>, unique because the number comes from a sequence. */
export function formatReference(year: number, n: number): string {
  return `EMB-${year}-${String(n).padStart(4, "0")}`;
}

/**
 * What the lifecycle's guards need to know about a stored report. Whether it has a fix repository is read only
 * for the actions whose guards ask (`need.fixRepository`), so every other action keeps its statement count.
 */
export async function loadFacts(
  db: Db,
  report: ReportRow,
  team: ReportsCollaborators["team"],
  need: { fixRepository?: boolean } = {},
): Promise<ReportFacts> {
  const fixRows = await listFixes(db, report.id);
  // Branch heads matter only to pushed commits; most reports have none, and skip the read.
  const branches = fixRows.some((f) => f.kind === "commit") ? await listFixBranches(db, report.id) : [];
  const verifications = await listFixVerifications(
    db,
    fixRows.map((f) => f.id),
  );
  const fixRepository = need.fixRepository ? (await findFixRepository(db, report.id)) !== null : false;
  return factsOf(
    report,
    fixRows,
    verifications,
    branches,
    await gitAuthorsOf(db, fixRows, team),
    fixRepository,
  );
}

/**
 * The members whose email is a commit's git author email. The four-eyes rule needs them: whoever wrote a commit
 * may not verify it, whoever pushed it. Matching is by the whole address, case-insensitively, as members sign in.
 */
export async function gitAuthorsOf(
  db: Db,
  fixRows: readonly Pick<FixRow, "kind" | "gitAuthorEmail">[],
  team: ReportsCollaborators["team"],
): Promise<GitAuthors> {
  const emails = new Set(
    fixRows
      .filter((f) => f.kind === "commit" && f.gitAuthorEmail)
      .map((f) => (f.gitAuthorEmail as string).trim().toLowerCase())
      .filter((e) => e !== ""),
  );
  const found = new Map<string, string>();
  for (const email of emails) {
    const member = await team.byEmail(email, db);
    if (member) found.set(email, member.id);
  }
  return found;
}

/** The facts of a report whose fixes, verifications and fix branches the caller has already read. */
export function factsOf(
  report: ReportRow,
  fixRows: readonly FixRow[],
  verifications: readonly VerificationRow[],
  branches: readonly BranchRow[] = [],
  gitAuthors: GitAuthors = new Map(),
  fixRepository = false,
): ReportFacts {
  return {
    state: report.state as ReportState,
    assigneeId: report.assigneeId,
    severity: (report.severity as Severity | null) ?? null,
    fixes: fixRows.map((f) => ({
      id: f.id,
      authorId: f.authorId,
      kind: f.kind,
      sha: f.sha,
      branch: f.branch,
      gitAuthorId: gitAuthors.get(f.gitAuthorEmail?.trim().toLowerCase() ?? "") ?? null,
    })),
    fixVerifications: verifications.map((v) => ({ fixId: v.fixId, verifierId: v.verifierId, sha: v.sha })),
    fixBranches: branches.map((b) => ({ ref: b.ref, headSha: b.headSha })),
    needsInfo: report.needsInfo,
    fixRepository,
  };
}

/** The columns the SLA facts read: all the SLA sweep loads for the reports it only looks at. */
export type SlaFactsRow = Pick<
  ReportRow,
  | "state"
  | "receivedAt"
  | "acknowledgedAt"
  | "triagedAt"
  | "resolvedAt"
  | "lastReporterUpdateAt"
  | "needsInfo"
  | "needsInfoSince"
  | "acknowledgeBy"
  | "triageBy"
  | "resolveBy"
>;

/** The SLA facts of a stored report; the SLA sweep evaluates reports exactly as the pages show them. */
export function slaFacts(report: SlaFactsRow) {
  return {
    receivedAt: report.receivedAt,
    acknowledgedAt: report.acknowledgedAt,
    triagedAt: report.triagedAt,
    resolvedAt: report.resolvedAt,
    lastReporterUpdateAt: report.lastReporterUpdateAt,
    open: isOpen(report.state as ReportState),
    // While the team waits for the reporter, deadlines still ahead are frozen.
    pausedSince: report.needsInfo ? report.needsInfoSince : null,
    // The deadlines promised at receipt stay with the report; later SLA setting changes do not move them.
    deadlines: {
      acknowledgeBy: report.acknowledgeBy,
      triageBy: report.triageBy,
      resolveBy: report.resolveBy,
    },
  };
}
