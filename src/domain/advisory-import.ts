// An OSV or CVE JSON 5 record read back into the facts a draft advisory holds, for teams moving their history in
// (GitHub's advisories are OSV). Pure and defensive: the input is untrusted JSON, so every field is checked for
// its type, every list and text is bounded, unknown reference types become WEB, links other than http(s) are
// dropped, and what could not be kept is named in `notes` rather than silently lost.

import {
  type AdvisoryCredit,
  type AffectedProduct,
  type AffectedRange,
  CREDIT_ROLES,
  type CreditRole,
  cveIdProblem,
  REFERENCE_TYPES,
  type ReferenceType,
} from "./advisory-record.ts";
import { isCvssVector } from "./cvss.ts";

export interface ImportedAdvisory {
  /** The record's own id (an OSV id such as GHSA-…, or the CVE ID). */
  sourceId: string;
  format: "osv" | "cve";
  title: string;
  summary: string;
  details: string;
  cveId: string | null;
  cwe: string[];
  cvss: string | null;
  affected: AffectedProduct[];
  workarounds: string | null;
  solution: string | null;
  references: { type: ReferenceType; url: string }[];
  credits: AdvisoryCredit[];
}

export type ImportResult =
  | { ok: true; advisory: ImportedAdvisory; notes: string[] }
  | { ok: false; problem: string };

export const IMPORT_LIMITS = { text: 50_000, title: 200, list: 100, field: 500 } as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown, max: number = IMPORT_LIMITS.field): string | null =>
  typeof v === "string" && v.trim() !== "" ? v.trim().slice(0, max) : null;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v.slice(0, IMPORT_LIMITS.list) : []);
const httpUrl = (v: unknown): string | null => {
  const s = str(v);
  return s && /^https?:\/\/[^\s]+$/i.test(s) ? s : null;
};
const firstLine = (text: string) => (text.split(/\r?\n/).find((l) => l.trim() !== "") ?? "").trim();
const cweIds = (values: unknown[]) => [
  ...new Set(values.filter((v): v is string => typeof v === "string" && /^CWE-\d{1,6}$/.test(v))),
];

/** Reads an OSV record or a CVE JSON 5 record, telling which by its shape. */
export function importAdvisory(json: unknown): ImportResult {
  if (!isObj(json)) return { ok: false, problem: "The file is not a JSON object." };
  if (json.dataType === "CVE_RECORD") return fromCve(json);
  if (typeof json.id === "string" && ("modified" in json || "schema_version" in json)) return fromOsv(json);
  return {
    ok: false,
    problem:
      'This is neither an OSV record (with "id" and "modified") nor a CVE record (dataType CVE_RECORD).',
  };
}

/** OSV ranges: each `introduced` opens a range that the next `fixed` or `last_affected` closes. */
function osvRanges(events: unknown[]): AffectedRange[] {
  const out: AffectedRange[] = [];
  let open: AffectedRange | null = null;
  for (const e of events) {
    if (!isObj(e)) continue;
    const introduced = str(e.introduced);
    const fixed = str(e.fixed);
    const last = str(e.last_affected);
    if (introduced !== null) {
      if (open) out.push(open);
      open = { introduced };
    } else if (open && fixed !== null) {
      out.push({ ...open, fixed });
      open = null;
    } else if (open && last !== null) {
      out.push({ ...open, lastAffected: last });
      open = null;
    }
  }
  if (open) out.push(open);
  return out;
}

function fromOsv(osv: Obj): ImportResult {
  const notes: string[] = [];
  const id = str(osv.id) as string;
  const details = str(osv.details, IMPORT_LIMITS.text) ?? "";
  const summary = str(osv.summary, IMPORT_LIMITS.field) ?? firstLine(details).slice(0, IMPORT_LIMITS.field);
  const cveId =
    [id, ...list(osv.aliases)].find((a): a is string => typeof a === "string" && cveIdProblem(a) === null) ??
    null;
  const vectors = list(osv.severity)
    .filter(isObj)
    .filter((s) => s.type === "CVSS_V3" || s.type === "CVSS_V4")
    .map((s) => str(s.score))
    .filter((s): s is string => s !== null && isCvssVector(s));
  const affected: AffectedProduct[] = [];
  for (const a of list(osv.affected).filter(isObj)) {
    const pkg = isObj(a.package) ? a.package : null;
    const ecosystem = str(pkg?.ecosystem);
    const name = str(pkg?.name);
    const versionRanges: AffectedRange[] = [];
    for (const r of list(a.ranges).filter(isObj)) {
      const ranges = osvRanges(list(r.events));
      if (r.type === "GIT") {
        const repo = httpUrl(r.repo);
        if (!repo) {
          notes.push("A GIT range without an http(s) repository was left out.");
          continue;
        }
        const product =
          name ??
          repo
            .replace(/\.git$/, "")
            .split("/")
            .pop() ??
          repo;
        affected.push({ product, repository: repo, ranges });
      } else versionRanges.push(...ranges);
    }
    if (ecosystem && name && versionRanges.length > 0)
      affected.push({
        product: name,
        package: { ecosystem, name, purl: str(pkg?.purl) },
        ranges: versionRanges,
      });
    const versions = list(a.versions).filter((v): v is string => typeof v === "string");
    if (list(a.ranges).length === 0 && ecosystem && name) {
      affected.push({
        product: name,
        package: { ecosystem, name, purl: str(pkg?.purl) },
        ranges: versions.map((v) => ({ introduced: v, lastAffected: v })),
      });
    }
  }
  const references = list(osv.references)
    .filter(isObj)
    .flatMap((r) => {
      const url = httpUrl(r.url);
      if (!url) return [];
      const type = (REFERENCE_TYPES as readonly unknown[]).includes(r.type)
        ? (r.type as ReferenceType)
        : "WEB";
      return [{ type, url }];
    });
  const credits = list(osv.credits)
    .filter(isObj)
    .flatMap((c) => {
      const name = str(c.name, IMPORT_LIMITS.title);
      if (!name) return [];
      const role = String(c.type ?? "other").toLowerCase();
      const contact = list(c.contact)
        .map(httpUrl)
        .filter((u): u is string => u !== null);
      return [
        {
          name,
          role: (CREDIT_ROLES as readonly string[]).includes(role) ? (role as CreditRole) : "other",
          ...(contact.length > 0 ? { contact } : {}),
        },
      ];
    });
  const specific = isObj(osv.database_specific) ? osv.database_specific : {};
  if (osv.withdrawn) notes.push("The record is withdrawn; it is imported as a draft all the same.");
  return {
    ok: true,
    notes,
    advisory: {
      sourceId: id,
      format: "osv",
      title: (str(osv.summary, IMPORT_LIMITS.title) ?? id).slice(0, IMPORT_LIMITS.title),
      summary: summary || id,
      details,
      cveId,
      cwe: cweIds(list(specific.cwe_ids)),
      cvss: vectors[0] ?? null,
      affected,
      workarounds: null,
      solution: null,
      references,
      credits,
    },
  };
}

/** CVE reference tags back to OSV's reference types. */
const CVE_TAG_TYPES: Record<string, ReferenceType> = {
  "vendor-advisory": "ADVISORY",
  "third-party-advisory": "ADVISORY",
  "technical-description": "ARTICLE",
  signature: "DETECTION",
  "mailing-list": "DISCUSSION",
  "issue-tracking": "REPORT",
  patch: "FIX",
  product: "PACKAGE",
  exploit: "EVIDENCE",
};

const english = (descriptions: unknown): string | null => {
  const all = list(descriptions).filter(isObj);
  const en = all.find((d) => typeof d.lang === "string" && d.lang.toLowerCase().startsWith("en")) ?? all[0];
  return str(en?.value, IMPORT_LIMITS.text);
};

function fromCve(cve: Obj): ImportResult {
  const notes: string[] = [];
  const meta = isObj(cve.cveMetadata) ? cve.cveMetadata : {};
  const cveId = str(meta.cveId);
  if (!cveId || cveIdProblem(cveId))
    return { ok: false, problem: "The CVE record has no valid cveMetadata.cveId." };
  const containers = isObj(cve.containers) ? cve.containers : {};
  const cna = isObj(containers.cna) ? containers.cna : null;
  if (!cna)
    return { ok: false, problem: "The CVE record has no containers.cna (a rejected or reserved record?)." };
  const description = english(cna.descriptions) ?? "";
  const title = str(cna.title, IMPORT_LIMITS.title) ?? firstLine(description).slice(0, IMPORT_LIMITS.title);
  const cwe = cweIds(
    list(cna.problemTypes)
      .filter(isObj)
      .flatMap((p) =>
        list(p.descriptions)
          .filter(isObj)
          .map((d) => d.cweId),
      ),
  );
  const vectors = list(cna.metrics)
    .filter(isObj)
    .flatMap((m) =>
      ["cvssV4_0", "cvssV3_1", "cvssV3_0"].map((k) => (isObj(m[k]) ? str(m[k].vectorString) : null)),
    )
    .filter((v): v is string => v !== null && isCvssVector(v));
  const affected: AffectedProduct[] = list(cna.affected)
    .filter(isObj)
    .flatMap((a) => {
      const product = str(a.product) ?? str(a.packageName);
      if (!product) return [];
      const ranges: AffectedRange[] = list(a.versions)
        .filter(isObj)
        .filter((v) => v.status === "affected")
        .flatMap((v) => {
          const introduced = str(v.version);
          if (!introduced) return [];
          const lessThan = str(v.lessThan);
          const orEqual = str(v.lessThanOrEqual);
          if (lessThan && lessThan !== "*") return [{ introduced, fixed: lessThan }];
          if (orEqual && orEqual !== "*") return [{ introduced, lastAffected: orEqual }];
          if (lessThan === "*" || orEqual === "*") return [{ introduced }];
          return [{ introduced, lastAffected: introduced }];
        });
      const repo = httpUrl(a.repo);
      return [{ product, ...(repo ? { repository: repo } : {}), ranges }];
    });
  if (list(cna.affected).some((a) => isObj(a) && isObj(a.packageName)))
    notes.push("Package names were kept as products; set each package's ecosystem in the draft.");
  const references = list(cna.references)
    .filter(isObj)
    .flatMap((r) => {
      const url = httpUrl(r.url);
      if (!url) return [];
      const tag = list(r.tags).find((t): t is string => typeof t === "string" && t in CVE_TAG_TYPES);
      return [{ type: tag ? (CVE_TAG_TYPES[tag] as ReferenceType) : ("WEB" as const), url }];
    });
  const credits = list(cna.credits)
    .filter(isObj)
    .flatMap((c) => {
      const name = str(c.value, IMPORT_LIMITS.title);
      if (!name) return [];
      const role = String(c.type ?? "other");
      return [
        { name, role: (CREDIT_ROLES as readonly string[]).includes(role) ? (role as CreditRole) : "other" },
      ];
    });
  return {
    ok: true,
    notes,
    advisory: {
      sourceId: cveId,
      format: "cve",
      title: title || cveId,
      summary: firstLine(description).slice(0, IMPORT_LIMITS.field) || cveId,
      details: description,
      cveId,
      cwe,
      cvss: vectors[0] ?? null,
      affected,
      workarounds: english(cna.workarounds),
      solution: english(cna.solutions),
      references,
      credits,
    },
  };
}
