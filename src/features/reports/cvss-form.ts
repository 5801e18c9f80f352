// The CVSS form moved to features/severity; severity-scores.ts still reads its scoring helpers from here.
export { canonicalCvssVector, headlineScore } from "../severity/cvss-form.ts";
