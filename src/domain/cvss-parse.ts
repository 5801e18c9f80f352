// Strict CVSS vector-string parser: validates a vector against the metric definitions of its version and names
// the offending part of every rejection. Pure: no I/O, no clock, no globals.

import {
  CVSS_MAX_VECTOR_LENGTH,
  CVSS_METRICS,
  type CvssMetricDefinition,
  type CvssVersion,
  type ParseResult,
} from "./cvss-metrics.ts";

interface MetricIndexEntry {
  readonly def: CvssMetricDefinition;
  readonly position: number;
  readonly allowed: ReadonlySet<string>;
}

/** Map-based lookup tables (never plain-object lookups, so "__proto__" or "constructor" cannot match). */
const METRIC_INDEX: ReadonlyMap<CvssVersion, ReadonlyMap<string, MetricIndexEntry>> = new Map(
  (Object.keys(CVSS_METRICS) as CvssVersion[]).map((version) => [
    version,
    new Map(
      CVSS_METRICS[version].map((def, position) => [
        def.code,
        { def, position, allowed: new Set(def.values.map((v) => v.code)) },
      ]),
    ),
  ]),
);

const VERSIONS: ReadonlyMap<string, CvssVersion> = new Map([
  ["3.0", "3.0"],
  ["3.1", "3.1"],
  ["4.0", "4.0"],
]);
const EXPECTED_PREFIXES = `"CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/"`;

export interface ParsedVector {
  vector: string;
  version: CvssVersion;
  /** Written metrics only; absent optional metrics are Not Defined. */
  metrics: ReadonlyMap<string, string>;
}

/** Quotes user input for an error message, cut short so a hostile input cannot bloat the message. */
function quote(text: string): string {
  const cut = text.length > 24 ? `${text.slice(0, 24)}…` : text;
  return JSON.stringify(cut);
}

/** Names a character for an error message by its code point, so invisible or look-alike ones show up. */
function describeChar(text: string, index: number): string {
  const cp = text.codePointAt(index) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Strict syntax check of a CVSS vector string; every rejection names the offending part. */
export function parseCvssVector(input: unknown): ParseResult<ParsedVector> {
  const fail = (error: string): ParseResult<ParsedVector> => ({ ok: false, error });
  if (typeof input !== "string") return fail("CVSS vector must be a string");
  const vector = input.trim();
  if (vector === "") return fail("CVSS vector is empty");
  if (vector.length > CVSS_MAX_VECTOR_LENGTH) {
    return fail(`CVSS vector is too long (${vector.length} characters, at most ${CVSS_MAX_VECTOR_LENGTH})`);
  }
  const space = vector.search(/\s/u);
  if (space >= 0) {
    return fail(
      `CVSS vector must not contain whitespace (${describeChar(vector, space)} at position ${space + 1})`,
    );
  }
  const bad = vector.search(/[^\x21-\x7e]/u);
  if (bad >= 0) {
    return fail(
      `CVSS vector contains an invalid character ${describeChar(vector, bad)} at position ${bad + 1}`,
    );
  }

  const slash = vector.indexOf("/");
  const head = slash < 0 ? vector : vector.slice(0, slash);
  let version: CvssVersion | undefined;
  if (head.startsWith("CVSS:")) {
    version = VERSIONS.get(head.slice("CVSS:".length));
    if (version === undefined) {
      return fail(`unsupported CVSS version in prefix ${quote(head)} (expected ${EXPECTED_PREFIXES})`);
    }
  } else if (head.toUpperCase().startsWith("CVSS")) {
    return fail(`invalid prefix ${quote(head)} (prefixes are case-sensitive: expected ${EXPECTED_PREFIXES})`);
  } else {
    return fail(`missing "CVSS:" prefix (a vector starts with ${EXPECTED_PREFIXES})`);
  }
  const label = `CVSS ${version}`;
  if (slash < 0) return fail(`${label}: the vector has no metrics after the prefix`);

  const index = METRIC_INDEX.get(version)!;
  const parts = vector.slice(slash + 1).split("/");
  const metrics = new Map<string, string>();
  const written: MetricIndexEntry[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === "") {
      return fail(
        i === parts.length - 1
          ? `${label}: trailing "/" after the last metric`
          : `${label}: empty metric (duplicate "/")`,
      );
    }
    const colon = part.indexOf(":");
    if (colon < 0) return fail(`${label}: ${quote(part)} is not a metric:value pair (missing ":")`);
    if (part.indexOf(":", colon + 1) >= 0) return fail(`${label}: ${quote(part)} has more than one ":"`);
    const code = part.slice(0, colon);
    const value = part.slice(colon + 1);
    if (code === "") return fail(`${label}: metric name missing before ":" in ${quote(part)}`);
    const entry = index.get(code);
    if (entry === undefined) {
      const upper = code.toUpperCase();
      const hint = upper !== code && index.has(upper) ? ` (metric names are case-sensitive: "${upper}")` : "";
      return fail(`${label}: unknown metric ${quote(code)}${hint}`);
    }
    if (metrics.has(code)) return fail(`${label}: duplicated metric "${code}"`);
    if (value === "") return fail(`${label}: metric "${code}" has no value`);
    if (!entry.allowed.has(value)) {
      const allowed = entry.def.values.map((v) => v.code).join(", ");
      return fail(`${label}: metric "${code}" has invalid value ${quote(value)} (allowed: ${allowed})`);
    }
    metrics.set(code, value);
    written.push(entry);
  }

  for (const def of CVSS_METRICS[version]) {
    if (def.mandatory && !metrics.has(def.code)) return fail(`${label}: metric "${def.code}" is missing`);
  }

  // CVSS 4.0 requires the canonical order. CVSS 3.x does not: both 3.x specifications say programs reading
  // vectors must accept metrics in any order (and Red Hat's calculator3 vectors start with "S:U/AV:N/...").
  if (version === "4.0") {
    const sorted = [...written].sort((a, b) => a.position - b.position);
    for (let i = 0; i < written.length; i++) {
      if (written[i] !== sorted[i]) {
        return fail(
          `${label}: metric "${written[i]!.def.code}" is out of order (expected "${sorted[i]!.def.code}" first)`,
        );
      }
    }
  }
  return { ok: true, value: { vector, version, metrics } };
}

/** Metrics as a plain record in canonical order, for display and storage. */
export function metricsRecord(parsed: ParsedVector): Record<string, string> {
  const out: Record<string, string> = {};
  for (const def of CVSS_METRICS[parsed.version]) {
    const value = parsed.metrics.get(def.code);
    if (value !== undefined) out[def.code] = value;
  }
  return out;
}

/** True when the input looks like a CVSS vector at all (starts with "CVSS:", any case), so callers can route OWASP vs CVSS. */
export function isCvssVector(input: string): boolean {
  return typeof input === "string" && /^\s*cvss:/iu.test(input);
}
