// The OWASP Risk Rating Methodology (https://owasp.org/www-community/OWASP_Risk_Rating_Methodology):
// sixteen factors scored 0–9, likelihood = mean of eight, each impact = mean of four, levels, and a severity matrix.
// The vector notation SL:n/M:n/…/PV:n is the one used by owasp-risk-rating.com; the OWASP page itself defines none.

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

export type OwaspLevel = "LOW" | "MEDIUM" | "HIGH";
export type OwaspSeverity = "Note" | "Low" | "Medium" | "High" | "Critical";
export type OwaspFactors = Record<OwaspFactorCode, number>;

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

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Longest vector text accepted; a canonical vector is at most 63 characters. */
export const OWASP_VECTOR_MAX_LENGTH = 200;

/** The overall severity matrix from the OWASP page, indexed [impactLevel][likelihoodLevel]. */
export const OWASP_SEVERITY_MATRIX: Readonly<
  Record<OwaspLevel, Readonly<Record<OwaspLevel, OwaspSeverity>>>
> = Object.freeze({
  HIGH: Object.freeze({ LOW: "Medium", MEDIUM: "High", HIGH: "Critical" }),
  MEDIUM: Object.freeze({ LOW: "Low", MEDIUM: "Medium", HIGH: "High" }),
  LOW: Object.freeze({ LOW: "Note", MEDIUM: "Low", HIGH: "Medium" }),
});

const CODE_SET: ReadonlySet<string> = new Set(OWASP_FACTOR_CODES);
const LEVELS: ReadonlySet<string> = new Set(["LOW", "MEDIUM", "HIGH"]);
const LIKELIHOOD_CODES = OWASP_FACTOR_CODES.slice(0, 8);
const TECHNICAL_CODES = OWASP_FACTOR_CODES.slice(8, 12);
const BUSINESS_CODES = OWASP_FACTOR_CODES.slice(12, 16);

/** Quotes untrusted text for an error message, escaping control characters and capping the length. */
function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(shown);
}

/** Whether a value is one of the scores the methodology allows (an integer from 0 to 9). */
function isFactorValue(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 9;
}

/** Every parse error starts the same way, so the message stands alone in a form or an API response. */
function parseError(problem: string): { ok: false; error: string } {
  return { ok: false, error: `Invalid OWASP vector: ${problem}.` };
}

/** Parses the SL:n/M:n/…/PV:n notation strictly, naming the metric at fault in the error. */
export function parseOwaspVector(input: string): ParseResult<OwaspFactors> {
  if (typeof input !== "string") return parseError("it must be text");
  if (input.length > OWASP_VECTOR_MAX_LENGTH) {
    return parseError(`longer than ${OWASP_VECTOR_MAX_LENGTH} characters`);
  }
  const text = input.trim();
  if (text === "") return parseError("empty vector");
  if (/\s/u.test(text)) return parseError("it must not contain spaces");
  if (text.startsWith("/")) return parseError("a leading “/” is not allowed");
  if (text.endsWith("/")) return parseError("a trailing “/” is not allowed");
  const parts = text.split("/");

  const seen = new Map<string, string>();
  for (const part of parts) {
    if (part === "") return parseError("empty part (“//”)");
    const colon = part.indexOf(":");
    if (colon === -1) return parseError(`part ${quote(part)} is not of the form METRIC:value`);
    const code = part.slice(0, colon);
    const value = part.slice(colon + 1);
    if (!CODE_SET.has(code)) {
      const upper = code.toUpperCase();
      const hint = CODE_SET.has(upper) ? ` (metric names are upper case: ${quote(upper)})` : "";
      return parseError(`unknown metric ${quote(code)}${hint}`);
    }
    if (seen.has(code)) return parseError(`duplicated metric ${quote(code)}`);
    if (!/^[0-9]$/u.test(value))
      return parseError(`value of ${quote(code)} must be an integer 0–9 (got ${quote(value)})`);
    seen.set(code, value);
  }

  const missing = OWASP_FACTOR_CODES.filter((code) => !seen.has(code));
  if (missing.length === 1) return parseError(`missing metric ${quote(missing[0] ?? "")}`);
  if (missing.length > 1) return parseError(`missing metrics ${missing.map(quote).join(", ")}`);

  const order = [...seen.keys()];
  for (const [i, expected] of OWASP_FACTOR_CODES.entries()) {
    const actual = order[i] ?? "";
    if (actual !== expected) {
      return parseError(
        `metric ${quote(actual)} out of order (expected ${quote(expected)}); the order is ${OWASP_FACTOR_CODES.join("/")}`,
      );
    }
  }

  const factors = {} as OwaspFactors;
  for (const code of OWASP_FACTOR_CODES) factors[code] = Number(seen.get(code));
  return { ok: true, value: factors };
}

/** Throws on factor sets that could never come from parsing, so bad data cannot become a rating. */
function assertFactors(f: OwaspFactors): void {
  if (typeof f !== "object" || f === null) throw new TypeError("OWASP factors must be an object.");
  for (const code of OWASP_FACTOR_CODES) {
    const value: unknown = Object.hasOwn(f, code) ? f[code] : undefined;
    if (!isFactorValue(value)) {
      throw new RangeError(`OWASP factor ${code} must be an integer 0–9 (got ${String(value)}).`);
    }
  }
}

/** Writes factors in the canonical notation, so stored vectors compare and round-trip exactly. */
export function formatOwaspVector(f: OwaspFactors): string {
  assertFactors(f);
  return OWASP_FACTOR_CODES.map((code) => `${code}:${f[code]}`).join("/");
}

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

/** Parse factor values submitted by a form (strings keyed by factor code); returns every problem keyed by code. */
export function parseOwaspFactorFields(
  fields: Record<string, unknown>,
): { ok: true; value: OwaspFactors } | { ok: false; errors: Partial<Record<OwaspFactorCode, string>> } {
  const source: Record<string, unknown> = typeof fields === "object" && fields !== null ? fields : {};
  const value = {} as OwaspFactors;
  const errors: Partial<Record<OwaspFactorCode, string>> = {};
  for (const def of OWASP_FACTORS) {
    const raw = Object.hasOwn(source, def.code) ? source[def.code] : undefined;
    if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) {
      errors[def.code] = `Choose a value for ${def.name}.`;
    } else if (typeof raw === "string" && /^[0-9]$/u.test(raw.trim())) {
      value[def.code] = Number(raw.trim());
    } else if (isFactorValue(raw)) {
      value[def.code] = raw;
    } else {
      errors[def.code] = `${def.name} must be a whole number from 0 to 9.`;
    }
  }
  return Object.keys(errors).length === 0 ? { ok: true, value } : { ok: false, errors };
}
