// The sixteen factors of the OWASP Risk Rating Methodology, with the official options and values from the
// OWASP page, in vector order.

export const OWASP_FACTOR_CODES = [
  "SL",
  "M",
  "O",
  "S",
  "ED",
  "EE",
  "A",
  "ID",
  "LC",
  "LI",
  "LAV",
  "LAC",
  "FD",
  "RD",
  "NC",
  "PV",
] as const;
export type OwaspFactorCode = (typeof OWASP_FACTOR_CODES)[number];

export interface OwaspFactor {
  code: OwaspFactorCode;
  name: string;
  group: "threatAgent" | "vulnerability" | "technical" | "business";
  question: string;
  options: ReadonlyArray<{ label: string; value: number }>;
}

/** Builds a frozen factor so the shared definitions cannot be edited at runtime. */
function factor(
  code: OwaspFactorCode,
  name: string,
  group: OwaspFactor["group"],
  question: string,
  options: ReadonlyArray<readonly [label: string, value: number]>,
): OwaspFactor {
  return Object.freeze({
    code,
    name,
    group,
    question,
    options: Object.freeze(options.map(([label, value]) => Object.freeze({ label, value }))),
  });
}

/** The sixteen factors in vector order, with the official options and values from the OWASP page. */
export const OWASP_FACTORS: readonly OwaspFactor[] = Object.freeze([
  factor("SL", "Skill Level", "threatAgent", "How technically skilled is this group of threat agents?", [
    ["No technical skills", 1],
    ["Some technical skills", 3],
    ["Advanced computer user", 5],
    ["Network and programming skills", 6],
    ["Security penetration skills", 9],
  ]),
  factor(
    "M",
    "Motive",
    "threatAgent",
    "How motivated is this group of threat agents to find and exploit this vulnerability?",
    [
      ["Low or no reward", 1],
      ["Possible reward", 4],
      ["High reward", 9],
    ],
  ),
  factor(
    "O",
    "Opportunity",
    "threatAgent",
    "What resources and opportunities are required for this group of threat agents to find and exploit this vulnerability?",
    [
      ["Full access or expensive resources required", 0],
      ["Special access or resources required", 4],
      ["Some access or resources required", 7],
      ["No access or resources required", 9],
    ],
  ),
  factor("S", "Size", "threatAgent", "How large is this group of threat agents?", [
    ["Developers", 2],
    ["System administrators", 2],
    ["Intranet users", 4],
    ["Partners", 5],
    ["Authenticated users", 6],
    ["Anonymous Internet users", 9],
  ]),
  factor(
    "ED",
    "Ease of Discovery",
    "vulnerability",
    "How easy is it for this group of threat agents to discover this vulnerability?",
    [
      ["Practically impossible", 1],
      ["Difficult", 3],
      ["Easy", 7],
      ["Automated tools available", 9],
    ],
  ),
  factor(
    "EE",
    "Ease of Exploit",
    "vulnerability",
    "How easy is it for this group of threat agents to actually exploit this vulnerability?",
    [
      ["Theoretical", 1],
      ["Difficult", 3],
      ["Easy", 5],
      ["Automated tools available", 9],
    ],
  ),
  factor(
    "A",
    "Awareness",
    "vulnerability",
    "How well known is this vulnerability to this group of threat agents?",
    [
      ["Unknown", 1],
      ["Hidden", 4],
      ["Obvious", 6],
      ["Public knowledge", 9],
    ],
  ),
  factor("ID", "Intrusion Detection", "vulnerability", "How likely is an exploit to be detected?", [
    ["Active detection in application", 1],
    ["Logged and reviewed", 3],
    ["Logged without review", 8],
    ["Not logged", 9],
  ]),
  factor(
    "LC",
    "Loss of Confidentiality",
    "technical",
    "How much data could be disclosed and how sensitive is it?",
    [
      ["Minimal non-sensitive data disclosed", 2],
      ["Minimal critical data disclosed", 6],
      ["Extensive non-sensitive data disclosed", 6],
      ["Extensive critical data disclosed", 7],
      ["All data disclosed", 9],
    ],
  ),
  factor("LI", "Loss of Integrity", "technical", "How much data could be corrupted and how damaged is it?", [
    ["Minimal slightly corrupt data", 1],
    ["Minimal seriously corrupt data", 3],
    ["Extensive slightly corrupt data", 5],
    ["Extensive seriously corrupt data", 7],
    ["All data totally corrupt", 9],
  ]),
  factor("LAV", "Loss of Availability", "technical", "How much service could be lost and how vital is it?", [
    ["Minimal secondary services interrupted", 1],
    ["Minimal primary services interrupted", 5],
    ["Extensive secondary services interrupted", 5],
    ["Extensive primary services interrupted", 7],
    ["All services completely lost", 9],
  ]),
  factor(
    "LAC",
    "Loss of Accountability",
    "technical",
    "Are the threat agents' actions traceable to an individual?",
    [
      ["Fully traceable", 1],
      ["Possibly traceable", 7],
      ["Completely anonymous", 9],
    ],
  ),
  factor("FD", "Financial damage", "business", "How much financial damage will result from an exploit?", [
    ["Less than the cost to fix the vulnerability", 1],
    ["Minor effect on annual profit", 3],
    ["Significant effect on annual profit", 7],
    ["Bankruptcy", 9],
  ]),
  factor(
    "RD",
    "Reputation damage",
    "business",
    "Would an exploit result in reputation damage that would harm the business?",
    [
      ["Minimal damage", 1],
      ["Loss of major accounts", 4],
      ["Loss of goodwill", 5],
      ["Brand damage", 9],
    ],
  ),
  factor("NC", "Non-compliance", "business", "How much exposure does non-compliance introduce?", [
    ["Minor violation", 2],
    ["Clear violation", 5],
    ["High profile violation", 7],
  ]),
  factor(
    "PV",
    "Privacy violation",
    "business",
    "How much personally identifiable information could be disclosed?",
    [
      ["One individual", 3],
      ["Hundreds of people", 5],
      ["Thousands of people", 7],
      ["Millions of people", 9],
    ],
  ),
]);

export type OwaspFactors = Record<OwaspFactorCode, number>;

/** Whether a value is one of the scores the methodology allows (an integer from 0 to 9). */
export function isFactorValue(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 9;
}
