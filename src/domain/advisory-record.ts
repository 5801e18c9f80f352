// An advisory as the exports read it: the facts every standard format carries (CVE, OSV, CSAF), in one shape that
// the advisory service fills from the database. The exports are pure functions of this record and a few
// settings, so the same record always gives the same documents.

/** Credit roles, as CVE and OSV name them (OSV writes them upper-case). */
export const CREDIT_ROLES = [
  "finder",
  "reporter",
  "analyst",
  "coordinator",
  "remediation_developer",
  "remediation_reviewer",
  "remediation_verifier",
  "tool",
  "sponsor",
  "other",
] as const;
export type CreditRole = (typeof CREDIT_ROLES)[number];

/** Reference kinds, as OSV names them; CVE and CSAF map them to their own tags and categories. */
export const REFERENCE_TYPES = [
  "ADVISORY",
  "ARTICLE",
  "DETECTION",
  "DISCUSSION",
  "REPORT",
  "FIX",
  "INTRODUCED",
  "PACKAGE",
  "EVIDENCE",
  "WEB",
] as const;
export type ReferenceType = (typeof REFERENCE_TYPES)[number];

/** OSV's ecosystem names that advisories use most; a release suffix (`Debian:12`) is allowed after a colon. */
export const OSV_ECOSYSTEMS = [
  "npm",
  "PyPI",
  "Go",
  "crates.io",
  "Maven",
  "NuGet",
  "Packagist",
  "RubyGems",
  "Hex",
  "Pub",
  "Hackage",
  "CRAN",
  "SwiftURL",
  "GitHub Actions",
  "ConanCenter",
  "Bioconductor",
  "Debian",
  "Ubuntu",
  "Alpine",
  "AlmaLinux",
  "Rocky Linux",
  "Red Hat",
  "SUSE",
  "openSUSE",
  "Wolfi",
  "Chainguard",
  "Linux",
  "Android",
  "OSS-Fuzz",
] as const;

/** The official CWE names of the weaknesses the report form offers (CSAF requires a CWE's id and exact name). */
export const CWE_NAMES: Readonly<Record<string, string>> = {
  "CWE-79": "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
  "CWE-89": "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
  "CWE-78": "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')",
  "CWE-94": "Improper Control of Generation of Code ('Code Injection')",
  "CWE-22": "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
  "CWE-352": "Cross-Site Request Forgery (CSRF)",
  "CWE-918": "Server-Side Request Forgery (SSRF)",
  "CWE-287": "Improper Authentication",
  "CWE-862": "Missing Authorization",
  "CWE-863": "Incorrect Authorization",
  "CWE-639": "Authorization Bypass Through User-Controlled Key",
  "CWE-200": "Exposure of Sensitive Information to an Unauthorized Actor",
  "CWE-798": "Use of Hard-coded Credentials",
  "CWE-327": "Use of a Broken or Risky Cryptographic Algorithm",
  "CWE-502": "Deserialization of Untrusted Data",
  "CWE-611": "Improper Restriction of XML External Entity Reference",
  "CWE-434": "Unrestricted Upload of File with Dangerous Type",
  "CWE-601": "URL Redirection to Untrusted Site ('Open Redirect')",
  "CWE-787": "Out-of-bounds Write",
  "CWE-125": "Out-of-bounds Read",
  "CWE-416": "Use After Free",
  "CWE-400": "Uncontrolled Resource Consumption",
  "CWE-1321": "Improperly Controlled Modification of Object Prototype Attributes ('Prototype Pollution')",
  "CWE-384": "Session Fixation",
};

/** A range of affected versions: from `introduced` up to `fixed` (exclusive) or `lastAffected` (inclusive). */
export interface AffectedRange {
  introduced: string;
  fixed?: string | null;
  lastAffected?: string | null;
}

export interface AffectedProduct {
  product: string;
  /** The package in an OSV ecosystem, when the product ships as one. */
  package?: { ecosystem: string; name: string; purl?: string | null } | null;
  /** The source repository's URL; with commit SHAs as range bounds, a git range. */
  repository?: string | null;
  ranges: AffectedRange[];
}

export interface AdvisoryCredit {
  name: string;
  role: CreditRole;
  /** Links or addresses, e.g. the researcher's homepage. */
  contact?: string[];
}

export interface AdvisoryRevision {
  /** 1, 2, 3 …: each publication or update of the public advisory. */
  number: number;
  date: Date;
  summary: string;
}

/** Everything the exports need to know about one published advisory. */
export interface AdvisoryRecord {
  /** `<prefix>-YYYY-NNNN`, e.g. EMBSA-2026-0001. */
  id: string;
  title: string;
  /** One line, plain text. */
  summary: string;
  /** Markdown. */
  details: string;
  cveId: string | null;
  cwe: string[];
  /** A CVSS 3.0, 3.1 or 4.0 vector. */
  cvss: string | null;
  affected: AffectedProduct[];
  workarounds: string | null;
  /** How to fix: the fixed versions in words, an upgrade path. */
  solution: string | null;
  references: { type: ReferenceType; url: string }[];
  credits: AdvisoryCredit[];
  published: Date;
  modified: Date;
  withdrawn: Date | null;
  /** Oldest first; the last one is the current version. */
  revisions: AdvisoryRevision[];
  /** The advisory's public page. */
  url: string;
}

/** Who publishes the advisories: the team's organisation, as the exports name it. */
export interface Publisher {
  /** The organisation's name, e.g. "Example Project Security Team". */
  name: string;
  /** A URL that identifies the publisher (CSAF's namespace), e.g. the instance's public URL. */
  namespace: string;
  /** The vendor whose products the advisories cover (CVE affected.vendor, CSAF's vendor branch). */
  vendor: string;
  /** The CNA's organisation id (a UUID) from the setting cnaOrgId; CVE records need it. */
  cnaOrgId: string | null;
  cnaShortName: string | null;
}

/** A CVE ID is "CVE-", a year of four digits from 1999, "-" and four or more digits. */
export function cveIdProblem(value: string): string | null {
  const m = /^CVE-(\d{4})-(\d{4,19})$/.exec(value);
  if (!m) return "A CVE ID has the form CVE-YYYY-NNNN (four or more digits after the year).";
  if (Number(m[1]) < 1999) return "A CVE ID's year is 1999 or later.";
  return null;
}

/** A full 40-hex SHA: git ranges name commits. */
export function isCommitSha(value: string): boolean {
  return /^[0-9a-f]{40}$/.test(value);
}

/** Whether an affected product's ranges are git ranges (a repository and full SHAs), not version ranges. */
export function isGitRange(product: AffectedProduct): boolean {
  return (
    !product.package &&
    typeof product.repository === "string" &&
    product.ranges.every((r) =>
      [r.introduced, r.fixed, r.lastAffected].every(
        (v) => v === undefined || v === null || v === "0" || isCommitSha(v),
      ),
    )
  );
}

/** The version an ISO date-time needs in the exports: UTC with seconds and a Z. */
export function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
