// The OWASP Risk Rating Methodology (https://owasp.org/www-community/OWASP_Risk_Rating_Methodology):
// sixteen factors scored 0–9, likelihood = mean of eight, each impact = mean of four, levels, and a severity matrix.
// The vector notation SL:n/M:n/…/PV:n is the one used by owasp-risk-rating.com; the OWASP page itself defines none.
//
// This module is the public entry; the implementation is split by topic:
//   owasp-factors.ts  the sixteen factors, their options and values
//   owasp-vector.ts   the vector notation and form input
//   owasp-rating.ts   means, levels, the severity matrix and report severity

export {
  OWASP_FACTOR_CODES,
  OWASP_FACTORS,
  type OwaspFactor,
  type OwaspFactorCode,
  type OwaspFactors,
} from "./owasp-factors.ts";
export {
  OWASP_SEVERITY_MATRIX,
  type OwaspLevel,
  type OwaspRating,
  type OwaspSeverity,
  owaspLevel,
  owaspReportSeverity,
  owaspSeverity,
  rateOwasp,
  scoreOwaspVector,
} from "./owasp-rating.ts";
export {
  formatOwaspVector,
  OWASP_VECTOR_MAX_LENGTH,
  type ParseResult,
  parseOwaspFactorFields,
  parseOwaspVector,
} from "./owasp-vector.ts";
