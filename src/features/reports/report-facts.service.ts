import type { Db } from "../../core/db.ts";
import { isOpen, type ReportFacts, type ReportState, type Severity } from "../../domain/workflow.ts";
import { findFixRepository } from "./consultation.repo.ts";
import { listFixes, listFixVerifications, type ReportRow } from "./reports.repo.ts";

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
  need: { fixRepository?: boolean } = {},
): Promise<ReportFacts> {
  const fixRows = await listFixes(db, report.id);
  const verifications = await listFixVerifications(
    db,
    fixRows.map((f) => f.id),
  );
  const fixRepository = need.fixRepository ? (await findFixRepository(db, report.id)) !== null : false;
  return factsOf(report, fixRows, verifications, fixRepository);
}

/** The facts of a report whose fixes and verifications the caller has already read. */
export function factsOf(
  report: ReportRow,
  fixRows: readonly { id: string; authorId: string }[],
  verifications: readonly { fixId: string; verifierId: string }[],
  fixRepository = false,
): ReportFacts {
  return {
    state: report.state as ReportState,
    assigneeId: report.assigneeId,
    severity: (report.severity as Severity | null) ?? null,
    fixes: fixRows.map((f) => ({ id: f.id, authorId: f.authorId })),
    fixVerifications: verifications.map((v) => ({ fixId: v.fixId, verifierId: v.verifierId })),
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
