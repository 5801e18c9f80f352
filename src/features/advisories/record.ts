// An advisory row as the exports read it. The public pages, the feed, the exports and the publication check all
// build their AdvisoryRecord here, so what is checked before publication is exactly what is later served.

import type { AdvisoryContent } from "../../db/schema.ts";
import type { AdvisoryCredit, AdvisoryRecord, Publisher } from "../../domain/advisory-record.ts";
import type { AdvisoryRevisionRow, AdvisoryRow } from "./advisories.repo.ts";

/** The editable content of a row, as a revision snapshots it. */
export function contentOf(row: AdvisoryRow): AdvisoryContent {
  return {
    title: row.title,
    summary: row.summary,
    details: row.details,
    cveId: row.cveId,
    noCveReason: row.noCveReason,
    cwe: row.cwe,
    cvss: row.cvss,
    affected: row.affected,
    workarounds: row.workarounds,
    solution: row.solution,
    references: row.references,
    teamCredits: row.teamCredits,
  };
}

/**
 * The record of an advisory. Once published, its text is the LATEST REVISION's content, never the row's: the
 * row may carry nothing unreviewed, but the public record follows only what a revision made public. Before
 * publication (a preview, or the check inside publication) the row's content is used, dated `at`.
 * `credits` are the public credits (domain `publicCredits`: the reporter's choice and the team's credits).
 */
export function advisoryRecordOf(
  row: AdvisoryRow,
  revisions: readonly AdvisoryRevisionRow[],
  credits: readonly AdvisoryCredit[],
  url: string,
  at: Date = row.publishedAt ?? row.updatedAt,
): AdvisoryRecord {
  const latest = revisions.at(-1);
  const content = latest ? latest.content : contentOf(row);
  const published = row.publishedAt ?? at;
  return {
    id: row.publicId,
    title: content.title,
    summary: content.summary,
    details: content.details,
    cveId: content.cveId,
    cwe: content.cwe,
    cvss: content.cvss,
    affected: content.affected,
    workarounds: content.workarounds,
    solution: content.solution,
    references: content.references,
    credits: [...credits],
    published,
    modified: row.modifiedAt ?? latest?.createdAt ?? published,
    withdrawn: row.withdrawnAt,
    revisions:
      revisions.length > 0
        ? revisions.map((r) => ({ number: r.number, date: r.createdAt, summary: r.summary }))
        : [{ number: 1, date: published, summary: "Initial publication." }],
    url,
  };
}

/** The public page of an advisory on this instance. */
export function advisoryUrl(publicUrl: string, publicId: string): string {
  return `${publicUrl.replace(/\/$/, "")}/advisories/${encodeURIComponent(publicId)}`;
}

/** The publisher the exports name, from the organisation settings (the CNA ids when an admin set them). */
export function publisherOf(org: { name: string } & Record<string, unknown>, publicUrl: string): Publisher {
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
  return {
    name: org.name,
    namespace: publicUrl.replace(/\/$/, ""),
    vendor: org.name,
    cnaOrgId: text(org.cnaOrgId),
    cnaShortName: text(org.cnaShortName),
  };
}
