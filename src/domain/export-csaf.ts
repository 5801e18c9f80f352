// An advisory as a CSAF 2.0 security advisory (OASIS CSAF 2.0, profile csaf_security_advisory): the publisher and
// the tracking block with its revision history, a product tree of the vendor's products with affected version
// ranges and fixed versions, one vulnerability with notes, product status, remediations, CVSS v3 scores, and
// acknowledgments. Tests check every document with @secvisogram/csaf-validator-lib (strict schema and the
// mandatory tests). Where the distribution lives (/.well-known/csaf/white/<year>/<file>) is decided here too.

import {
  type AdvisoryRecord,
  type AffectedProduct,
  CWE_NAMES,
  isGitRange,
  isoSeconds,
  type Publisher,
} from "./advisory-record.ts";
import { scoreCvss } from "./cvss.ts";

/** CSAF's file name rule (5.1): the tracking id in lower case, every other character than +, -, a-z, 0-9 as _. */
export function csafFileName(trackingId: string): string {
  return `${trackingId.toLowerCase().replace(/[^+\-a-z0-9]+/g, "_")}.json`;
}

/** The path of an advisory's CSAF document under the publisher's URL. */
export function csafPath(advisory: Pick<AdvisoryRecord, "id" | "published">): string {
  return `/.well-known/csaf/white/${advisory.published.getUTCFullYear()}/${csafFileName(advisory.id)}`;
}

/** A `vers:` range (the package-url VERS spec) for a product version range's name. */
function versRange(product: AffectedProduct, r: AffectedProduct["ranges"][number]): string {
  const scheme = isGitRange(product)
    ? "generic"
    : (product.package?.ecosystem.split(":")[0] ?? "generic").toLowerCase().replace(/[^a-z0-9.+-]/g, "");
  const parts: string[] = [];
  if (r.introduced && r.introduced !== "0") parts.push(`>=${r.introduced}`);
  if (r.fixed) parts.push(`<${r.fixed}`);
  else if (r.lastAffected) parts.push(`<=${r.lastAffected}`);
  return `vers:${scheme || "generic"}/${parts.length > 0 ? parts.join("|") : "*"}`;
}

interface Tree {
  branches: Record<string, unknown>[];
  affected: string[];
  fixed: string[];
}

function productTree(advisory: AdvisoryRecord, publisher: Publisher): Tree {
  let n = 0;
  const nextId = () => `CSAFPID-${String(++n).padStart(4, "0")}`;
  const affected: string[] = [];
  const fixed: string[] = [];
  const products =
    advisory.affected.length > 0 ? advisory.affected : [{ product: advisory.title, ranges: [] }];
  const productBranches = products.map((p) => {
    const branches: Record<string, unknown>[] = [];
    for (const r of p.ranges) {
      const id = nextId();
      affected.push(id);
      const name = versRange(p, r);
      branches.push({
        category: "product_version_range",
        name,
        product: { name: `${p.product} ${name}`, product_id: id },
      });
    }
    const fixedVersions = [...new Set(p.ranges.map((r) => r.fixed).filter((v): v is string => !!v))];
    for (const version of fixedVersions) {
      const id = nextId();
      fixed.push(id);
      const label = isGitRange(p) ? `commit ${version.slice(0, 12)}` : version;
      branches.push({
        category: "product_version",
        name: label,
        product: { name: `${p.product} ${label}`, product_id: id },
      });
    }
    if (branches.length === 0) {
      const id = nextId();
      affected.push(id);
      return { category: "product_name", name: p.product, product: { name: p.product, product_id: id } };
    }
    return { category: "product_name", name: p.product, branches };
  });
  return {
    branches: [{ category: "vendor", name: publisher.vendor, branches: productBranches }],
    affected,
    fixed,
  };
}

/** The CSAF 2.0 document of a published advisory. */
export function toCsaf(advisory: AdvisoryRecord, publisher: Publisher): Record<string, unknown> {
  const tree = productTree(advisory, publisher);
  const revisions =
    advisory.revisions.length > 0
      ? advisory.revisions
      : [{ number: 1, date: advisory.published, summary: "Initial publication." }];
  const current = revisions.at(-1) as (typeof revisions)[number];
  const selfUrl = `${publisher.namespace.replace(/\/$/, "")}${csafPath(advisory)}`;
  const document: Record<string, unknown> = {
    category: "csaf_security_advisory",
    csaf_version: "2.0",
    lang: "en",
    title: advisory.title,
    publisher: { category: "vendor", name: publisher.name, namespace: publisher.namespace },
    distribution: { tlp: { label: "WHITE", url: "https://www.first.org/tlp/" } },
    notes: [{ category: "summary", title: "Summary", text: advisory.summary }],
    references: [
      { category: "self", summary: "This CSAF document", url: selfUrl },
      { category: "external", summary: "The advisory's page", url: advisory.url },
    ],
    tracking: {
      id: advisory.id,
      status: "final",
      version: String(current.number),
      initial_release_date: isoSeconds(advisory.published),
      current_release_date: isoSeconds(current.date),
      revision_history: revisions.map((r) => ({
        number: String(r.number),
        date: isoSeconds(r.date),
        summary: r.summary,
      })),
      generator: { engine: { name: "Embargo" }, date: isoSeconds(advisory.modified) },
    },
  };
  const named = advisory.credits.filter((c) => c.name.trim() !== "");
  if (named.length > 0) {
    document.acknowledgments = named.map((c) => {
      const urls = (c.contact ?? []).filter((u) => /^https:\/\//.test(u));
      return { names: [c.name], summary: c.role.replaceAll("_", " "), ...(urls.length > 0 ? { urls } : {}) };
    });
  }
  const vulnerability: Record<string, unknown> = {
    title: advisory.title,
    notes: [
      { category: "summary", title: "Summary", text: advisory.summary },
      ...(advisory.details.trim() !== ""
        ? [{ category: "description", title: "Details", text: advisory.details }]
        : []),
    ],
    product_status: {
      known_affected: tree.affected,
      ...(tree.fixed.length > 0 ? { fixed: tree.fixed } : {}),
    },
    remediations: [
      {
        category: tree.fixed.length > 0 ? "vendor_fix" : "none_available",
        details:
          advisory.solution ??
          (tree.fixed.length > 0 ? "Upgrade to a fixed version." : "No fixed version is available yet."),
        product_ids: tree.affected,
      },
      ...(advisory.workarounds
        ? [{ category: "workaround", details: advisory.workarounds, product_ids: tree.affected }]
        : []),
    ],
    references: [
      { category: "self", summary: "The advisory's page", url: advisory.url },
      ...advisory.references.map((r) => ({
        category: "external",
        summary: r.type.toLowerCase(),
        url: r.url,
      })),
    ].filter((r, i, all) => all.findIndex((o) => o.url === r.url) === i),
  };
  if (advisory.cveId) vulnerability.cve = advisory.cveId;
  const cwe = advisory.cwe.find((id) => CWE_NAMES[id]);
  if (cwe) vulnerability.cwe = { id: cwe, name: CWE_NAMES[cwe] };
  if (advisory.cvss) {
    const scored = scoreCvss(advisory.cvss);
    // CSAF 2.0 carries CVSS v2 and v3 only; a CVSS 4.0 vector stays in the notes.
    const s = scored.ok ? scored.value : null;
    if (s && s.version !== "4.0") {
      vulnerability.scores = [
        {
          products: tree.affected,
          cvss_v3: {
            version: s.version,
            vectorString: s.vector,
            baseScore: s.baseScore,
            baseSeverity: s.baseSeverity.toUpperCase(),
          },
        },
      ];
    } else if (s) {
      (vulnerability.notes as Record<string, string>[]).push({
        category: "other",
        title: "CVSS 4.0",
        text: `${s.vector} (${s.score}, ${s.severity})`,
      });
    }
  }
  return { document, product_tree: { branches: tree.branches }, vulnerabilities: [vulnerability] };
}
