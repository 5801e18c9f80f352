// CVSS metric definitions for v3.0, v3.1 and v4.0, in each specification's canonical vector order.
// Pure: no I/O, no clock, no globals.

export type CvssVersion = "3.0" | "3.1" | "4.0";
export type CvssMetricGroup = "base" | "temporal" | "threat" | "environmental" | "supplemental";
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
