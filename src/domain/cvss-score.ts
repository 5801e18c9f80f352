// CVSS entry point: one call parses a vector of any supported version and dispatches to its scorer.
// Pure: no I/O, no clock, no globals.

import type { ParseResult } from "./cvss-metrics.ts";
import { parseCvssVector } from "./cvss-parse.ts";
import { type Cvss3Score, score3 } from "./cvss3.ts";
import { type Cvss4Score, score4 } from "./cvss40.ts";

export type CvssScore = Cvss3Score | Cvss4Score;

/** Strict parse + score: one call validates the vector and returns every score a report needs, or why not. */
export function scoreCvss(vector: string): ParseResult<CvssScore> {
  const parsed = parseCvssVector(vector);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  return { ok: true, value: p.version === "4.0" ? score4(p) : score3(p, p.version) };
}
