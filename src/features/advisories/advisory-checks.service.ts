// The checks of an advisory's input that only the database and the git mirrors can answer: the reports exist, the
// CVE ID is not another advisory's, and a git range's commits are in the registered repository's mirror. Each
// problem is a field error keyed like the input (`reports.0`, `affected.1.ranges.0.fixed`), never a 500.

import type { Db } from "../../core/db.ts";
import { AppError } from "../../core/errors.ts";
import { type AffectedProduct, isCommitSha } from "../../domain/advisory-record.ts";
import { hasCommit } from "../../git/history.ts";
import type { ReportsService } from "../reports/reports.service.ts";
import type { RepositoriesService } from "../repositories/repositories.service.ts";
import { advisoryWithCve } from "./advisories.repo.ts";

/** What an advisory needs to know of a report it covers. */
export interface CoveredReport {
  id: string;
  reference: string;
  title: string;
  state: string;
  weakness: string | null;
  /** The team's newest CVSS vector for the report, the default of the advisory's. */
  cvss: string | null;
  assigneeId: string | null;
}

export interface AdvisoryChecksDeps {
  reports: Pick<ReportsService, "teamView">;
  repositories: Pick<RepositoriesService, "list" | "mirrorPath">;
}

/** A repository URL compared loosely: no trailing slash or `.git`, case-insensitive host part. */
function sameRepository(a: string, b: string): boolean {
  const norm = (u: string) =>
    u
      .trim()
      .replace(/\/+$/, "")
      .replace(/\.git$/, "")
      .toLowerCase();
  return norm(a) === norm(b);
}

export function createAdvisoryChecks(deps: AdvisoryChecksDeps) {
  /** One report by reference or id, or null when there is none. */
  async function coveredReport(ref: string): Promise<CoveredReport | null> {
    try {
      const r = await deps.reports.teamView(ref);
      const cvss = r.severityHistory
        .filter((s) => s.method === "cvss" && typeof s.vector === "string")
        .sort((a, b) => a.at.getTime() - b.at.getTime())
        .at(-1);
      return {
        id: r.id,
        reference: r.reference,
        title: r.title,
        state: r.state,
        weakness: r.weakness,
        cvss: cvss?.vector ?? null,
        assigneeId: r.assigneeUser?.id ?? null,
      };
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return null;
      throw error;
    }
  }

  return {
    coveredReport,

    /** The reports named, each once; unknown ones are field errors. */
    async reports(refs: readonly string[], fields: Record<string, string>): Promise<CoveredReport[]> {
      const found: CoveredReport[] = [];
      for (const [i, ref] of refs.entries()) {
        const report = await coveredReport(ref);
        if (!report) fields[`reports.${i}`] = `There is no report ${ref.slice(0, 40)}.`;
        else if (!found.some((r) => r.id === report.id)) found.push(report);
      }
      return found;
    },

    /** The CVE ID is free (another advisory's is a field error, not the unique index's 500). */
    async cve(db: Db, cveId: string | null, exceptId: string | null, fields: Record<string, string>) {
      if (!cveId) return;
      const other = await advisoryWithCve(db, cveId, exceptId);
      if (other) fields.cveId = `${cveId} is already the CVE ID of ${other.publicId}.`;
    },

    /**
     * A product with a repository and no package is a git range: its bounds are full commit SHAs ("0" for "from
     * the start"), and when the repository is registered here the commits must be in its mirror.
     */
    async gitRanges(affected: readonly AffectedProduct[], fields: Record<string, string>) {
      const repositories = affected.some((p) => p.repository && !p.package)
        ? await deps.repositories.list()
        : [];
      for (const [i, product] of affected.entries()) {
        if (!product.repository || product.package) continue;
        const registered = repositories.find((r) => sameRepository(r.upstreamUrl, product.repository!));
        for (const [j, range] of product.ranges.entries()) {
          for (const key of ["introduced", "fixed", "lastAffected"] as const) {
            const value = range[key];
            if (!value || (key === "introduced" && value === "0")) continue;
            const field = `affected.${i}.ranges.${j}.${key}`;
            if (!isCommitSha(value)) {
              fields[field] =
                "A range in a repository without a package names commits: give the full 40-character SHA (lower case).";
              continue;
            }
            const inMirror = registered
              ? await hasCommit(deps.repositories.mirrorPath(registered.id), value).catch(() => false)
              : true;
            if (registered && !inMirror)
              fields[field] =
                `Commit ${value.slice(0, 12)} is not in ${registered.name}'s mirror; fetch the repository or check the SHA.`;
          }
        }
      }
    },
  };
}

export type AdvisoryChecks = ReturnType<typeof createAdvisoryChecks>;
