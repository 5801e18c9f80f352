// CVSS qualitative severity bands, shared by every CVSS version so the bands cannot drift between scorers.
// Pure: no I/O, no clock, no globals.

export type CvssSeverity = "None" | "Low" | "Medium" | "High" | "Critical";

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
