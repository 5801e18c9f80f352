// CVSS vectors: a strict parser and scorers for CVSS v3.0, v3.1 and v4.0, following FIRST's specifications.
//   v3.0  https://www.first.org/cvss/v3.0/specification-document (section 8 formulas, "Round up")
//   v3.1  https://www.first.org/cvss/v3.1/specification-document (section 7 formulas, Appendix A Roundup)
//   v4.0  https://www.first.org/cvss/v4.0/specification-document and FIRST's reference calculator
//         (MacroVector lookup + severity-distance interpolation, with the November 2024 rounding fix).
// Pure: no I/O, no clock, no globals. CVSS 3.x scores are computed in exact decimal arithmetic (BigInt), so
// "Round up" is the true ceiling the specifications define and no float artefact can move a score by 0.1.

// This module is the public entry; the implementation is split by topic:
//   cvss-metrics.ts   metric definitions per version      cvss-parse.ts  strict vector parser
//   cvss3.ts          v3.0/v3.1 exact-decimal scoring     cvss40.ts      v4.0 scoring (with cvss40-tables.ts)
//   cvss-severity.ts  qualitative severity bands          cvss-score.ts  parse + dispatch to a scorer

export { cvssGroupsSet } from "./cvss-groups.ts";
export {
  CVSS_MAX_VECTOR_LENGTH,
  CVSS_METRICS,
  type CvssMetricDefinition,
  type CvssMetricGroup,
  type CvssMetricValue,
  type CvssVersion,
  type ParseResult,
} from "./cvss-metrics.ts";
export { isCvssVector } from "./cvss-parse.ts";
export { type CvssScore, scoreCvss } from "./cvss-score.ts";
export { type CvssSeverity, cvssReportSeverity, cvssSeverity } from "./cvss-severity.ts";
export type { Cvss3Score } from "./cvss3.ts";
export type { Cvss4Score } from "./cvss40.ts";
