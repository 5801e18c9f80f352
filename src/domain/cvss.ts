// CVSS vectors: a strict parser and scorers for CVSS v3.0, v3.1 and v4.0, following FIRST's specifications.
//   v3.0  https://www.first.org/cvss/v3.0/specification-document (section 8 formulas, "Round up")
//   v3.1  https://www.first.org/cvss/v3.1/specification-document (section 7 formulas, Appendix A Roundup)
//   v4.0  https://www.first.org/cvss/v4.0/specification-document and FIRST's reference calculator
//         (MacroVector lookup + severity-distance interpolation, with the November 2024 rounding fix).
// Pure: no I/O, no clock, no globals. CVSS 3.x scores are computed in exact decimal arithmetic (BigInt), so
// "Round up" is the true ceiling the specifications define and no float artefact can move a score by 0.1.

import {
  CVSS40_LEVELS,
  CVSS40_MACROVECTOR_SCORES,
  CVSS40_MAX_COMPOSED,
  CVSS40_MAX_SEVERITY,
  type Cvss40Partial,
} from "./cvss40-tables.ts";

export type CvssVersion = "3.0" | "3.1" | "4.0";
export type CvssSeverity = "None" | "Low" | "Medium" | "High" | "Critical";
export type CvssMetricGroup = "base" | "temporal" | "threat" | "environmental" | "supplemental";

export interface Cvss3Score {
  vector: string;
  version: "3.0" | "3.1";
  baseScore: number;
  baseSeverity: CvssSeverity;
  temporalScore: number;
  temporalSeverity: CvssSeverity;
  environmentalScore: number;
  environmentalSeverity: CvssSeverity;
  /** The metrics written in the vector (Not Defined ones included when written), in canonical order. */
  metrics: Record<string, string>;
}

export interface Cvss4Score {
  vector: string;
  version: "4.0";
  score: number;
  severity: CvssSeverity;
  /** The metrics written in the vector (Not Defined ones included when written), in canonical order. */
  metrics: Record<string, string>;
}

export type CvssScore = Cvss3Score | Cvss4Score;
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface CvssMetricValue {
  readonly code: string;
  readonly name: string;
}

export interface CvssMetricDefinition {
  readonly code: string;
  readonly name: string;
  readonly group: CvssMetricGroup;
  readonly mandatory: boolean;
  readonly values: ReadonlyArray<CvssMetricValue>;
}

/** Longest accepted vector (after trimming); the longest valid CVSS 4.0 vector is far shorter. */
export const CVSS_MAX_VECTOR_LENGTH = 500;

const NOT_DEFINED: readonly [string, string] = ["X", "Not Defined"];

/** Builds a frozen metric definition; optional metrics get Not Defined (X) as their first value. */
function metric(
  code: string,
  name: string,
  group: CvssMetricGroup,
  values: ReadonlyArray<readonly [code: string, name: string]>,
): CvssMetricDefinition {
  const mandatory = group === "base";
  const all = mandatory ? values : [NOT_DEFINED, ...values];
  return Object.freeze({
    code,
    name,
    group,
    mandatory,
    values: Object.freeze(all.map(([c, n]) => Object.freeze({ code: c, name: n }))),
  });
}

const HLN: ReadonlyArray<readonly [string, string]> = [
  ["H", "High"],
  ["L", "Low"],
  ["N", "None"],
];
const HML: ReadonlyArray<readonly [string, string]> = [
  ["H", "High"],
  ["M", "Medium"],
  ["L", "Low"],
];

/** The CVSS 3.x metrics in the order of the specification's vector-string table (3.0 and 3.1 share them). */
function cvss3Metrics(version: "3.0" | "3.1"): readonly CvssMetricDefinition[] {
  const av: ReadonlyArray<readonly [string, string]> = [
    ["N", "Network"],
    ["A", version === "3.0" ? "Adjacent Network" : "Adjacent"],
    ["L", "Local"],
    ["P", "Physical"],
  ];
  const ac: ReadonlyArray<readonly [string, string]> = [
    ["L", "Low"],
    ["H", "High"],
  ];
  const pr: ReadonlyArray<readonly [string, string]> = [
    ["N", "None"],
    ["L", "Low"],
    ["H", "High"],
  ];
  const ui: ReadonlyArray<readonly [string, string]> = [
    ["N", "None"],
    ["R", "Required"],
  ];
  const scope: ReadonlyArray<readonly [string, string]> = [
    ["U", "Unchanged"],
    ["C", "Changed"],
  ];
  return Object.freeze([
    metric("AV", "Attack Vector", "base", av),
    metric("AC", "Attack Complexity", "base", ac),
    metric("PR", "Privileges Required", "base", pr),
    metric("UI", "User Interaction", "base", ui),
    metric("S", "Scope", "base", scope),
    metric("C", "Confidentiality", "base", HLN),
    metric("I", "Integrity", "base", HLN),
    metric("A", "Availability", "base", HLN),
    metric("E", "Exploit Code Maturity", "temporal", [
      ["H", "High"],
      ["F", "Functional"],
      ["P", "Proof-of-Concept"],
      ["U", "Unproven"],
    ]),
    metric("RL", "Remediation Level", "temporal", [
      ["U", "Unavailable"],
      ["W", "Workaround"],
      ["T", "Temporary Fix"],
      ["O", "Official Fix"],
    ]),
    metric("RC", "Report Confidence", "temporal", [
      ["C", "Confirmed"],
      ["R", "Reasonable"],
      ["U", "Unknown"],
    ]),
    metric("CR", "Confidentiality Requirement", "environmental", HML),
    metric("IR", "Integrity Requirement", "environmental", HML),
    metric("AR", "Availability Requirement", "environmental", HML),
    metric("MAV", "Modified Attack Vector", "environmental", av),
    metric("MAC", "Modified Attack Complexity", "environmental", ac),
    metric("MPR", "Modified Privileges Required", "environmental", pr),
    metric("MUI", "Modified User Interaction", "environmental", ui),
    metric("MS", "Modified Scope", "environmental", scope),
    metric("MC", "Modified Confidentiality", "environmental", HLN),
    metric("MI", "Modified Integrity", "environmental", HLN),
    metric("MA", "Modified Availability", "environmental", HLN),
  ]);
}

/** The CVSS 4.0 metrics in the specification's canonical vector order (Base, Threat, Environmental, Supplemental). */
function cvss4Metrics(): readonly CvssMetricDefinition[] {
  const av: ReadonlyArray<readonly [string, string]> = [
    ["N", "Network"],
    ["A", "Adjacent"],
    ["L", "Local"],
    ["P", "Physical"],
  ];
  const ac: ReadonlyArray<readonly [string, string]> = [
    ["L", "Low"],
    ["H", "High"],
  ];
  const at: ReadonlyArray<readonly [string, string]> = [
    ["N", "None"],
    ["P", "Present"],
  ];
  const pr: ReadonlyArray<readonly [string, string]> = [
    ["N", "None"],
    ["L", "Low"],
    ["H", "High"],
  ];
  const ui: ReadonlyArray<readonly [string, string]> = [
    ["N", "None"],
    ["P", "Passive"],
    ["A", "Active"],
  ];
  const hlns: ReadonlyArray<readonly [string, string]> = [["S", "Safety"], ...HLN];
  return Object.freeze([
    metric("AV", "Attack Vector", "base", av),
    metric("AC", "Attack Complexity", "base", ac),
    metric("AT", "Attack Requirements", "base", at),
    metric("PR", "Privileges Required", "base", pr),
    metric("UI", "User Interaction", "base", ui),
    metric("VC", "Vulnerable System Confidentiality Impact", "base", HLN),
    metric("VI", "Vulnerable System Integrity Impact", "base", HLN),
    metric("VA", "Vulnerable System Availability Impact", "base", HLN),
    metric("SC", "Subsequent System Confidentiality Impact", "base", HLN),
    metric("SI", "Subsequent System Integrity Impact", "base", HLN),
    metric("SA", "Subsequent System Availability Impact", "base", HLN),
    metric("E", "Exploit Maturity", "threat", [
      ["A", "Attacked"],
      ["P", "POC"],
      ["U", "Unreported"],
    ]),
    metric("CR", "Confidentiality Requirement", "environmental", HML),
    metric("IR", "Integrity Requirement", "environmental", HML),
    metric("AR", "Availability Requirement", "environmental", HML),
    metric("MAV", "Modified Attack Vector", "environmental", av),
    metric("MAC", "Modified Attack Complexity", "environmental", ac),
    metric("MAT", "Modified Attack Requirements", "environmental", at),
    metric("MPR", "Modified Privileges Required", "environmental", pr),
    metric("MUI", "Modified User Interaction", "environmental", ui),
    metric("MVC", "Modified Vulnerable System Confidentiality", "environmental", HLN),
    metric("MVI", "Modified Vulnerable System Integrity", "environmental", HLN),
    metric("MVA", "Modified Vulnerable System Availability", "environmental", HLN),
    metric("MSC", "Modified Subsequent System Confidentiality", "environmental", HLN),
    metric("MSI", "Modified Subsequent System Integrity", "environmental", hlns),
    metric("MSA", "Modified Subsequent System Availability", "environmental", hlns),
    metric("S", "Safety", "supplemental", [
      ["N", "Negligible"],
      ["P", "Present"],
    ]),
    metric("AU", "Automatable", "supplemental", [
      ["N", "No"],
      ["Y", "Yes"],
    ]),
    metric("R", "Recovery", "supplemental", [
      ["A", "Automatic"],
      ["U", "User"],
      ["I", "Irrecoverable"],
    ]),
    metric("V", "Value Density", "supplemental", [
      ["D", "Diffuse"],
      ["C", "Concentrated"],
    ]),
    metric("RE", "Vulnerability Response Effort", "supplemental", [
      ["L", "Low"],
      ["M", "Moderate"],
      ["H", "High"],
    ]),
    metric("U", "Provider Urgency", "supplemental", [
      ["Clear", "Clear"],
      ["Green", "Green"],
      ["Amber", "Amber"],
      ["Red", "Red"],
    ]),
  ]);
}

/** Metric definitions per version in canonical order; the parser validates against exactly these. */
export const CVSS_METRICS: Readonly<Record<CvssVersion, ReadonlyArray<CvssMetricDefinition>>> = Object.freeze(
  {
    "3.0": cvss3Metrics("3.0"),
    "3.1": cvss3Metrics("3.1"),
    "4.0": cvss4Metrics(),
  },
);

interface MetricIndexEntry {
  readonly def: CvssMetricDefinition;
  readonly position: number;
  readonly allowed: ReadonlySet<string>;
}

/** Map-based lookup tables (never plain-object lookups, so "__proto__" or "constructor" cannot match). */
const METRIC_INDEX: ReadonlyMap<CvssVersion, ReadonlyMap<string, MetricIndexEntry>> = new Map(
  (Object.keys(CVSS_METRICS) as CvssVersion[]).map((version) => [
    version,
    new Map(
      CVSS_METRICS[version].map((def, position) => [
        def.code,
        { def, position, allowed: new Set(def.values.map((v) => v.code)) },
      ]),
    ),
  ]),
);

const VERSIONS: ReadonlyMap<string, CvssVersion> = new Map([
  ["3.0", "3.0"],
  ["3.1", "3.1"],
  ["4.0", "4.0"],
]);
const EXPECTED_PREFIXES = `"CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/"`;

interface ParsedVector {
  vector: string;
  version: CvssVersion;
  /** Written metrics only; absent optional metrics are Not Defined. */
  metrics: ReadonlyMap<string, string>;
}

/** Quotes user input for an error message, cut short so a hostile input cannot bloat the message. */
function quote(text: string): string {
  const cut = text.length > 24 ? `${text.slice(0, 24)}…` : text;
  return JSON.stringify(cut);
}

/** Names a character for an error message by its code point, so invisible or look-alike ones show up. */
function describeChar(text: string, index: number): string {
  const cp = text.codePointAt(index) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Strict syntax check of a CVSS vector string; every rejection names the offending part. */
function parseCvssVector(input: unknown): ParseResult<ParsedVector> {
  const fail = (error: string): ParseResult<ParsedVector> => ({ ok: false, error });
  if (typeof input !== "string") return fail("CVSS vector must be a string");
  const vector = input.trim();
  if (vector === "") return fail("CVSS vector is empty");
  if (vector.length > CVSS_MAX_VECTOR_LENGTH) {
    return fail(`CVSS vector is too long (${vector.length} characters, at most ${CVSS_MAX_VECTOR_LENGTH})`);
  }
  const space = vector.search(/\s/u);
  if (space >= 0) {
    return fail(
      `CVSS vector must not contain whitespace (${describeChar(vector, space)} at position ${space + 1})`,
    );
  }
  const bad = vector.search(/[^\x21-\x7e]/u);
  if (bad >= 0) {
    return fail(
      `CVSS vector contains an invalid character ${describeChar(vector, bad)} at position ${bad + 1}`,
    );
  }

  const slash = vector.indexOf("/");
  const head = slash < 0 ? vector : vector.slice(0, slash);
  let version: CvssVersion | undefined;
  if (head.startsWith("CVSS:")) {
    version = VERSIONS.get(head.slice("CVSS:".length));
    if (version === undefined) {
      return fail(`unsupported CVSS version in prefix ${quote(head)} (expected ${EXPECTED_PREFIXES})`);
    }
  } else if (head.toUpperCase().startsWith("CVSS")) {
    return fail(`invalid prefix ${quote(head)} (prefixes are case-sensitive: expected ${EXPECTED_PREFIXES})`);
  } else {
    return fail(`missing "CVSS:" prefix (a vector starts with ${EXPECTED_PREFIXES})`);
  }
  const label = `CVSS ${version}`;
  if (slash < 0) return fail(`${label}: the vector has no metrics after the prefix`);

  const index = METRIC_INDEX.get(version)!;
  const parts = vector.slice(slash + 1).split("/");
  const metrics = new Map<string, string>();
  const written: MetricIndexEntry[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === "") {
      return fail(
        i === parts.length - 1
          ? `${label}: trailing "/" after the last metric`
          : `${label}: empty metric (duplicate "/")`,
      );
    }
    const colon = part.indexOf(":");
    if (colon < 0) return fail(`${label}: ${quote(part)} is not a metric:value pair (missing ":")`);
    if (part.indexOf(":", colon + 1) >= 0) return fail(`${label}: ${quote(part)} has more than one ":"`);
    const code = part.slice(0, colon);
    const value = part.slice(colon + 1);
    if (code === "") return fail(`${label}: metric name missing before ":" in ${quote(part)}`);
    const entry = index.get(code);
    if (entry === undefined) {
      const upper = code.toUpperCase();
      const hint = upper !== code && index.has(upper) ? ` (metric names are case-sensitive: "${upper}")` : "";
      return fail(`${label}: unknown metric ${quote(code)}${hint}`);
    }
    if (metrics.has(code)) return fail(`${label}: duplicated metric "${code}"`);
    if (value === "") return fail(`${label}: metric "${code}" has no value`);
    if (!entry.allowed.has(value)) {
      const allowed = entry.def.values.map((v) => v.code).join(", ");
      return fail(`${label}: metric "${code}" has invalid value ${quote(value)} (allowed: ${allowed})`);
    }
    metrics.set(code, value);
    written.push(entry);
  }

  for (const def of CVSS_METRICS[version]) {
    if (def.mandatory && !metrics.has(def.code)) return fail(`${label}: metric "${def.code}" is missing`);
  }

  // CVSS 4.0 requires the canonical order. CVSS 3.x does not: both 3.x specifications say programs reading
  // vectors must accept metrics in any order (and Red Hat's calculator3 vectors start with "S:U/AV:N/...").
  if (version === "4.0") {
    const sorted = [...written].sort((a, b) => a.position - b.position);
    for (let i = 0; i < written.length; i++) {
      if (written[i] !== sorted[i]) {
        return fail(
          `${label}: metric "${written[i]!.def.code}" is out of order (expected "${sorted[i]!.def.code}" first)`,
        );
      }
    }
  }
  return { ok: true, value: { vector, version, metrics } };
}

/** Metrics as a plain record in canonical order, for display and storage. */
function metricsRecord(parsed: ParsedVector): Record<string, string> {
  const out: Record<string, string> = {};
  for (const def of CVSS_METRICS[parsed.version]) {
    const value = parsed.metrics.get(def.code);
    if (value !== undefined) out[def.code] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Exact decimal arithmetic for CVSS 3.x: value = n / 10^s. Every weight has at most four decimals, so every
// intermediate (including the ^15 and ^13 terms) is an exact finite decimal.

interface Dec {
  readonly n: bigint;
  readonly s: number;
}

/** Parses a decimal literal such as "0.85" or "-3.25" into an exact value. */
function dec(text: string): Dec {
  const dot = text.indexOf(".");
  if (dot < 0) return { n: BigInt(text), s: 0 };
  return { n: BigInt(text.slice(0, dot) + text.slice(dot + 1)), s: text.length - dot - 1 };
}

const POW10: bigint[] = [1n];
/** 10^k as a BigInt, cached because scales repeat constantly. */
function pow10(k: number): bigint {
  for (let i = POW10.length; i <= k; i++) POW10.push(POW10[i - 1]! * 10n);
  return POW10[k]!;
}
/** Numerator of a at scale s (s >= a.s). */
function at(a: Dec, s: number): bigint {
  return s === a.s ? a.n : a.n * pow10(s - a.s);
}
function add(a: Dec, b: Dec): Dec {
  const s = Math.max(a.s, b.s);
  return { n: at(a, s) + at(b, s), s };
}
function sub(a: Dec, b: Dec): Dec {
  const s = Math.max(a.s, b.s);
  return { n: at(a, s) - at(b, s), s };
}
function mul(...xs: Dec[]): Dec {
  return xs.reduce((a, b) => ({ n: a.n * b.n, s: a.s + b.s }), ONE);
}
function pow(a: Dec, k: number): Dec {
  return { n: a.n ** BigInt(k), s: a.s * k };
}
function cmp(a: Dec, b: Dec): number {
  const s = Math.max(a.s, b.s);
  const d = at(a, s) - at(b, s);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
function min(a: Dec, b: Dec): Dec {
  return cmp(a, b) <= 0 ? a : b;
}
/** The specifications' "Round up": the smallest number with one decimal that is >= the input (exact ceiling). */
function roundUp(a: Dec): Dec {
  if (a.s <= 1) return { n: at(a, 1), s: 1 };
  const div = pow10(a.s - 1);
  const q = a.n / div; // truncates toward zero, which is the ceiling for negatives
  return { n: a.n > 0n && a.n % div !== 0n ? q + 1n : q, s: 1 };
}
function toNumber(a: Dec): number {
  return Number(at(a, Math.max(a.s, 1))) / 10 ** Math.max(a.s, 1);
}

const ONE = dec("1");
const ZERO = dec("0");
const TEN = dec("10");
const K_0_02 = dec("0.02");
const K_0_029 = dec("0.029");
const K_0_915 = dec("0.915");
const K_0_9731 = dec("0.9731");
const K_1_08 = dec("1.08");
const K_3_25 = dec("3.25");
const K_6_42 = dec("6.42");
const K_7_52 = dec("7.52");
const K_8_22 = dec("8.22");

/** CVSS 3.x weights from the specification tables (X = Not Defined, which never lowers a score). */
const W3: ReadonlyMap<string, ReadonlyMap<string, Dec>> = new Map(
  Object.entries({
    AV: { N: "0.85", A: "0.62", L: "0.55", P: "0.2" },
    AC: { L: "0.77", H: "0.44" },
    PR_U: { N: "0.85", L: "0.62", H: "0.27" },
    PR_C: { N: "0.85", L: "0.68", H: "0.5" },
    UI: { N: "0.85", R: "0.62" },
    CIA: { H: "0.56", L: "0.22", N: "0" },
    E: { X: "1", H: "1", F: "0.97", P: "0.94", U: "0.91" },
    RL: { X: "1", U: "1", W: "0.97", T: "0.96", O: "0.95" },
    RC: { X: "1", C: "1", R: "0.96", U: "0.92" },
    REQ: { X: "1", H: "1.5", M: "1", L: "0.5" },
  }).map(([k, v]) => [k, new Map(Object.entries(v).map(([c, w]) => [c, dec(w)]))]),
);

/** Weight lookup; the parser has already restricted every value to the allowed set. */
function w3(table: string, value: string): Dec {
  return W3.get(table)!.get(value)!;
}

/** Changed-scope impacts by ISS; a few hundred ISS values exist at most, so the ^13/^15 work is done once. */
const CHANGED_IMPACT_CACHE = new Map<string, Dec>();

/** Impact sub-score for a scope (shared by base and environmental, 3.0 and 3.1 differ only when modified). */
function impact3(iss: Dec, changed: boolean, modified31: boolean): Dec {
  if (!changed) return mul(K_6_42, iss);
  const key = `${iss.n}e-${iss.s}/${modified31}`;
  let value = CHANGED_IMPACT_CACHE.get(key);
  if (value === undefined) {
    const tail = modified31
      ? mul(K_3_25, pow(sub(mul(iss, K_0_9731), K_0_02), 13))
      : mul(K_3_25, pow(sub(iss, K_0_02), 15));
    value = sub(mul(K_7_52, sub(iss, K_0_029)), tail);
    CHANGED_IMPACT_CACHE.set(key, value);
  }
  return value;
}

/** CVSS 3.0/3.1 base, temporal and environmental scores (sections 8.1–8.3 of 3.0, 7.1–7.3 of 3.1). */
function score3(parsed: ParsedVector, version: "3.0" | "3.1"): Cvss3Score {
  const m = (code: string): string => parsed.metrics.get(code) ?? "X";
  const modified = (code: string): string => (m(`M${code}`) === "X" ? m(code) : m(`M${code}`));

  const changed = m("S") === "C";
  const iss = sub(
    ONE,
    mul(sub(ONE, w3("CIA", m("C"))), sub(ONE, w3("CIA", m("I"))), sub(ONE, w3("CIA", m("A")))),
  );
  const impact = impact3(iss, changed, false);
  const exploitability = mul(
    K_8_22,
    w3("AV", m("AV")),
    w3("AC", m("AC")),
    w3(changed ? "PR_C" : "PR_U", m("PR")),
    w3("UI", m("UI")),
  );
  let base = ZERO;
  if (cmp(impact, ZERO) > 0) {
    const sum = add(impact, exploitability);
    base = roundUp(min(changed ? mul(K_1_08, sum) : sum, TEN));
  }
  const temporalFactor = mul(w3("E", m("E")), w3("RL", m("RL")), w3("RC", m("RC")));
  const temporal = roundUp(mul(base, temporalFactor));

  const mChanged = modified("S") === "C";
  const miss = min(
    sub(
      ONE,
      mul(
        sub(ONE, mul(w3("REQ", m("CR")), w3("CIA", modified("C")))),
        sub(ONE, mul(w3("REQ", m("IR")), w3("CIA", modified("I")))),
        sub(ONE, mul(w3("REQ", m("AR")), w3("CIA", modified("A")))),
      ),
    ),
    K_0_915,
  );
  const mImpact = impact3(miss, mChanged, version === "3.1");
  const mExploitability = mul(
    K_8_22,
    w3("AV", modified("AV")),
    w3("AC", modified("AC")),
    w3(mChanged ? "PR_C" : "PR_U", modified("PR")),
    w3("UI", modified("UI")),
  );
  let environmental = ZERO;
  if (cmp(mImpact, ZERO) > 0) {
    const sum = add(mImpact, mExploitability);
    const capped = roundUp(min(mChanged ? mul(K_1_08, sum) : sum, TEN));
    environmental = roundUp(mul(capped, temporalFactor));
  }

  const baseScore = toNumber(base);
  const temporalScore = toNumber(temporal);
  const environmentalScore = toNumber(environmental);
  return {
    vector: parsed.vector,
    version,
    baseScore,
    baseSeverity: cvssSeverity(baseScore),
    temporalScore,
    temporalSeverity: cvssSeverity(temporalScore),
    environmentalScore,
    environmentalSeverity: cvssSeverity(environmentalScore),
    metrics: metricsRecord(parsed),
  };
}

// ---------------------------------------------------------------------------------------------------------
// CVSS 4.0, mirroring FIRST's reference calculator (cvss_score.js) operation by operation, so the floating
// point results are identical, including its final "round half up after adding 1e-6" (November 2024 fix).

const WORST_CASE_DEFAULTS: ReadonlyMap<string, string> = new Map([
  ["E", "A"],
  ["CR", "H"],
  ["IR", "H"],
  ["AR", "H"],
]);

/** The value the score uses: X threat/requirement metrics mean worst case, modified metrics override base. */
function effective4(metrics: ReadonlyMap<string, string>, code: string): string {
  const selected = metrics.get(code) ?? "X";
  const worst = WORST_CASE_DEFAULTS.get(code);
  if (selected === "X" && worst !== undefined) return worst;
  const modified = metrics.get(`M${code}`);
  if (modified !== undefined && modified !== "X") return modified;
  return selected;
}

/** The six EQ levels (the MacroVector), per the specification's Tables 24–29. */
function macroVector4(v: (code: string) => string): [number, number, number, number, number, number] {
  const av = v("AV");
  const pr = v("PR");
  const ui = v("UI");
  const eq1 =
    av === "N" && pr === "N" && ui === "N"
      ? 0
      : (av === "N" || pr === "N" || ui === "N") && av !== "P"
        ? 1
        : 2;
  const eq2 = v("AC") === "L" && v("AT") === "N" ? 0 : 1;
  const vc = v("VC");
  const vi = v("VI");
  const va = v("VA");
  const eq3 = vc === "H" && vi === "H" ? 0 : vc === "H" || vi === "H" || va === "H" ? 1 : 2;
  const eq4 =
    v("MSI") === "S" || v("MSA") === "S" ? 0 : v("SC") === "H" || v("SI") === "H" || v("SA") === "H" ? 1 : 2;
  const e = v("E");
  const eq5 = e === "A" ? 0 : e === "P" ? 1 : 2;
  const eq6 =
    (v("CR") === "H" && vc === "H") || (v("IR") === "H" && vi === "H") || (v("AR") === "H" && va === "H")
      ? 0
      : 1;
  return [eq1, eq2, eq3, eq4, eq5, eq6];
}

const DISTANCE_METRICS = ["AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "CR", "IR", "AR"];

/** MacroVector score lookup; undefined when that (lower) MacroVector does not exist. */
function lookup4(eqs: readonly number[]): number | undefined {
  return CVSS40_MACROVECTOR_SCORES[eqs.join("")];
}

/** CVSS 4.0 score: MacroVector score minus the mean proportional severity distance, rounded half up. */
function score4Value(metrics: ReadonlyMap<string, string>): number {
  const v = (code: string): string => effective4(metrics, code);
  if (["VC", "VI", "VA", "SC", "SI", "SA"].every((code) => v(code) === "N")) return 0;

  const eqs = macroVector4(v);
  const [eq1, eq2, eq3, eq4, eq5, eq6] = eqs;
  const value = lookup4(eqs)!;
  const lower = (i: number, j?: number): number | undefined =>
    lookup4(eqs.map((x, k) => (k === i || k === j ? x + 1 : x)));

  const scoreEq1Lower = lower(0);
  const scoreEq2Lower = lower(1);
  let scoreEq3Eq6Lower: number | undefined;
  if (eq3 === 0 && eq6 === 0) {
    // 00 -> 01 or 00 -> 10: take the higher of the two (both always exist).
    scoreEq3Eq6Lower = Math.max(lower(5) ?? Number.NaN, lower(2) ?? Number.NaN);
  } else if (eq3 === 1 && eq6 === 0) {
    scoreEq3Eq6Lower = lower(5); // 10 -> 11
  } else if (eq3 === 2) {
    scoreEq3Eq6Lower = lower(2, 5); // 21 -> 32 does not exist
  } else {
    scoreEq3Eq6Lower = lower(2); // 01 -> 11, 11 -> 21
  }
  const scoreEq4Lower = lower(3);
  const scoreEq5Lower = lower(4);

  // Highest-severity vectors of this MacroVector; use the first one the scored vector does not exceed.
  const maxVectors: Cvss40Partial[] = [];
  for (const a of CVSS40_MAX_COMPOSED.eq1[eq1]!) {
    for (const b of CVSS40_MAX_COMPOSED.eq2[eq2]!) {
      for (const c of CVSS40_MAX_COMPOSED.eq3[eq3]![eq6]!) {
        for (const d of CVSS40_MAX_COMPOSED.eq4[eq4]!) {
          for (const e of CVSS40_MAX_COMPOSED.eq5[eq5]!) maxVectors.push({ ...a, ...b, ...c, ...d, ...e });
        }
      }
    }
  }
  const level = (code: string, value: string): number => CVSS40_LEVELS[code]![value]!;
  let distance: Record<string, number> = {};
  for (const max of maxVectors) {
    distance = {};
    for (const code of DISTANCE_METRICS) distance[code] = level(code, v(code)) - level(code, max[code]!);
    if (DISTANCE_METRICS.every((code) => distance[code]! >= 0)) break;
  }
  const d = (code: string): number => distance[code]!;
  const currentEq1 = d("AV") + d("PR") + d("UI");
  const currentEq2 = d("AC") + d("AT");
  const currentEq3Eq6 = d("VC") + d("VI") + d("VA") + d("CR") + d("IR") + d("AR");
  const currentEq4 = d("SC") + d("SI") + d("SA");

  const STEP = 0.1;
  const parts: Array<[available: number | undefined, current: number, depth: number]> = [
    [scoreEq1Lower, currentEq1, CVSS40_MAX_SEVERITY.eq1[eq1]! * STEP],
    [scoreEq2Lower, currentEq2, CVSS40_MAX_SEVERITY.eq2[eq2]! * STEP],
    [scoreEq3Eq6Lower, currentEq3Eq6, CVSS40_MAX_SEVERITY.eq3eq6[eq3]![eq6]! * STEP],
    [scoreEq4Lower, currentEq4, CVSS40_MAX_SEVERITY.eq4[eq4]! * STEP],
  ];
  let existing = 0;
  let normalizedSum = 0;
  for (const [lowerScore, current, depth] of parts) {
    const available = value - (lowerScore ?? Number.NaN);
    if (!Number.isNaN(available)) {
      existing++;
      normalizedSum += available * (current / depth);
    }
  }
  // EQ5 counts towards the mean when a lower MacroVector exists, but always with a proportion of 0.
  if (!Number.isNaN(value - (scoreEq5Lower ?? Number.NaN))) existing++;

  const mean = existing === 0 ? 0 : normalizedSum / existing;
  const clamped = Math.min(10, Math.max(0, value - mean));
  return Math.round((clamped + 1e-6) * 10) / 10;
}

/** Builds the CVSS 4.0 result. */
function score4(parsed: ParsedVector): Cvss4Score {
  const score = score4Value(parsed.metrics);
  return {
    vector: parsed.vector,
    version: "4.0",
    score,
    severity: cvssSeverity(score),
    metrics: metricsRecord(parsed),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Public API

/** Strict parse + score: one call validates the vector and returns every score a report needs, or why not. */
export function scoreCvss(vector: string): ParseResult<CvssScore> {
  const parsed = parseCvssVector(vector);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  return { ok: true, value: p.version === "4.0" ? score4(p) : score3(p, p.version) };
}

/** True when the input looks like a CVSS vector at all (starts with "CVSS:", any case), so callers can route OWASP vs CVSS. */
export function isCvssVector(input: string): boolean {
  return typeof input === "string" && /^\s*cvss:/iu.test(input);
}

/** Qualitative severity of a score (spec section 5 table), shared by every version so bands cannot drift. */
export function cvssSeverity(score: number): CvssSeverity {
  if (!Number.isFinite(score) || score < 0 || score > 10)
    throw new RangeError(`CVSS score out of range: ${score}`);
  if (score === 0) return "None";
  if (score < 4) return "Low";
  if (score < 7) return "Medium";
  if (score < 9) return "High";
  return "Critical";
}

/** Map a CVSS severity to the report severity used by the workflow, so reports and scores speak one scale. */
export function cvssReportSeverity(s: CvssSeverity): "note" | "low" | "medium" | "high" | "critical" {
  switch (s) {
    case "None":
      return "note";
    case "Low":
      return "low";
    case "Medium":
      return "medium";
    case "High":
      return "high";
    case "Critical":
      return "critical";
  }
}
