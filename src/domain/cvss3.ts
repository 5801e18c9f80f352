// CVSS v3.0 and v3.1 scoring (3.0 section 8 formulas, 3.1 section 7 formulas and Appendix A Roundup).
// Scores are computed in exact decimal arithmetic (BigInt), so "Round up" is the true ceiling the
// specifications define and no float artefact can move a score by 0.1. Pure: no I/O, no clock, no globals.

import { metricsRecord, type ParsedVector } from "./cvss-parse.ts";
import { type CvssSeverity, cvssSeverity } from "./cvss-severity.ts";

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
export function score3(parsed: ParsedVector, version: "3.0" | "3.1"): Cvss3Score {
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
