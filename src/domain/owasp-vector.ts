// OWASP risk vectors: the strict SL:n/M:n/…/PV:n notation (as used by owasp-risk-rating.com; the OWASP page
// itself defines none), its canonical form, and factor values submitted by a form.

import {
  isFactorValue,
  OWASP_FACTOR_CODES,
  OWASP_FACTORS,
  type OwaspFactorCode,
  type OwaspFactors,
} from "./owasp-factors.ts";

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Longest vector text accepted; a canonical vector is at most 63 characters. */
export const OWASP_VECTOR_MAX_LENGTH = 200;

const CODE_SET: ReadonlySet<string> = new Set(OWASP_FACTOR_CODES);

/** Quotes untrusted text for an error message, escaping control characters and capping the length. */
function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(shown);
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
