// OWASP risk rating arithmetic: likelihood = mean of eight factors, each impact = mean of four, the three
// levels, the overall severity matrix, and the mapping onto the workflow's report severity.

import { OWASP_FACTOR_CODES, type OwaspFactorCode, type OwaspFactors } from "./owasp-factors.ts";
import { formatOwaspVector, type ParseResult, parseOwaspVector } from "./owasp-vector.ts";

export type OwaspLevel = "LOW" | "MEDIUM" | "HIGH";
export type OwaspSeverity = "Note" | "Low" | "Medium" | "High" | "Critical";

export interface OwaspRating {
  vector: string;
  likelihood: number;
  likelihoodLevel: OwaspLevel;
  technicalImpact: number;
  technicalImpactLevel: OwaspLevel;
  businessImpact: number;
  businessImpactLevel: OwaspLevel;
  severityUsingTechnicalImpact: OwaspSeverity;
  severityUsingBusinessImpact: OwaspSeverity;
}

/** The overall severity matrix from the OWASP page, indexed [impactLevel][likelihoodLevel]. */
export const OWASP_SEVERITY_MATRIX: Readonly<
  Record<OwaspLevel, Readonly<Record<OwaspLevel, OwaspSeverity>>>
> = Object.freeze({
  HIGH: Object.freeze({ LOW: "Medium", MEDIUM: "High", HIGH: "Critical" }),
  MEDIUM: Object.freeze({ LOW: "Low", MEDIUM: "Medium", HIGH: "High" }),
  LOW: Object.freeze({ LOW: "Note", MEDIUM: "Low", HIGH: "Medium" }),
});

const LEVELS: ReadonlySet<string> = new Set(["LOW", "MEDIUM", "HIGH"]);
const LIKELIHOOD_CODES = OWASP_FACTOR_CODES.slice(0, 8);
const TECHNICAL_CODES = OWASP_FACTOR_CODES.slice(8, 12);
const BUSINESS_CODES = OWASP_FACTOR_CODES.slice(12, 16);

/** Plain arithmetic mean, as the methodology prescribes (no weighting). */
function mean(f: OwaspFactors, codes: readonly OwaspFactorCode[]): number {
  let sum = 0;
  for (const code of codes) sum += f[code];
  return sum / codes.length;
}

/** Splits a 0–9 score into the methodology's three bands: below 3 LOW, below 6 MEDIUM, else HIGH. */
export function owaspLevel(score: number): OwaspLevel {
  if (typeof score !== "number" || !Number.isFinite(score) || score < 0 || score > 9) {
    throw new RangeError(`An OWASP score must be a number from 0 to 9 (got ${String(score)}).`);
  }
  if (score < 3) return "LOW";
  if (score < 6) return "MEDIUM";
  return "HIGH";
}

/** Combines likelihood and impact levels through the OWASP overall severity matrix. */
export function owaspSeverity(likelihood: OwaspLevel, impact: OwaspLevel): OwaspSeverity {
  if (!LEVELS.has(likelihood) || !LEVELS.has(impact)) {
    throw new RangeError(`Unknown OWASP level (likelihood ${String(likelihood)}, impact ${String(impact)}).`);
  }
  return OWASP_SEVERITY_MATRIX[impact][likelihood];
}

/** Rates a factor set: both impacts and both severities, so the org's impact choice can be applied later. */
export function rateOwasp(f: OwaspFactors): OwaspRating {
  const vector = formatOwaspVector(f);
  const likelihood = mean(f, LIKELIHOOD_CODES);
  const technicalImpact = mean(f, TECHNICAL_CODES);
  const businessImpact = mean(f, BUSINESS_CODES);
  const likelihoodLevel = owaspLevel(likelihood);
  const technicalImpactLevel = owaspLevel(technicalImpact);
  const businessImpactLevel = owaspLevel(businessImpact);
  return {
    vector,
    likelihood,
    likelihoodLevel,
    technicalImpact,
    technicalImpactLevel,
    businessImpact,
    businessImpactLevel,
    severityUsingTechnicalImpact: owaspSeverity(likelihoodLevel, technicalImpactLevel),
    severityUsingBusinessImpact: owaspSeverity(likelihoodLevel, businessImpactLevel),
  };
}

/** Parses and rates a vector in one step, for the service that receives vector text from a form or API. */
export function scoreOwaspVector(input: string): ParseResult<OwaspRating> {
  const parsed = parseOwaspVector(input);
  return parsed.ok ? { ok: true, value: rateOwasp(parsed.value) } : parsed;
}

/** Report severity (lowercase, as the workflow's Severity) from a rating and the org's impact choice. */
export function owaspReportSeverity(
  r: OwaspRating,
  impact: "business" | "technical",
): "note" | "low" | "medium" | "high" | "critical" {
  let severity: OwaspSeverity;
  if (impact === "business") severity = r.severityUsingBusinessImpact;
  else if (impact === "technical") severity = r.severityUsingTechnicalImpact;
  else throw new RangeError(`Impact must be "business" or "technical" (got ${String(impact)}).`);
  switch (severity) {
    case "Note":
      return "note";
    case "Low":
      return "low";
    case "Medium":
      return "medium";
    case "High":
      return "high";
    case "Critical":
      return "critical";
    default:
      throw new RangeError(`Unknown OWASP severity ${String(severity)}.`);
  }
}
