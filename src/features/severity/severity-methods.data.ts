/** The ways a report can be scored; the organisation picks one as its severity source. */
export type SeverityMethod = "owasp" | "cvss";

/** The methods' names as the pages show them. */
export const METHOD_LABELS: Record<SeverityMethod, string> = {
  owasp: "OWASP Risk Rating",
  cvss: "CVSS",
};
