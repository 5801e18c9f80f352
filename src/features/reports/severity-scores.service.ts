import { badRequest } from "../../core/errors.ts";
import { cvssReportSeverity, scoreCvss } from "../../domain/cvss.ts";
import { owaspReportSeverity, scoreOwaspVector } from "../../domain/owasp-risk.ts";
import type { Severity } from "../../domain/workflow.ts";
import type { OrgSettings } from "../settings/settings.schema.ts";
import { canonicalCvssVector, headlineScore } from "../severity/cvss.form.ts";

export type SeverityMethod = "owasp" | "cvss";

/** A scored vector ready to be stored in the severity history, and whether it sets the report's severity. */
export interface SeverityScoreInput {
  method: SeverityMethod;
  /** Canonical vector. */
  vector: string;
  /** The severity this score gives, on the report's scale (CVSS None is `note`). */
  severity: Severity;
  /** True when the organisation takes severity from this method; otherwise the score is only recorded. */
  setsReportSeverity: boolean;
  details: Record<string, unknown>;
}

/**
 * Scores the vector a set_severity action carries. A malformed vector is a 400 naming the problem, from the
 * parser; the organisation's severitySource decides whether the score changes the report's severity or is
 * only kept in the history next to it.
 */
export function scoreSeverityInput(
  input: { owasp?: string | null | undefined; cvss?: string | null | undefined },
  org: Pick<OrgSettings, "severityImpact" | "severitySource">,
): SeverityScoreInput {
  const source = org.severitySource;
  if (typeof input.cvss === "string") {
    const scored = scoreCvss(input.cvss);
    if (!scored.ok) {
      const message = `Invalid CVSS vector: ${scored.error}.`;
      throw badRequest(message, { cvss: message });
    }
    const score = scored.value;
    const headline = headlineScore(score);
    const common = {
      version: score.version,
      score: headline.score,
      scoreKind: headline.kind,
      severitySource: source,
      setsReportSeverity: source === "cvss",
    };
    const details =
      score.version === "4.0"
        ? { ...common, severity: score.severity }
        : {
            ...common,
            severity: headline.severity,
            baseScore: score.baseScore,
            baseSeverity: score.baseSeverity,
            temporalScore: score.temporalScore,
            temporalSeverity: score.temporalSeverity,
            environmentalScore: score.environmentalScore,
            environmentalSeverity: score.environmentalSeverity,
          };
    return {
      method: "cvss",
      vector: canonicalCvssVector(score),
      severity: cvssReportSeverity(headline.severity),
      setsReportSeverity: source === "cvss",
      details,
    };
  }
  const scored = scoreOwaspVector(input.owasp ?? "");
  if (!scored.ok) throw badRequest(scored.error, { owasp: scored.error });
  return {
    method: "owasp",
    vector: scored.value.vector,
    severity: owaspReportSeverity(scored.value, org.severityImpact),
    setsReportSeverity: source === "owasp",
    details: {
      ...scored.value,
      impactUsed: org.severityImpact,
      severitySource: source,
      setsReportSeverity: source === "owasp",
    },
  };
}

/** What the history shows of a stored score; rows stored before severitySource existed did set the severity. */
export function historyFacts(row: { method: string; details: unknown }): {
  score: number | null;
  version: string | null;
  setsReportSeverity: boolean;
} {
  const d = (row.details ?? {}) as Record<string, unknown>;
  const score = typeof d.score === "number" ? d.score : null;
  return {
    score: row.method === "cvss" ? score : null,
    version: row.method === "cvss" && typeof d.version === "string" ? d.version : null,
    setsReportSeverity: d.setsReportSeverity !== false,
  };
}

/** A method's name as people read it. */
export const METHOD_LABELS: Record<SeverityMethod, string> = {
  owasp: "OWASP Risk Rating",
  cvss: "CVSS",
};
