import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CVSS_MAX_VECTOR_LENGTH,
  CVSS_METRICS,
  type Cvss3Score,
  type Cvss4Score,
  type CvssScore,
  type CvssSeverity,
  type CvssVersion,
  cvssReportSeverity,
  cvssSeverity,
  isCvssVector,
  scoreCvss,
} from "./cvss.ts";
import { CVSS40_MACROVECTOR_SCORES } from "./cvss40-tables.ts";

const VECTORS_DIR = new URL("../../../shared/vectors/cvss/", import.meta.url);
const readVectorFile = (name: string): string => readFileSync(new URL(name, VECTORS_DIR), "utf8");

const BASE31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const BASE40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

/** Scores a vector that must be valid, so a test failure shows the parser's message. */
function ok(vector: string): CvssScore {
  const r = scoreCvss(vector);
  if (!r.ok) throw new Error(`expected ${vector} to be valid, got: ${r.error}`);
  return r.value;
}
function ok3(vector: string): Cvss3Score {
  const s = ok(vector);
  if (s.version === "4.0") throw new Error("expected a CVSS 3.x result");
  return s;
}
function ok4(vector: string): Cvss4Score {
  const s = ok(vector);
  if (s.version !== "4.0") throw new Error("expected a CVSS 4.0 result");
  return s;
}
/** The parser's error for a vector that must be rejected. */
function err(vector: string): string {
  const r = scoreCvss(vector);
  if (r.ok) throw new Error(`expected ${JSON.stringify(vector)} to be rejected`);
  return r.error;
}

// ---------------------------------------------------------------------------------------------------------
// Every vector of every Red Hat file in shared/vectors/cvss scores exactly.

/** Known files and their line counts; any further redhat_vectors_* file dropped in is checked as well. */
const EXPECTED_COUNTS: Record<string, number> = {
  "redhat_vectors_simple31.txt": 2592,
  "redhat_vectors_simple3.txt": 2592,
  "redhat_vectors_cvsslib3.txt": 29,
  "redhat_vectors_calculator3.txt": 2,
  "redhat_vectors_simple4.txt": 1058,
  "redhat_vectors_supplemental4.txt": 576,
  "redhat_vectors_security4.txt": 54,
  "redhat_vectors_threat4.txt": 6,
};

const VECTOR_FILES = readdirSync(VECTORS_DIR)
  .filter((f) => /^redhat_vectors_.*\.txt$/.test(f))
  .sort();

interface VectorLine {
  line: number;
  vector: string;
  expected: number[];
}

/** Parses `VECTOR - (b, t, e)`, `VECTOR - (score,)` or `VECTOR - score`; throws on anything else. */
function parseVectorFile(name: string): VectorLine[] {
  const out: VectorLine[] = [];
  readVectorFile(name)
    .split(/\r?\n/)
    .forEach((text, i) => {
      if (text.trim() === "") return;
      const m = /^(\S+) - \(?([0-9.]+(?:, ?[0-9.]+)*),?\)?$/.exec(text.trim());
      if (!m) throw new Error(`${name}:${i + 1}: unparseable line ${JSON.stringify(text)}`);
      out.push({ line: i + 1, vector: m[1]!, expected: m[2]!.split(",").map((s) => Number(s.trim())) });
    });
  return out;
}

describe("Red Hat CVSS test vectors", () => {
  it("covers all the known files", () => {
    for (const name of Object.keys(EXPECTED_COUNTS)) expect(VECTOR_FILES).toContain(name);
  });

  it.each(VECTOR_FILES)("%s: every vector scores exactly", (name) => {
    const lines = parseVectorFile(name);
    if (EXPECTED_COUNTS[name] !== undefined) expect(lines).toHaveLength(EXPECTED_COUNTS[name]!);
    expect(lines.length).toBeGreaterThan(0);
    const mismatches: string[] = [];
    for (const { line, vector, expected } of lines) {
      const r = scoreCvss(vector);
      if (!r.ok) {
        mismatches.push(`${line}: ${vector} rejected: ${r.error}`);
        continue;
      }
      const s = r.value;
      const got =
        s.version === "4.0"
          ? [s.score]
          : expected.length === 1
            ? [s.baseScore]
            : [s.baseScore, s.temporalScore, s.environmentalScore];
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        mismatches.push(`${line}: ${vector} expected ${expected.join(", ")} got ${got.join(", ")}`);
      }
      // Severities always follow the bands of the score they belong to.
      if (s.version === "4.0") {
        if (s.severity !== cvssSeverity(s.score)) mismatches.push(`${line}: severity ${s.severity}`);
      } else if (
        s.baseSeverity !== cvssSeverity(s.baseScore) ||
        s.temporalSeverity !== cvssSeverity(s.temporalScore) ||
        s.environmentalSeverity !== cvssSeverity(s.environmentalScore)
      ) {
        mismatches.push(
          `${line}: severities ${s.baseSeverity}/${s.temporalSeverity}/${s.environmentalSeverity}`,
        );
      }
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
  });

  it("3.x vectors carry three scores and 4.0 vectors one", () => {
    for (const name of VECTOR_FILES) {
      for (const { vector, expected } of parseVectorFile(name)) {
        expect(expected).toHaveLength(vector.startsWith("CVSS:4.0/") ? 1 : 3);
      }
    }
  });
});

describe("FIRST data files", () => {
  it("the embedded MacroVector table equals cvss40_macrovector_lookup.json (270 entries)", () => {
    const json = JSON.parse(readVectorFile("cvss40_macrovector_lookup.json")) as Record<string, number>;
    expect(Object.keys(json)).toHaveLength(270);
    expect({ ...CVSS40_MACROVECTOR_SCORES }).toEqual(json);
  });

  /** Allowed values per metric, read from a FIRST schema's vectorString pattern. */
  function schemaValues(version: CvssVersion): Map<string, string[]> {
    const schema = JSON.parse(readVectorFile(`schema_cvss-v${version}.json`)) as {
      definitions: { vectorString?: { pattern: string } };
      properties: { vectorString?: { pattern: string } };
    };
    const pattern = (schema.properties.vectorString ?? schema.definitions.vectorString)!.pattern;
    const out = new Map<string, string[]>();
    // Alternatives look like AV:[NALP], [CIA]R:[XLMH], M[CIA]:[XNLH] or U:(X|Clear|Green|Amber|Red).
    for (const m of pattern.matchAll(
      /([A-Z]*)(?:\[([A-Z]+)\])?([A-Z]*):(?:\[([A-Za-z]+)\]|\(([A-Za-z|]+)\))/g,
    )) {
      const values = m[4] !== undefined ? m[4].split("") : m[5]!.split("|");
      const middles = m[2] !== undefined ? m[2].split("") : [""];
      for (const mid of middles) out.set(`${m[1]}${mid}${m[3]}`, values);
    }
    return out;
  }

  it.each(["3.0", "3.1", "4.0"] as const)(
    "CVSS_METRICS %s has exactly the metrics and values of FIRST's schema",
    (version) => {
      const fromSchema = schemaValues(version);
      // The 3.0 schema's pattern also admits PR:U / MPR:U, which its own enum (HIGH, LOW, NONE) and the
      // specification do not define; the parser follows the specification.
      if (version === "3.0") {
        fromSchema.set(
          "PR",
          fromSchema.get("PR")!.filter((v) => v !== "U"),
        );
        fromSchema.set(
          "MPR",
          fromSchema.get("MPR")!.filter((v) => v !== "U"),
        );
      }
      const ours = new Map(CVSS_METRICS[version].map((d) => [d.code, d.values.map((v) => v.code)]));
      expect([...ours.keys()].sort()).toEqual([...fromSchema.keys()].sort());
      for (const [code, values] of ours)
        expect([...values].sort(), code).toEqual([...fromSchema.get(code)!].sort());
    },
  );

  it("every visible vector matches its version's schema pattern", () => {
    const patterns = new Map(
      (["3.0", "3.1", "4.0"] as const).map((v) => {
        const s = JSON.parse(readVectorFile(`schema_cvss-v${v}.json`)) as {
          properties: { vectorString: { pattern: string } };
        };
        return [v, new RegExp(s.properties.vectorString.pattern)];
      }),
    );
    for (const name of VECTOR_FILES) {
      for (const { vector } of parseVectorFile(name)) {
        expect(patterns.get(vector.slice(5, 8) as CvssVersion)!.test(vector), vector).toBe(true);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Scoring semantics

describe("CVSS 3.x scoring", () => {
  it("with base metrics only, temporal and environmental equal base (Not Defined everywhere)", () => {
    const s = ok3(BASE31);
    expect(s).toMatchObject({
      version: "3.1",
      baseScore: 9.8,
      baseSeverity: "Critical",
      temporalScore: 9.8,
      temporalSeverity: "Critical",
      environmentalScore: 9.8,
      environmentalSeverity: "Critical",
    });
  });

  it("explicit X values score like absent ones", () => {
    const allX = `${BASE31}/E:X/RL:X/RC:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MPR:X/MUI:X/MS:X/MC:X/MI:X/MA:X`;
    const s = ok3(allX);
    expect([s.baseScore, s.temporalScore, s.environmentalScore]).toEqual([9.8, 9.8, 9.8]);
    expect(s.metrics.E).toBe("X");
  });

  it("computes temporal and environmental scores (FIRST calculator examples)", () => {
    const s = ok3("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:P/RL:W/RC:C");
    expect([s.baseScore, s.temporalScore, s.environmentalScore]).toEqual([6.1, 5.6, 5.6]);
    const e = ok3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L/E:P/CR:L/IR:L/AR:L/MAV:P");
    expect([e.baseSeverity, e.temporalSeverity, e.environmentalSeverity]).toEqual(["High", "Medium", "Low"]);
  });

  it("3.0 and 3.1 differ in the changed-scope modified impact formula", () => {
    // 3.0: 7.52 × (M−0.029) − 3.25 × (M−0.02)^15; 3.1: 7.52 × (M−0.029) − 3.25 × (M × 0.9731−0.02)^13.
    const tail = "AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:N/A:H/CR:H/IR:H/AR:H/MS:C/MC:H/MI:H/MA:H";
    expect(ok3(`CVSS:3.0/${tail}`).environmentalScore).toBe(7.7);
    expect(ok3(`CVSS:3.1/${tail}`).environmentalScore).toBe(7.8);
  });

  it("rounds up exactly: 10 × 0.92 is 9.2, not the 9.3 a float ceil(x*10)/10 gives", () => {
    const s = ok3("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/RC:U");
    expect([s.baseScore, s.temporalScore, s.environmentalScore]).toEqual([10, 9.2, 9.2]);
    const t = ok3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/RC:U");
    expect(t.temporalScore).toBe(9.2);
  });

  it("accepts 3.x metrics in any order, as both 3.x specifications require", () => {
    const s = ok3("CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X"); // calculator3 line 1
    expect([s.baseScore, s.temporalScore, s.environmentalScore]).toEqual([3.8, 3.7, 3.7]);
    const shuffled = ok3("CVSS:3.1/MA:H/A:N/E:P/AV:A/RC:C/AC:H/S:U/C:N/I:L/MPR:H/PR:H/UI:R");
    const ordered = ok3("CVSS:3.1/AV:A/AC:H/PR:H/UI:R/S:U/C:N/I:L/A:N/E:P/RC:C/MPR:H/MA:H");
    expect({ ...shuffled, vector: "" }).toEqual({ ...ordered, vector: "" });
    // The metrics record is returned in canonical order whatever the input order.
    expect(Object.keys(shuffled.metrics)).toEqual([
      "AV",
      "AC",
      "PR",
      "UI",
      "S",
      "C",
      "I",
      "A",
      "E",
      "RC",
      "MPR",
      "MA",
    ]);
  });

  it("zero impact scores 0.0 / None", () => {
    const s = ok3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N");
    expect([s.baseScore, s.baseSeverity, s.environmentalScore]).toEqual([0, "None", 0]);
  });
});

describe("CVSS 4.0 scoring", () => {
  it("scores base vectors (specification examples)", () => {
    expect(ok4("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H")).toMatchObject({
      score: 10,
      severity: "Critical",
    });
    expect(ok4("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N").score).toBe(6.9);
    expect(ok4("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N").severity).toBe("None");
  });

  it("uses the November 2024 rounding (a bare Math.round gives 5.6 here)", () => {
    expect(ok4("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L").score).toBe(5.7);
    expect(ok4("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H").score).toBe(8.6);
  });

  it("applies threat, environmental and Safety metrics; supplemental metrics never change the score", () => {
    expect(ok4(`${BASE40}/E:U`).score).toBeLessThan(ok4(BASE40).score);
    expect(ok4(`${BASE40}/MSI:S`).score).toBe(10);
    expect(ok4("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/MSA:S").score).toBe(7.7);
    expect(ok4("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MVC:H").score).toBe(8.7);
    expect(ok4("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/MVC:N").score).toBe(0);
    const worst = `${BASE40}/E:U/CR:L/IR:L/AR:L/MAV:P/MAC:H/MAT:P/MPR:H/MUI:A/MVC:L/MVI:L/MVA:L/MSC:L/MSI:L/MSA:L`;
    expect(ok4(worst)).toMatchObject({ score: 0.1, severity: "Low" });
    const supplemental = `${BASE40}/S:P/AU:Y/R:I/V:C/RE:H/U:Red`;
    expect(ok4(supplemental).score).toBe(ok4(BASE40).score);
  });

  it("treats every explicit X like an absent metric", () => {
    const allX = `${BASE40}/E:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/R:X/V:X/RE:X/U:X`;
    expect(ok4(allX).score).toBe(ok4(BASE40).score);
    expect(Object.keys(ok4(allX).metrics)).toEqual(CVSS_METRICS["4.0"].map((d) => d.code));
  });

  it("returns the trimmed vector and the written metrics", () => {
    const s = ok4(`  ${BASE40}/U:Amber \n`);
    expect(s.vector).toBe(`${BASE40}/U:Amber`);
    expect(s.metrics).toEqual({
      AV: "N",
      AC: "L",
      AT: "N",
      PR: "N",
      UI: "N",
      VC: "H",
      VI: "H",
      VA: "H",
      SC: "N",
      SI: "N",
      SA: "N",
      U: "Amber",
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Strict parser

const V31_MISSING_AV = "CVSS:3.1/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const V40_TAIL = "AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

const HOSTILE: ReadonlyArray<readonly [label: string, vector: string, error: string]> = [
  ["empty", "", "CVSS vector is empty"],
  ["whitespace only", " \t\n ", "CVSS vector is empty"],
  [
    "CVSS v2 prefix",
    "CVSS:2.0/AV:N/AC:L/Au:N/C:N/I:N/A:N",
    'unsupported CVSS version in prefix "CVSS:2.0" (expected "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/")',
  ],
  [
    "unknown minor version",
    "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    'unsupported CVSS version in prefix "CVSS:3.2" (expected "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/")',
  ],
  [
    "version with leading zero",
    "CVSS:03.1/AV:N",
    'unsupported CVSS version in prefix "CVSS:03.1" (expected "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/")',
  ],
  [
    "bare prefix",
    "CVSS:",
    'unsupported CVSS version in prefix "CVSS:" (expected "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/")',
  ],
  [
    "lowercase prefix",
    "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    'invalid prefix "cvss:3.1" (prefixes are case-sensitive: expected "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/")',
  ],
  [
    "prefix without colon",
    "CVSS3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    'invalid prefix "CVSS3.1" (prefixes are case-sensitive: expected "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/")',
  ],
  [
    "missing prefix",
    "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    'missing "CVSS:" prefix (a vector starts with "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/")',
  ],
  ["prefix only", "CVSS:3.1", "CVSS 3.1: the vector has no metrics after the prefix"],
  ["prefix and slash", "CVSS:3.1/", 'CVSS 3.1: trailing "/" after the last metric'],
  ["trailing slash", `${BASE31}/`, 'CVSS 3.1: trailing "/" after the last metric'],
  [
    "leading empty part",
    "CVSS:3.1//AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    'CVSS 3.1: empty metric (duplicate "/")',
  ],
  ["double slash", "CVSS:4.0/AV:N//AC:L", 'CVSS 4.0: empty metric (duplicate "/")'],
  [
    "missing colon",
    "CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    'CVSS 3.1: "AVN" is not a metric:value pair (missing ":")',
  ],
  [
    "two colons",
    "CVSS:3.1/AV:N:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    'CVSS 3.1: "AV:N:L" has more than one ":"',
  ],
  ["empty metric name", "CVSS:3.1/:N/AC:L", 'CVSS 3.1: metric name missing before ":" in ":N"'],
  ["empty value", "CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 'CVSS 3.1: metric "AV" has no value'],
  ["missing AV (3.1)", V31_MISSING_AV, 'CVSS 3.1: metric "AV" is missing'],
  ["missing S (3.0)", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", 'CVSS 3.0: metric "S" is missing'],
  [
    "missing SA (4.0)",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
    'CVSS 4.0: metric "SA" is missing',
  ],
  [
    "duplicated metric",
    "CVSS:3.1/AV:N/AC:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    'CVSS 3.1: duplicated metric "AC"',
  ],
  ["conflicting duplicate", `${BASE31}/AV:P`, 'CVSS 3.1: duplicated metric "AV"'],
  ["duplicated optional X", `${BASE31}/E:X/E:X`, 'CVSS 3.1: duplicated metric "E"'],
  ["unknown metric", `${BASE31}/XX:N`, 'CVSS 3.1: unknown metric "XX"'],
  ["__proto__", `${BASE31}/__proto__:X`, 'CVSS 3.1: unknown metric "__proto__"'],
  ["constructor", `${BASE40}/constructor:X`, 'CVSS 4.0: unknown metric "constructor"'],
  ["hasOwnProperty", `${BASE31}/hasOwnProperty:X`, 'CVSS 3.1: unknown metric "hasOwnProperty"'],
  ["CVSS v2 metric", `${BASE31}/Au:N`, 'CVSS 3.1: unknown metric "Au"'],
  ["4.0 metric in 3.1", `${BASE31}/AT:N`, 'CVSS 3.1: unknown metric "AT"'],
  ["3.x metric in 4.0", `${BASE40}/C:H`, 'CVSS 4.0: unknown metric "C"'],
  [
    "lowercase metric",
    "CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    'CVSS 3.1: unknown metric "av" (metric names are case-sensitive: "AV")',
  ],
  [
    "lowercase value",
    "CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    'CVSS 3.1: metric "AV" has invalid value "n" (allowed: N, A, L, P)',
  ],
  [
    "bad value",
    "CVSS:3.1/AV:N/AC:L/PR:Q/UI:N/S:U/C:H/I:H/A:H",
    'CVSS 3.1: metric "PR" has invalid value "Q" (allowed: N, L, H)',
  ],
  [
    "X on a base metric",
    "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    'CVSS 3.1: metric "AV" has invalid value "X" (allowed: N, A, L, P)',
  ],
  [
    "3.0 schema's PR:U",
    "CVSS:3.0/AV:N/AC:L/PR:U/UI:N/S:U/C:H/I:H/A:H",
    'CVSS 3.0: metric "PR" has invalid value "U" (allowed: N, L, H)',
  ],
  [
    "4.0 value in 3.1",
    `${BASE31}/E:A`,
    'CVSS 3.1: metric "E" has invalid value "A" (allowed: X, H, F, P, U)',
  ],
  [
    "multi-letter value",
    `${BASE31}/MAV:NN`,
    'CVSS 3.1: metric "MAV" has invalid value "NN" (allowed: X, N, A, L, P)',
  ],
  [
    "Safety on SI",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
    'CVSS 4.0: metric "SI" has invalid value "S" (allowed: H, L, N)',
  ],
  ["Safety on MSC", `${BASE40}/MSC:S`, 'CVSS 4.0: metric "MSC" has invalid value "S" (allowed: X, H, L, N)'],
  [
    "urgency case",
    `${BASE40}/U:clear`,
    'CVSS 4.0: metric "U" has invalid value "clear" (allowed: X, Clear, Green, Amber, Red)',
  ],
  [
    "4.0 base out of order",
    `CVSS:4.0/AC:L/AV:N/${V40_TAIL}`,
    'CVSS 4.0: metric "AC" is out of order (expected "AV" first)',
  ],
  [
    "4.0 impacts interleaved",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N",
    'CVSS 4.0: metric "SC" is out of order (expected "VI" first)',
  ],
  [
    "4.0 supplemental before threat",
    `${BASE40}/AU:Y/E:A`,
    'CVSS 4.0: metric "AU" is out of order (expected "E" first)',
  ],
  [
    "4.0 environmental before base",
    `CVSS:4.0/CR:H/AV:N/AC:L/${V40_TAIL}`,
    'CVSS 4.0: metric "CR" is out of order (expected "AV" first)',
  ],
  [
    "4.0 MSA before MSI",
    `${BASE40}/MSA:S/MSI:S`,
    'CVSS 4.0: metric "MSA" is out of order (expected "MSI" first)',
  ],
  [
    "inner space",
    "CVSS:3.1/AV:N /AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS vector must not contain whitespace (U+0020 at position 14)",
  ],
  [
    "inner tab",
    "CVSS:3.1/AV:N/AC:L\t/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS vector must not contain whitespace (U+0009 at position 19)",
  ],
  ["inner newline", `${BASE31}\n/E:H`, "CVSS vector must not contain whitespace (U+000A at position 45)"],
  [
    "no-break space",
    `CVSS:3.1/AV:N\u00a0/AC:L`,
    "CVSS vector must not contain whitespace (U+00A0 at position 14)",
  ],
  [
    "homoglyph (Greek Nu)",
    "CVSS:3.1/AV:\u039d/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS vector contains an invalid character U+039D at position 13",
  ],
  [
    "zero-width space",
    `CVSS:3.1/AV:N\u200b/AC:L`,
    "CVSS vector contains an invalid character U+200B at position 14",
  ],
  ["NUL byte", `${BASE31}\u0000`, "CVSS vector contains an invalid character U+0000 at position 45"],
  [
    "full-width prefix",
    "\uff23VSS:3.1/AV:N",
    "CVSS vector contains an invalid character U+FF23 at position 1",
  ],
  ["emoji", `${BASE31}/U:\u{1f525}`, "CVSS vector contains an invalid character U+1F525 at position 48"],
  [
    "huge input",
    `CVSS:3.1/${"AV:N/".repeat(100_000)}`,
    "CVSS vector is too long (500009 characters, at most 500)",
  ],
  ["501 characters", `CVSS:3.1/${"A".repeat(492)}`, "CVSS vector is too long (501 characters, at most 500)"],
];

describe("strict parser", () => {
  it("has at least 30 hostile cases", () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(30);
  });

  it.each(HOSTILE)("rejects %s", (_label, vector, error) => {
    expect(err(vector)).toBe(error);
  });

  it("a 500-character input is not rejected for its length", () => {
    const vector = `CVSS:3.1/${"A".repeat(491)}`;
    expect(vector).toHaveLength(CVSS_MAX_VECTOR_LENGTH);
    expect(err(vector)).toBe(`CVSS 3.1: "${"A".repeat(24)}…" is not a metric:value pair (missing ":")`);
  });

  it("keeps error messages short for long hostile parts", () => {
    expect(err(`${BASE31}/${"Z".repeat(300)}:N`).length).toBeLessThan(80);
  });

  it("trims leading and trailing whitespace", () => {
    expect(ok3(` \t${BASE31}\r\n`).vector).toBe(BASE31);
  });

  it("rejects non-string input without throwing", () => {
    for (const bad of [undefined, null, 42, {}, ["CVSS:3.1"]]) {
      expect(scoreCvss(bad as unknown as string)).toEqual({
        ok: false,
        error: "CVSS vector must be a string",
      });
    }
  });

  it("every 4.0 out-of-order vector is also rejected by FIRST's 4.0 schema pattern", () => {
    const s = JSON.parse(readVectorFile("schema_cvss-v4.0.json")) as {
      properties: { vectorString: { pattern: string } };
    };
    const pattern = new RegExp(s.properties.vectorString.pattern);
    for (const [, vector, error] of HOSTILE) {
      if (error.includes("out of order")) expect(pattern.test(vector), vector).toBe(false);
    }
    expect(pattern.test(`${BASE40}/E:A/CR:H/MSI:S/AU:Y`)).toBe(true);
    expect(ok4(`${BASE40}/E:A/CR:H/MSI:S/AU:Y`).score).toBeGreaterThan(0);
  });

  it("never returns a result whose prototype chain was touched", () => {
    const s = ok3(`${BASE31}/E:X`);
    expect(Object.getPrototypeOf(s.metrics)).toBe(Object.prototype);
    expect(err(`${BASE31}/__proto__:X`)).toContain("unknown metric");
    expect(({} as Record<string, unknown>).X).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------
// CVSS_METRICS agrees with the parser

describe("CVSS_METRICS", () => {
  const VERSIONS = ["3.0", "3.1", "4.0"] as const;
  const GROUPS: Record<CvssVersion, string[]> = {
    "3.0": ["base", "temporal", "environmental"],
    "3.1": ["base", "temporal", "environmental"],
    "4.0": ["base", "threat", "environmental", "supplemental"],
  };

  /** A vector holding every mandatory metric (first value) plus `extra`, in canonical order. */
  function vectorWith(version: CvssVersion, code: string, value: string): string {
    const parts = CVSS_METRICS[version]
      .filter((d) => d.mandatory || d.code === code)
      .map((d) => `${d.code}:${d.code === code ? value : d.values[0]!.code}`);
    return `CVSS:${version}/${parts.join("/")}`;
  }

  it.each(VERSIONS)(
    "%s: codes are unique, groups are in order, base metrics and only they are mandatory",
    (version) => {
      const defs = CVSS_METRICS[version];
      expect(new Set(defs.map((d) => d.code)).size).toBe(defs.length);
      const groups = defs.map((d) => d.group).filter((g, i, a) => a[i - 1] !== g);
      expect(groups).toEqual(GROUPS[version]);
      for (const d of defs) {
        expect(d.mandatory).toBe(d.group === "base");
        expect(d.name.length).toBeGreaterThan(0);
        expect(new Set(d.values.map((v) => v.code)).size).toBe(d.values.length);
        for (const v of d.values) expect(v.name.length).toBeGreaterThan(0);
        // Optional metrics can be written explicitly as Not Defined; base metrics cannot.
        expect(d.values[0]!.code === "X").toBe(!d.mandatory);
        if (!d.mandatory) expect(d.values[0]!.name).toBe("Not Defined");
      }
    },
  );

  it("has the expected sizes (3.x: 8 base + 3 temporal + 11 environmental; 4.0: 11 + 1 + 14 + 6)", () => {
    expect(CVSS_METRICS["3.0"]).toHaveLength(22);
    expect(CVSS_METRICS["3.1"]).toHaveLength(22);
    expect(CVSS_METRICS["4.0"]).toHaveLength(32);
    expect(CVSS_METRICS["4.0"].filter((d) => d.mandatory).map((d) => d.code)).toEqual([
      "AV",
      "AC",
      "AT",
      "PR",
      "UI",
      "VC",
      "VI",
      "VA",
      "SC",
      "SI",
      "SA",
    ]);
  });

  it.each(VERSIONS)("%s: the parser accepts every listed value and rejects unlisted ones", (version) => {
    for (const d of CVSS_METRICS[version]) {
      for (const v of d.values) {
        const r = scoreCvss(vectorWith(version, d.code, v.code));
        expect(r.ok, `${d.code}:${v.code} ${r.ok ? "" : r.error}`).toBe(true);
      }
      const allowed = d.values.map((v) => v.code).join(", ");
      for (const bad of ["Q", "x", "", " N", "XX"]) {
        if (d.values.some((v) => v.code === bad)) continue;
        const e = err(vectorWith(version, d.code, bad));
        if (bad === "") expect(e).toBe(`CVSS ${version}: metric "${d.code}" has no value`);
        else if (bad.includes(" ")) expect(e).toContain("whitespace");
        else
          expect(e).toBe(
            `CVSS ${version}: metric "${d.code}" has invalid value "${bad}" (allowed: ${allowed})`,
          );
      }
    }
  });

  it.each(VERSIONS)("%s: a vector of all metrics in CVSS_METRICS order is valid", (version) => {
    const parts = CVSS_METRICS[version].map((d) => `${d.code}:${d.values[d.values.length - 1]!.code}`);
    const s = ok(`CVSS:${version}/${parts.join("/")}`);
    expect(Object.keys(s.metrics)).toEqual(CVSS_METRICS[version].map((d) => d.code));
    const reversed = `CVSS:${version}/${[...parts].reverse().join("/")}`;
    if (version === "4.0") expect(err(reversed)).toContain("is out of order");
    else expect(ok(reversed).metrics).toEqual(s.metrics);
  });

  it.each(VERSIONS)("%s: omitting any mandatory metric is reported by name", (version) => {
    const mandatory = CVSS_METRICS[version].filter((d) => d.mandatory);
    for (const missing of mandatory) {
      const parts = mandatory.filter((d) => d !== missing).map((d) => `${d.code}:${d.values[0]!.code}`);
      expect(err(`CVSS:${version}/${parts.join("/")}`)).toBe(
        `CVSS ${version}: metric "${missing.code}" is missing`,
      );
    }
  });

  it("is deeply frozen", () => {
    expect(Object.isFrozen(CVSS_METRICS)).toBe(true);
    expect(Object.isFrozen(CVSS_METRICS["4.0"])).toBe(true);
    expect(Object.isFrozen(CVSS_METRICS["4.0"][0]!.values)).toBe(true);
    expect(Object.isFrozen(CVSS_METRICS["4.0"][0]!.values[0])).toBe(true);
  });

  it("MSI and MSA accept Safety (S) in 4.0, other metrics do not", () => {
    const withS = CVSS_METRICS["4.0"].filter((d) => d.values.some((v) => v.code === "S")).map((d) => d.code);
    expect(withS).toEqual(["MSI", "MSA"]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Small helpers

describe("cvssSeverity", () => {
  it.each([
    [0, "None"],
    [0.1, "Low"],
    [3.9, "Low"],
    [4, "Medium"],
    [6.9, "Medium"],
    [7, "High"],
    [8.9, "High"],
    [9, "Critical"],
    [10, "Critical"],
  ] as const)("%s is %s", (score, severity) => {
    expect(cvssSeverity(score)).toBe(severity);
  });

  it("rejects scores outside 0–10", () => {
    for (const bad of [-0.1, 10.1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => cvssSeverity(bad)).toThrow(RangeError);
  });
});

describe("cvssReportSeverity", () => {
  it.each([
    ["None", "note"],
    ["Low", "low"],
    ["Medium", "medium"],
    ["High", "high"],
    ["Critical", "critical"],
  ] as const)("%s → %s", (severity: CvssSeverity, report) => {
    expect(cvssReportSeverity(severity)).toBe(report);
  });
});

describe("isCvssVector", () => {
  it.each([
    [BASE31, true],
    [BASE40, true],
    ["CVSS:2.0/AV:N", true],
    ["  cvss:3.1/AV:N", true],
    ["CVSS:", true],
    ["SL:1/M:1/O:1/S:1/ED:1/EE:1/A:1/ID:1/LC:1/LI:1/LAV:1/LAC:1/FD:1/RD:1/NC:1/PV:1", false],
    ["AV:N/AC:L/Au:N/C:C/I:C/A:C", false],
    ["CVSS", false],
    ["", false],
    ["xCVSS:3.1/AV:N", false],
  ] as const)("%j → %s", (input, expected) => {
    expect(isCvssVector(input)).toBe(expected);
  });

  it("is false for non-strings", () => {
    expect(isCvssVector(undefined as unknown as string)).toBe(false);
    expect(isCvssVector(42 as unknown as string)).toBe(false);
  });
});

describe("purity", () => {
  it("cvss.ts and its table import nothing but each other (no fs, db, http or clock)", () => {
    for (const file of ["cvss.ts", "cvss40-tables.ts"]) {
      const source = readFileSync(new URL(file, import.meta.url), "utf8");
      const imports = [...source.matchAll(/^\s*import\b[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]);
      expect(
        imports.every((i) => i === "./cvss40-tables.ts"),
        `${file}: ${imports.join(", ")}`,
      ).toBe(true);
      expect(source).not.toMatch(/\b(Date\.now|new Date|Math\.random|process\.|require\()/);
    }
  });
});
