// What releases ask of advisories (advisories.types.ts): which advisories cover a release's reports, their approved
// text for `full` pre-notification lists, and publication inside the release's own transaction, all or nothing.

import type { Db, Tx } from "../../core/db.ts";
import { AppError } from "../../core/errors.ts";
import { publicCredits } from "../../domain/credit.ts";
import { toCsaf } from "../../domain/export-csaf.ts";
import { toCve5 } from "../../domain/export-cve.ts";
import { toOsv } from "../../domain/export-osv.ts";
import {
  type AdvisoryRow,
  advisoriesForReports,
  insertRevision,
  lockAdvisory,
  reportIdsOf,
  updateAdvisory,
} from "./advisories.repo.ts";
import type { AdvisoriesForReleases, ReleaseAdvisory } from "./advisories.types.ts";
import { auditAdvisory } from "./advisory-audit.ts";
import { severityOf } from "./advisory-views.service.ts";
import type { AdvisoriesDeps } from "./deps.types.ts";
import { advisoryRecordOf, advisoryUrl, contentOf, publisherOf } from "./record.ts";

/** A stand-in CNA id, so the CVE record's content is checked even before an admin set the real one. */
const CHECK_CNA_ORG_ID = "00000000-0000-4000-8000-000000000000";

/** Why this advisory cannot be published now, or null. Pure over the row and the publisher. */
export function publicationProblem(
  row: AdvisoryRow,
  at: Date,
  publicUrl: string,
  publisher: ReturnType<typeof publisherOf>,
): string | null {
  if (row.state !== "approved")
    return `it is ${row.state.replace("_", " ")}, and only an approved advisory is published`;
  if (row.summary.trim() === "") return "it has no summary";
  if (!row.affected.some((p) => p.ranges.length > 0))
    return "it names no affected product with a version range";
  const record = advisoryRecordOf(
    { ...row, publishedAt: at, modifiedAt: at },
    [],
    publicCredits(null, row.teamCredits),
    advisoryUrl(publicUrl, row.publicId),
    at,
  );
  try {
    toOsv(record);
  } catch (error) {
    return `its OSV record cannot be built (${(error as Error).message})`;
  }
  try {
    toCsaf(record, publisher);
  } catch (error) {
    return `its CSAF document cannot be built (${(error as Error).message})`;
  }
  if (row.cveId) {
    try {
      const cve = toCve5(record, { ...publisher, cnaOrgId: publisher.cnaOrgId ?? CHECK_CNA_ORG_ID });
      if (!cve.ok) return `its CVE record cannot be built: ${cve.problem}`;
    } catch (error) {
      return `its CVE record cannot be built (${(error as Error).message})`;
    }
  }
  return null;
}

/** A covered advisory as releases see it. */
function releaseAdvisory(row: AdvisoryRow, reportIds: string[]): ReleaseAdvisory {
  return {
    id: row.id,
    publicId: row.publicId,
    title: row.title,
    state: row.state,
    cveId: row.cveId,
    noCveReason: row.noCveReason,
    reportIds,
  };
}

/** The advisory as plain text, for a `full` pre-notification list. */
export function approvedTextOf(row: AdvisoryRow): string {
  const severity = severityOf(row.cvss);
  const lines = [
    `${row.publicId}: ${row.title}`,
    "",
    row.summary,
    "",
    `Severity: ${severity ? `${severity.label} (CVSS ${severity.version} ${severity.score}, ${row.cvss})` : "not scored"}`,
    `CVE: ${row.cveId ?? `none (${row.noCveReason ?? "no reason recorded"})`}`,
  ];
  if (row.cwe.length > 0) lines.push(`Weakness: ${row.cwe.join(", ")}`);
  lines.push("", "Affected:");
  for (const p of row.affected) {
    const name = p.package ? `${p.product} (${p.package.ecosystem}: ${p.package.name})` : p.product;
    for (const r of p.ranges)
      lines.push(
        `- ${name}: from ${r.introduced === "0" ? "the first version" : r.introduced}${r.fixed ? `, fixed in ${r.fixed}` : r.lastAffected ? ` through ${r.lastAffected}` : ", no fix yet"}`,
      );
    if (p.ranges.length === 0) lines.push(`- ${name}`);
  }
  if (row.details.trim()) lines.push("", "Details:", row.details.trim());
  if (row.workarounds) lines.push("", "Workarounds:", row.workarounds);
  if (row.solution) lines.push("", "Solution:", row.solution);
  return lines.join("\n");
}

export function createPublication(
  deps: Pick<AdvisoriesDeps, "clock" | "publicUrl" | "settings">,
): AdvisoriesForReleases & {
  publicationProblem: (db: Db, row: AdvisoryRow, at: Date) => Promise<string | null>;
} {
  const live = async (db: Db, reportIds: readonly string[]) => {
    const rows = (await advisoriesForReports(db, reportIds)).filter((r) => r.state !== "withdrawn");
    const ids = await reportIdsOf(
      db,
      rows.map((r) => r.id),
    );
    return { rows, ids };
  };
  const publisher = async (db: Db) =>
    publisherOf((await deps.settings.org(db)) as { name: string } & Record<string, unknown>, deps.publicUrl);

  return {
    async forReports(db, reportIds) {
      const { rows, ids } = await live(db, reportIds);
      return rows.map((r) => releaseAdvisory(r, ids.get(r.id) ?? []));
    },

    async approvedText(db, reportIds) {
      const { rows } = await live(db, reportIds);
      return rows
        .filter((r) => r.state === "approved" || r.state === "published")
        .map((r) => ({ publicId: r.publicId, title: r.title, text: approvedTextOf(r) }));
    },

    /** Why an advisory could not be published at `at`, for the editor's and the release page's checks. */
    async publicationProblem(db, row, at) {
      return publicationProblem(row, at, deps.publicUrl, await publisher(db));
    },

    /**
     * Publishes every approved advisory covering these reports, in the caller's transaction. All are checked
     * (locked, so no edit slips in between) before any is written: one that fails throws an AppError naming it,
     * and the caller's rollback leaves everything as it was. Published ones already public are left alone.
     */
    async publishInTx(tx: Tx, reportIds, at, actorId) {
      const { rows, ids } = await live(tx, reportIds);
      const pub = await publisher(tx);
      const toPublish: AdvisoryRow[] = [];
      for (const found of rows) {
        if (found.state === "published") continue;
        const row = (await lockAdvisory(tx, { id: found.id })) ?? found;
        const problem = publicationProblem(row, at, deps.publicUrl, pub);
        if (problem)
          throw new AppError(
            "advisory_not_publishable",
            409,
            `Advisory ${row.publicId} cannot be published: ${problem}.`,
          );
        toPublish.push(row);
      }
      const published: ReleaseAdvisory[] = [];
      for (const row of toPublish) {
        const updated = await updateAdvisory(tx, row.id, {
          state: "published",
          publishedAt: at,
          modifiedAt: at,
          updatedAt: at,
        });
        await insertRevision(tx, {
          advisoryId: row.id,
          number: 1,
          summary: "Initial publication.",
          content: contentOf(row),
          actorId,
          createdAt: at,
        });
        const covered = ids.get(row.id) ?? [];
        await auditAdvisory(
          tx,
          {
            actorType: actorId ? "user" : "system",
            actorId,
            action: "advisory.published",
            advisory: updated,
            reportIds: covered,
            data: { revision: 1, url: advisoryUrl(deps.publicUrl, row.publicId) },
          },
          at,
        );
        published.push(releaseAdvisory(updated, covered));
      }
      return published;
    },
  };
}
