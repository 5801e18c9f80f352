// An advisory as a CVE JSON 5.1 record (a CNA's published container): metadata with the CNA's organisation id,
// English descriptions, affected products with version ranges, CWE problem types, CVSS metrics with score and
// severity, references and credits. Valid against the CVE Record Format 5.1.1 schema; tests check it with Ajv.

import {
  type AdvisoryRecord,
  type AffectedProduct,
  CWE_NAMES,
  isGitRange,
  isoSeconds,
  type Publisher,
} from "./advisory-record.ts";
import { scoreCvss } from "./cvss.ts";

/** The longest text the CVE schema takes in a description, workaround or solution. */
const MAX_TEXT = 4096;
const MAX_TITLE = 256;

/** How each OSV reference type reads as a CVE reference tag. */
const REFERENCE_TAGS: Record<string, string> = {
  ADVISORY: "vendor-advisory",
  ARTICLE: "technical-description",
  DETECTION: "signature",
  DISCUSSION: "mailing-list",
  REPORT: "issue-tracking",
  FIX: "patch",
  INTRODUCED: "technical-description",
  PACKAGE: "product",
  EVIDENCE: "exploit",
};

/** The version numbering CVE's versionType names for an OSV ecosystem. */
function versionType(product: AffectedProduct): string {
  if (isGitRange(product)) return "git";
  const ecosystem = product.package?.ecosystem.split(":")[0] ?? "";
  if (["npm", "crates.io", "Go", "Hex", "Pub", "NuGet", "Packagist", "RubyGems"].includes(ecosystem))
    return "semver";
  if (ecosystem === "PyPI") return "python";
  if (ecosystem === "Maven") return "maven";
  if (["Debian", "Ubuntu"].includes(ecosystem)) return "deb";
  if (["Red Hat", "AlmaLinux", "Rocky Linux", "SUSE", "openSUSE"].includes(ecosystem)) return "rpm";
  return "custom";
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function affectedEntry(product: AffectedProduct, publisher: Publisher): Record<string, unknown> {
  const type = versionType(product);
  const entry: Record<string, unknown> = {
    vendor: publisher.vendor,
    product: product.product,
    defaultStatus: "unaffected",
  };
  if (product.package) entry.packageName = product.package.name;
  if (product.repository) entry.repo = product.repository;
  const versions = product.ranges.map((r) => {
    const version = r.introduced === "" ? "0" : r.introduced;
    if (r.fixed) return { version, status: "affected", versionType: type, lessThan: r.fixed };
    if (r.lastAffected)
      return { version, status: "affected", versionType: type, lessThanOrEqual: r.lastAffected };
    return { version, status: "affected", versionType: type, lessThan: "*" };
  });
  if (versions.length > 0) entry.versions = versions;
  else entry.defaultStatus = "affected";
  return entry;
}

function metrics(vector: string | null): Record<string, unknown>[] | undefined {
  if (!vector) return undefined;
  const scored = scoreCvss(vector);
  if (!scored.ok) return undefined;
  const s = scored.value;
  if (s.version === "4.0") {
    return [
      {
        cvssV4_0: {
          version: "4.0",
          vectorString: s.vector,
          baseScore: s.score,
          baseSeverity: s.severity.toUpperCase(),
        },
      },
    ];
  }
  const key = s.version === "3.1" ? "cvssV3_1" : "cvssV3_0";
  return [
    {
      [key]: {
        version: s.version,
        vectorString: s.vector,
        baseScore: s.baseScore,
        baseSeverity: s.baseSeverity.toUpperCase(),
      },
    },
  ];
}

export type CveExport = { ok: true; record: Record<string, unknown> } | { ok: false; problem: string };

/** The CVE record of a published advisory; refused without a CVE ID or the CNA's organisation id. */
export function toCve5(advisory: AdvisoryRecord, publisher: Publisher): CveExport {
  if (!advisory.cveId) return { ok: false, problem: "The advisory has no CVE ID, so it has no CVE record." };
  if (!publisher.cnaOrgId)
    return { ok: false, problem: "Set the CNA organisation id (setting cnaOrgId) to export CVE records." };
  const updated = isoSeconds(advisory.modified);
  const provider: Record<string, string> = { orgId: publisher.cnaOrgId, dateUpdated: updated };
  if (publisher.cnaShortName) provider.shortName = publisher.cnaShortName;
  const description = [advisory.summary, advisory.details].filter((t) => t.trim() !== "").join("\n\n");
  const cna: Record<string, unknown> = {
    providerMetadata: provider,
    datePublic: isoSeconds(advisory.published),
    title: cut(advisory.title, MAX_TITLE),
    descriptions: [{ lang: "en", value: cut(description, MAX_TEXT) }],
    affected:
      advisory.affected.length > 0
        ? advisory.affected.map((p) => affectedEntry(p, publisher))
        : [{ vendor: publisher.vendor, product: advisory.title.slice(0, 2048), defaultStatus: "affected" }],
    references: [{ url: advisory.url, tags: ["vendor-advisory"] }, ...advisory.references]
      .filter((r, i, all) => all.findIndex((o) => o.url === r.url) === i)
      .map((r) => {
        if ("tags" in r) return r;
        const tag = REFERENCE_TAGS[r.type];
        return tag ? { url: r.url, tags: [tag] } : { url: r.url };
      }),
  };
  if (advisory.cwe.length > 0) {
    cna.problemTypes = [
      {
        descriptions: advisory.cwe.map((id) => ({
          lang: "en",
          type: "CWE",
          cweId: id,
          description: CWE_NAMES[id] ? `${id} ${CWE_NAMES[id]}` : id,
        })),
      },
    ];
  }
  const m = metrics(advisory.cvss);
  if (m) cna.metrics = m;
  if (advisory.workarounds) cna.workarounds = [{ lang: "en", value: cut(advisory.workarounds, MAX_TEXT) }];
  if (advisory.solution) cna.solutions = [{ lang: "en", value: cut(advisory.solution, MAX_TEXT) }];
  if (advisory.credits.length > 0) {
    cna.credits = advisory.credits.map((c) => ({
      lang: "en",
      value: cut(c.name, MAX_TEXT),
      type: c.role.replaceAll("_", " "),
    }));
  }
  const meta: Record<string, unknown> = {
    cveId: advisory.cveId,
    assignerOrgId: publisher.cnaOrgId,
    state: "PUBLISHED",
    datePublished: isoSeconds(advisory.published),
    dateUpdated: updated,
  };
  if (publisher.cnaShortName) meta.assignerShortName = publisher.cnaShortName;
  return {
    ok: true,
    record: { dataType: "CVE_RECORD", dataVersion: "5.1", cveMetadata: meta, containers: { cna } },
  };
}
