// The advisory editor's form: flat field names (`affected.0.ranges.1.fixed`) read into the service's input, and
// back. Blank repeated rows are dropped and the rest renumbered, so the service's error keys (the same paths)
// point at the rows the page shows again. The page always offers one empty row of each list to fill in; "Add a
// product" asks for one more product fieldset without JavaScript.

import type { ParsedBody } from "../../http/form.ts";
import type { AdvisoryView } from "./advisory-views.service.ts";

export interface RangeValues {
  introduced: string;
  fixed: string;
  lastAffected: string;
}
export interface ProductValues {
  product: string;
  ecosystem: string;
  packageName: string;
  repository: string;
  ranges: RangeValues[];
}
export interface EditorValues {
  reports: string;
  title: string;
  summary: string;
  details: string;
  cveId: string;
  noCveReason: string;
  cwe: string;
  cvss: string;
  workarounds: string;
  solution: string;
  revisionSummary: string;
  affected: ProductValues[];
  references: { type: string; url: string }[];
  teamCredits: { name: string; role: string; url: string }[];
  /** Empty product fieldsets to show beyond the one always offered ("Add a product"). */
  extraProducts: number;
}

const TEXT_FIELDS = [
  "reports",
  "title",
  "summary",
  "details",
  "cveId",
  "noCveReason",
  "cwe",
  "cvss",
  "workarounds",
  "solution",
  "revisionSummary",
] as const;

/** The most rows of one list the form reads: beyond the service's limits, so those limits speak. */
const MAX_ROWS = 60;

export function emptyValues(): EditorValues {
  return {
    reports: "",
    title: "",
    summary: "",
    details: "",
    cveId: "",
    noCveReason: "",
    cwe: "",
    cvss: "",
    workarounds: "",
    solution: "",
    revisionSummary: "",
    affected: [],
    references: [],
    teamCredits: [],
    extraProducts: 0,
  };
}

const text = (body: ParsedBody | Record<string, string | string[]>, name: string): string => {
  const raw = body[name];
  const last = Array.isArray(raw) ? raw.at(-1) : raw;
  return typeof last === "string" ? last : "";
};
const blank = (o: Record<string, string>) => Object.values(o).every((v) => v.trim() === "");

/** Reads the posted editor (or a kept form state of it). */
export function valuesFromForm(body: ParsedBody | Record<string, string | string[]>): EditorValues {
  const values = emptyValues();
  for (const name of TEXT_FIELDS) values[name] = text(body, name);
  for (let i = 0; i < MAX_ROWS; i++) {
    const p = `affected.${i}.`;
    const ranges: RangeValues[] = [];
    for (let j = 0; j < MAX_ROWS; j++) {
      const r = {
        introduced: text(body, `${p}ranges.${j}.introduced`),
        fixed: text(body, `${p}ranges.${j}.fixed`),
        lastAffected: text(body, `${p}ranges.${j}.lastAffected`),
      };
      if (!blank(r)) ranges.push(r);
    }
    const product = {
      product: text(body, `${p}product`),
      ecosystem: text(body, `${p}package.ecosystem`),
      packageName: text(body, `${p}package.name`),
      repository: text(body, `${p}repository`),
    };
    if (!blank(product) || ranges.length > 0) values.affected.push({ ...product, ranges });
  }
  for (let i = 0; i < MAX_ROWS; i++) {
    const ref = { type: text(body, `references.${i}.type`), url: text(body, `references.${i}.url`) };
    if (ref.url.trim() !== "") values.references.push(ref);
    const credit = {
      name: text(body, `teamCredits.${i}.name`),
      role: text(body, `teamCredits.${i}.role`),
      url: text(body, `teamCredits.${i}.url`),
    };
    if (credit.name.trim() !== "" || credit.url.trim() !== "") values.teamCredits.push(credit);
  }
  const extra = Number.parseInt(text(body, "extraProducts"), 10);
  values.extraProducts = Number.isFinite(extra) ? Math.min(Math.max(extra, 0), 10) : 0;
  return values;
}

/** The values as flat fields, to keep in a form state (what a refused or previewed form shows again). */
export function flatValues(values: EditorValues): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name of TEXT_FIELDS) flat[name] = values[name];
  values.affected.forEach((p, i) => {
    flat[`affected.${i}.product`] = p.product;
    flat[`affected.${i}.package.ecosystem`] = p.ecosystem;
    flat[`affected.${i}.package.name`] = p.packageName;
    flat[`affected.${i}.repository`] = p.repository;
    p.ranges.forEach((r, j) => {
      flat[`affected.${i}.ranges.${j}.introduced`] = r.introduced;
      flat[`affected.${i}.ranges.${j}.fixed`] = r.fixed;
      flat[`affected.${i}.ranges.${j}.lastAffected`] = r.lastAffected;
    });
  });
  values.references.forEach((r, i) => {
    flat[`references.${i}.type`] = r.type;
    flat[`references.${i}.url`] = r.url;
  });
  values.teamCredits.forEach((c, i) => {
    flat[`teamCredits.${i}.name`] = c.name;
    flat[`teamCredits.${i}.role`] = c.role;
    flat[`teamCredits.${i}.url`] = c.url;
  });
  flat.extraProducts = String(values.extraProducts);
  return flat;
}

const list = (v: string) =>
  v
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);
const orNull = (v: string) => (v.trim() === "" ? null : v);

/** The service's input: what the JSON API takes, built from the form's values. */
export function inputOf(values: EditorValues, withReports: boolean): Record<string, unknown> {
  return {
    ...(withReports ? { reports: list(values.reports) } : {}),
    title: values.title,
    summary: values.summary,
    details: values.details,
    cveId: orNull(values.cveId),
    noCveReason: orNull(values.noCveReason),
    cwe: list(values.cwe),
    cvss: orNull(values.cvss),
    affected: values.affected.map((p) => ({
      product: p.product,
      package:
        p.ecosystem.trim() === "" && p.packageName.trim() === ""
          ? null
          : { ecosystem: p.ecosystem, name: p.packageName },
      repository: orNull(p.repository),
      ranges: p.ranges.map((r) => ({
        introduced: r.introduced,
        fixed: orNull(r.fixed),
        lastAffected: orNull(r.lastAffected),
      })),
    })),
    workarounds: orNull(values.workarounds),
    solution: orNull(values.solution),
    references: values.references.map((r) => ({ type: r.type, url: r.url })),
    teamCredits: values.teamCredits.map((c) => ({ name: c.name, role: c.role, url: orNull(c.url) })),
    ...(values.revisionSummary.trim() !== "" ? { revisionSummary: values.revisionSummary } : {}),
  };
}

/** The editor's values for a stored advisory. */
export function valuesOfAdvisory(a: AdvisoryView): EditorValues {
  return {
    ...emptyValues(),
    reports: a.reports.map((r) => r.reference).join(", "),
    title: a.title,
    summary: a.summary,
    details: a.details,
    cveId: a.cveId ?? "",
    noCveReason: a.noCveReason ?? "",
    cwe: a.cwe.join(", "),
    cvss: a.cvss ?? "",
    workarounds: a.workarounds ?? "",
    solution: a.solution ?? "",
    affected: a.affected.map((p) => ({
      product: p.product,
      ecosystem: p.package?.ecosystem ?? "",
      packageName: p.package?.name ?? "",
      repository: p.repository ?? "",
      ranges: p.ranges.map((r) => ({
        introduced: r.introduced,
        fixed: r.fixed ?? "",
        lastAffected: r.lastAffected ?? "",
      })),
    })),
    references: a.references.map((r) => ({ type: r.type, url: r.url })),
    teamCredits: a.teamCredits.map((c) => ({ name: c.name, role: c.role, url: c.url ?? "" })),
  };
}
