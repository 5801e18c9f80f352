// CVSS v4.0 scoring, mirroring FIRST's reference calculator (cvss_score.js) operation by operation, so the
// floating point results are identical, including its final "round half up after adding 1e-6" (November 2024
// fix): MacroVector lookup + severity-distance interpolation. Pure: no I/O, no clock, no globals.

import { metricsRecord, type ParsedVector } from "./cvss-parse.ts";
import { type CvssSeverity, cvssSeverity } from "./cvss-severity.ts";
import {
  CVSS40_LEVELS,
  CVSS40_MACROVECTOR_SCORES,
  CVSS40_MAX_COMPOSED,
  CVSS40_MAX_SEVERITY,
  type Cvss40Partial,
} from "./cvss40-tables.ts";

export interface Cvss4Score {
  vector: string;
  version: "4.0";
  score: number;
  severity: CvssSeverity;
  /** The metrics written in the vector (Not Defined ones included when written), in canonical order. */
  metrics: Record<string, string>;
}

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

/** Builds the CVSS 4.0 result, so callers get the score, its severity and the canonical metrics in one value. */
export function score4(parsed: ParsedVector): Cvss4Score {
  const score = score4Value(parsed.metrics);
  return {
    vector: parsed.vector,
    version: "4.0",
    score,
    severity: cvssSeverity(score),
    metrics: metricsRecord(parsed),
  };
}
