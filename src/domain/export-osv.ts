// An advisory as an OSV 1.7 record (https://ossf.github.io/osv-schema/): severity with the CVSS vector, affected
// packages with ECOSYSTEM ranges or repositories with GIT ranges, references, credits and the CWE ids. Valid
// against the OSV schema; tests check every record with Ajv.

import {
  type AdvisoryRecord,
  type AffectedProduct,
  type AffectedRange,
  isGitRange,
  isoSeconds,
} from "./advisory-record.ts";

export const OSV_SCHEMA_VERSION = "1.7.0";

type OsvEvent = { introduced: string } | { fixed: string } | { last_affected: string };

export interface OsvRecord {
  schema_version: string;
  id: string;
  modified: string;
  published: string;
  withdrawn?: string;
  aliases?: string[];
  summary: string;
  details: string;
  severity?: { type: "CVSS_V3" | "CVSS_V4"; score: string }[];
  affected?: Record<string, unknown>[];
  references?: { type: string; url: string }[];
  credits?: { name: string; contact?: string[]; type: string }[];
  database_specific?: Record<string, unknown>;
}

/**
 * OSV ids start with a home database's registered prefix; a database that is not aggregated by OSV.dev (as a
 * team's own advisories are, until it registers a prefix) uses "x_". The registered prefixes as of schema 1.7.5.
 */
const REGISTERED_PREFIX =
  /^(ASB-A|PUB-A|ALPINE|ALSA|ALBA|ALEA|AZL|BELL|BIT|CGA|CLEANSTART|CLSA|CURL|CVE|DEBIAN|DHI|DRUPAL|DSA|DLA|ELA|DTSA|ECHO|EEF|FreeBSD|GHSA|GO|GSD|HSEC|JLSEC|KUBE|LBSEC|LSN|MAL|MINI|MGASA|OESA|OSEC|OSV|openSUSE-SU|PHSA|PSF|PYSEC|RHBA|RHEA|RHSA|RLSA|RXSA|RSEC|ROOT|RUSTSEC|SUSE-[SRFO]U|UBUNTU|USN|V8)-/;

/** The OSV id of an advisory: its own id when its prefix is registered with OSV, else the local "x_" form. */
export function osvId(advisoryId: string): string {
  return REGISTERED_PREFIX.test(advisoryId) || advisoryId.startsWith("x_") ? advisoryId : `x_${advisoryId}`;
}

function events(range: AffectedRange): OsvEvent[] {
  const out: OsvEvent[] = [{ introduced: range.introduced === "" ? "0" : range.introduced }];
  if (range.fixed) out.push({ fixed: range.fixed });
  else if (range.lastAffected) out.push({ last_affected: range.lastAffected });
  return out;
}

function affectedEntry(product: AffectedProduct): Record<string, unknown> | null {
  if (product.ranges.length === 0) return null;
  if (product.package) {
    const pkg: Record<string, string> = { ecosystem: product.package.ecosystem, name: product.package.name };
    if (product.package.purl) pkg.purl = product.package.purl;
    // One range per entry keeps fixed and last_affected apart, which OSV requires within a range.
    return {
      package: pkg,
      ranges: product.ranges.map((r) => ({ type: "ECOSYSTEM", events: events(r) })),
      database_specific: { product: product.product },
    };
  }
  if (isGitRange(product)) {
    return {
      ranges: product.ranges.map((r) => ({ type: "GIT", repo: product.repository, events: events(r) })),
      database_specific: { product: product.product },
    };
  }
  return null;
}

/** The OSV record of a published (or withdrawn) advisory. */
export function toOsv(advisory: AdvisoryRecord): OsvRecord {
  const record: OsvRecord = {
    schema_version: OSV_SCHEMA_VERSION,
    id: osvId(advisory.id),
    modified: isoSeconds(advisory.modified),
    published: isoSeconds(advisory.published),
    summary: advisory.summary,
    details: [advisory.details, advisory.workarounds ? `## Workarounds\n\n${advisory.workarounds}` : ""]
      .filter((part) => part.trim() !== "")
      .join("\n\n"),
  };
  if (advisory.withdrawn) record.withdrawn = isoSeconds(advisory.withdrawn);
  if (advisory.cveId) record.aliases = [advisory.cveId];
  if (advisory.cvss) {
    record.severity = [
      { type: advisory.cvss.startsWith("CVSS:4.0/") ? "CVSS_V4" : "CVSS_V3", score: advisory.cvss },
    ];
  }
  const affected = advisory.affected
    .map(affectedEntry)
    .filter((a): a is Record<string, unknown> => a !== null);
  if (affected.length > 0) record.affected = affected;
  const references = [{ type: "ADVISORY", url: advisory.url }, ...advisory.references];
  record.references = references.filter((r, i) => references.findIndex((o) => o.url === r.url) === i);
  if (advisory.credits.length > 0) {
    record.credits = advisory.credits.map((c) => ({
      name: c.name,
      ...(c.contact && c.contact.length > 0 ? { contact: c.contact } : {}),
      type: c.role.toUpperCase(),
    }));
  }
  if (advisory.cwe.length > 0) record.database_specific = { cwe_ids: advisory.cwe };
  return record;
}
