import { scoreCvss } from "../domain/cvss.ts";
import { scoreOwaspVector } from "../domain/owasp-risk.ts";

/**
 * One line of `embargo score` output: a CVSS vector's scores, an OWASP rating's fields, or the vector with the
 * reason it was refused. CVSS 3.x always prints temporal and environmental scores, with absent metrics taken as
 * Not Defined, as FIRST's calculator does.
 */
export function scoreVectorLine(input: string): Record<string, unknown> {
  const vector = input.trim();
  // Anything that starts like "CVSS" goes to the CVSS parser, so "cvss:3.1/…" or "CVSS3.1/…" get its message.
  if (/^cvss/iu.test(vector)) {
    const result = scoreCvss(vector);
    if (!result.ok) return { vector, error: result.error };
    const s = result.value;
    if (s.version === "4.0") {
      return { vector: s.vector, version: s.version, score: s.score, severity: s.severity };
    }
    return {
      vector: s.vector,
      version: s.version,
      baseScore: s.baseScore,
      baseSeverity: s.baseSeverity,
      temporalScore: s.temporalScore,
      environmentalScore: s.environmentalScore,
    };
  }
  const result = scoreOwaspVector(vector);
  if (!result.ok) return { vector, error: result.error };
  return { ...result.value };
}
