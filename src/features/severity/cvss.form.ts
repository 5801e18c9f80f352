import {
  CVSS_METRICS,
  type CvssMetricDefinition,
  type CvssScore,
  type CvssSeverity,
  type CvssVersion,
  scoreCvss,
} from "../../domain/cvss.ts";

/** Versions the calculator offers, newest first; 3.0 stays for pasted legacy vectors. */
export const CALCULATOR_VERSIONS: readonly CvssVersion[] = ["3.1", "4.0", "3.0"];

/** The version a blank calculator starts with. */
export const DEFAULT_CALCULATOR_VERSION: CvssVersion = "3.1";

/** Form field name of a metric's select; prefixed so metric codes never collide with the form's own fields. */
export const metricField = (code: string): string => `m_${code}`;

/**
 * A vector in canonical form: the prefix, every written metric in the specification's order, and no Not Defined
 * (X) metrics, as FIRST's calculators write it. Scores do not change: an absent metric is Not Defined.
 */
export function canonicalCvssVector(score: Pick<CvssScore, "version" | "metrics">): string {
  const parts = CVSS_METRICS[score.version]
    .filter((def) => {
      const value = score.metrics[def.code];
      return value !== undefined && (def.mandatory || value !== "X");
    })
    .map((def) => `${def.code}:${score.metrics[def.code]}`);
  return [`CVSS:${score.version}`, ...parts].join("/");
}

/** The score that stands for a vector: 4.0 has one; for 3.x the most specific group the vector defines. */
export function headlineScore(score: CvssScore): {
  score: number;
  severity: CvssSeverity;
  kind: "base" | "temporal" | "environmental" | "CVSS-B" | "CVSS-BT" | "CVSS-BE" | "CVSS-BTE";
} {
  const defined = (group: string) =>
    CVSS_METRICS[score.version].some(
      (def) =>
        def.group === group && score.metrics[def.code] !== undefined && score.metrics[def.code] !== "X",
    );
  if (score.version === "4.0") {
    const t = defined("threat");
    const e = defined("environmental");
    const kind = t && e ? "CVSS-BTE" : t ? "CVSS-BT" : e ? "CVSS-BE" : "CVSS-B";
    return { score: score.score, severity: score.severity, kind };
  }
  if (defined("environmental")) {
    return { score: score.environmentalScore, severity: score.environmentalSeverity, kind: "environmental" };
  }
  if (defined("temporal")) {
    return { score: score.temporalScore, severity: score.temporalSeverity, kind: "temporal" };
  }
  return { score: score.baseScore, severity: score.baseSeverity, kind: "base" };
}

/** What the calculator shows: the chosen version and metric values, the vector field, and the result or problems. */
export interface CvssFormState {
  version: CvssVersion;
  /** Metric code → chosen value ("" for a base metric not chosen yet, "X" for Not Defined). */
  values: Record<string, string>;
  /** The vector field: the canonical vector of the selects, or what was typed when it is invalid. */
  vectorText: string;
  /** The vector the selects stood for when the page was rendered, to tell an edited vector field from a stale one. */
  loaded: string;
  /** Problems keyed by metric field name (m_AV), "cvss" (the vector field) or "cvss_version". */
  errors: Record<string, string>;
  /** How many base metrics are still to be chosen. */
  missing: number;
  score: CvssScore | null;
  /** The canonical vector of `score`. */
  vector: string | null;
  reason: string;
}

/** A blank or preset calculator: preset from the report's current CVSS vector, when it has one. */
export function initialCvssForm(vector: string | null | undefined): CvssFormState {
  if (vector) {
    const scored = scoreCvss(vector);
    if (scored.ok) return fromScore(scored.value, "");
  }
  return readCvssForm({ cvss_version: DEFAULT_CALCULATOR_VERSION });
}

function fromScore(score: CvssScore, reason: string): CvssFormState {
  const canonical = canonicalCvssVector(score);
  const values: Record<string, string> = {};
  for (const def of CVSS_METRICS[score.version]) {
    values[def.code] = score.metrics[def.code] ?? (def.mandatory ? "" : "X");
  }
  return {
    version: score.version,
    values,
    vectorText: canonical,
    loaded: canonical,
    errors: {},
    missing: 0,
    score,
    vector: canonical,
    reason,
  };
}

function label(def: CvssMetricDefinition): string {
  return `${def.name} (${def.code})`;
}

/**
 * Reads the calculator's fields. The vector field wins when it was edited (it differs from the vector the page
 * was rendered with): a pasted vector fills the selects. Otherwise the selects make the vector, and the field
 * follows them. Pure, so the live preview, Preview and Set severity all read the form the same way.
 */
export function readCvssForm(fields: Readonly<Record<string, string | undefined>>): CvssFormState {
  const reason = fields.reason ?? "";
  const typed = (fields.cvss ?? "").trim();
  const loaded = (fields.cvss_loaded ?? "").trim();
  const errors: Record<string, string> = {};

  if (typed !== "" && typed !== loaded) {
    const scored = scoreCvss(typed);
    if (scored.ok) return fromScore(scored.value, reason);
    errors.cvss = `Invalid CVSS vector: ${scored.error}.`;
  }

  const rawVersion = fields.cvss_version ?? DEFAULT_CALCULATOR_VERSION;
  let version = CALCULATOR_VERSIONS.find((v) => v === rawVersion);
  if (!version) {
    errors.cvss_version = `Choose a CVSS version: ${CALCULATOR_VERSIONS.join(", ")}.`;
    version = DEFAULT_CALCULATOR_VERSION;
  }
  const values: Record<string, string> = {};
  let missing = 0;
  for (const def of CVSS_METRICS[version]) {
    const raw = fields[metricField(def.code)];
    const value = raw === undefined || raw === "" ? (def.mandatory ? "" : "X") : raw;
    const allowed = def.values.some((v) => v.code === value);
    if (value === "") {
      missing++;
      errors[metricField(def.code)] = `Choose a value for ${label(def)}.`;
      values[def.code] = "";
    } else if (!allowed) {
      errors[metricField(def.code)] =
        `${label(def)} must be one of ${def.values.map((v) => v.code).join(", ")} in CVSS ${version}.`;
      values[def.code] = def.mandatory ? "" : "X";
      if (def.mandatory) missing++;
    } else {
      values[def.code] = value;
    }
  }

  const failed = Object.keys(errors).length > 0;
  if (!failed) {
    const candidate = canonicalCvssVector({ version, metrics: values });
    const scored = scoreCvss(candidate);
    if (scored.ok) return fromScore(scored.value, reason);
    errors.cvss = `Invalid CVSS vector: ${scored.error}.`;
  }
  return {
    version,
    values,
    // A vector that no longer matches the selects is not shown as if it did.
    vectorText: errors.cvss ? typed : "",
    loaded: "",
    errors,
    missing,
    score: null,
    vector: null,
    reason,
  };
}

/** One sentence for the top of a refused calculator form. */
export function cvssFormSummary(state: CvssFormState): string {
  if (state.errors.cvss) return state.errors.cvss;
  const count = Object.keys(state.errors).length;
  if (count === 1) return Object.values(state.errors)[0] ?? "Check the calculator.";
  return `Choose a value for every base metric: ${count} metrics need attention.`;
}
