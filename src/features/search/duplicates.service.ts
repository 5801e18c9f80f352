// The report page's similar-reports panel still imports SimilarReport from here; it moves to duplicates.ts with
// the views split, after which this file goes.
export type { SimilarReport } from "./duplicates.ts";
