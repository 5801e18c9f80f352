import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  formatOwaspVector,
  OWASP_FACTOR_CODES,
  OWASP_FACTORS,
  OWASP_SEVERITY_MATRIX,
  OWASP_VECTOR_MAX_LENGTH,
  type OwaspFactors,
  type OwaspLevel,
  type OwaspRating,
  owaspLevel,
  owaspReportSeverity,
  owaspSeverity,
  parseOwaspFactorFields,
  parseOwaspVector,
  rateOwasp,
  scoreOwaspVector,
} from "./owasp-risk.ts";

const VECTORS_DIR = new URL("../../../shared/vectors/owasp/", import.meta.url);

interface VectorCase extends OwaspRating {
  source: string;
  note?: string;
}

const PUBLIC_VECTORS = JSON.parse(
  readFileSync(new URL("owasp_rr_vectors_public.json", VECTORS_DIR), "utf8"),
) as VectorCase[];

interface SpecFactor {
  name: string;
  options: Record<string, number>;
}
const SPEC = JSON.parse(readFileSync(new URL("owasp_risk_rating_spec.json", VECTORS_DIR), "utf8")) as {
  likelihood: { threatAgent: Record<string, SpecFactor>; vulnerability: Record<string, SpecFactor> };
  impact: { technical: Record<string, SpecFactor>; business: Record<string, SpecFactor> };
  levels: Array<{ min: number; maxExclusive?: number; maxInclusive?: number; level: OwaspLevel }>;
  overallSeverityMatrix: Record<string, unknown>;
};

const WORKED_EXAMPLE = "SL:5/M:2/O:7/S:1/ED:3/EE:6/A:9/ID:2/LC:9/LI:7/LAV:5/LAC:8/FD:1/RD:2/NC:1/PV:5";
const ALL_FIVES = OWASP_FACTOR_CODES.map((c) => `${c}:5`).join("/");

/** A factor set with every value v, then the overrides. */
function factors(v: number, over: Partial<OwaspFactors> = {}): OwaspFactors {
  return { ...(Object.fromEntries(OWASP_FACTOR_CODES.map((c) => [c, v])) as OwaspFactors), ...over };
}

function parseErrorOf(input: unknown): string {
  const r = parseOwaspVector(input as string);
  if (r.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return r.error;
}

/** Exact where the expected number is exactly representable as a mean of 8 or 4 integers, else close. */
function expectScore(actual: number, expected: number): void {
  if (Number.isInteger(expected * 8)) expect(actual).toBe(expected);
  else expect(actual).toBeCloseTo(expected, 10);
}

describe("OWASP_FACTORS", () => {
  const specGroups = {
    threatAgent: SPEC.likelihood.threatAgent,
    vulnerability: SPEC.likelihood.vulnerability,
    technical: SPEC.impact.technical,
    business: SPEC.impact.business,
  } as const;

  it("lists the sixteen factors in vector order", () => {
    expect(OWASP_FACTORS.map((f) => f.code)).toEqual([...OWASP_FACTOR_CODES]);
    expect(OWASP_FACTOR_CODES.join("/")).toBe("SL/M/O/S/ED/EE/A/ID/LC/LI/LAV/LAC/FD/RD/NC/PV");
  });

  it("groups them 4 threat agent, 4 vulnerability, 4 technical, 4 business", () => {
    expect(OWASP_FACTORS.map((f) => f.group)).toEqual([
      ...Array(4).fill("threatAgent"),
      ...Array(4).fill("vulnerability"),
      ...Array(4).fill("technical"),
      ...Array(4).fill("business"),
    ]);
  });

  it.each(OWASP_FACTORS.map((f) => [f.code, f] as const))("matches the spec file for %s", (code, f) => {
    const spec = specGroups[f.group][code];
    expect(spec).toBeDefined();
    expect(f.name).toBe(spec?.name);
    expect(f.options.map((o) => [o.label, o.value])).toEqual(Object.entries(spec?.options ?? {}));
  });

  it("has the spec's groups and nothing more", () => {
    for (const [group, defs] of Object.entries(specGroups)) {
      expect(
        OWASP_FACTORS.filter((f) => f.group === group)
          .map((f) => f.code)
          .sort(),
      ).toEqual(Object.keys(defs).sort());
    }
  });

  it("asks a question for every factor and keeps option values within 0–9", () => {
    for (const f of OWASP_FACTORS) {
      expect(f.question).toMatch(/^[A-Z].+\?$/);
      for (const o of f.options) {
        expect(Number.isInteger(o.value)).toBe(true);
        expect(o.value).toBeGreaterThanOrEqual(0);
        expect(o.value).toBeLessThanOrEqual(9);
      }
    }
  });

  it("is frozen so shared definitions cannot be changed at runtime", () => {
    expect(Object.isFrozen(OWASP_FACTORS)).toBe(true);
    expect(OWASP_FACTORS.every((f) => Object.isFrozen(f) && Object.isFrozen(f.options))).toBe(true);
  });
});

describe("rateOwasp against the public vectors", () => {
  it("has the expected public vector file", () => {
    expect(PUBLIC_VECTORS.length).toBe(100);
  });

  it.each(PUBLIC_VECTORS.map((c, i) => [i, c.vector, c] as const))(
    "vector #%i %s matches all 9 fields",
    (_i, vector, c) => {
      const r = scoreOwaspVector(vector);
      if (!r.ok) throw new Error(r.error);
      expect(r.value.vector).toBe(c.vector);
      expectScore(r.value.likelihood, c.likelihood);
      expectScore(r.value.technicalImpact, c.technicalImpact);
      expectScore(r.value.businessImpact, c.businessImpact);
      expect(r.value.likelihoodLevel).toBe(c.likelihoodLevel);
      expect(r.value.technicalImpactLevel).toBe(c.technicalImpactLevel);
      expect(r.value.businessImpactLevel).toBe(c.businessImpactLevel);
      expect(r.value.severityUsingTechnicalImpact).toBe(c.severityUsingTechnicalImpact);
      expect(r.value.severityUsingBusinessImpact).toBe(c.severityUsingBusinessImpact);
    },
  );

  it("reproduces the OWASP page's worked example exactly", () => {
    const r = scoreOwaspVector(WORKED_EXAMPLE);
    expect(r).toEqual({
      ok: true,
      value: {
        vector: WORKED_EXAMPLE,
        likelihood: 4.375,
        likelihoodLevel: "MEDIUM",
        technicalImpact: 7.25,
        technicalImpactLevel: "HIGH",
        businessImpact: 2.25,
        businessImpactLevel: "LOW",
        severityUsingTechnicalImpact: "High",
        severityUsingBusinessImpact: "Low",
      },
    });
  });

  it("rates a factor set directly, with the canonical vector", () => {
    expect(rateOwasp(factors(9))).toMatchObject({
      vector: OWASP_FACTOR_CODES.map((c) => `${c}:9`).join("/"),
      likelihood: 9,
      technicalImpact: 9,
      businessImpact: 9,
      severityUsingTechnicalImpact: "Critical",
    });
    expect(rateOwasp(factors(0))).toMatchObject({
      likelihood: 0,
      likelihoodLevel: "LOW",
      severityUsingBusinessImpact: "Note",
    });
  });

  it("puts a mean of exactly 3 in MEDIUM and exactly 6 in HIGH", () => {
    const r = rateOwasp(factors(3, { LC: 6, LI: 6, LAV: 6, LAC: 6 }));
    expect(r.likelihood).toBe(3);
    expect(r.likelihoodLevel).toBe("MEDIUM");
    expect(r.technicalImpact).toBe(6);
    expect(r.technicalImpactLevel).toBe("HIGH");
  });

  it("does not weight any factor", () => {
    for (const code of OWASP_FACTOR_CODES.slice(0, 8))
      expect(rateOwasp(factors(0, { [code]: 8 })).likelihood).toBe(1);
    for (const code of OWASP_FACTOR_CODES.slice(8, 12)) {
      expect(rateOwasp(factors(0, { [code]: 8 })).technicalImpact).toBe(2);
    }
    for (const code of OWASP_FACTOR_CODES.slice(12))
      expect(rateOwasp(factors(0, { [code]: 8 })).businessImpact).toBe(2);
  });

  it("refuses factor sets that parsing would never produce", () => {
    for (const bad of [-1, 10, 4.5, Number.NaN, Number.POSITIVE_INFINITY, "5", null]) {
      expect(() => rateOwasp(factors(5, { PV: bad as number }))).toThrow(RangeError);
    }
    const missing = factors(5) as Partial<OwaspFactors>;
    delete missing.SL;
    expect(() => rateOwasp(missing as OwaspFactors)).toThrow(/SL/);
    expect(() => rateOwasp(null as never)).toThrow(TypeError);
    expect(() => rateOwasp(Object.create(factors(5)) as OwaspFactors)).toThrow(RangeError);
  });
});

describe("parseOwaspVector", () => {
  it("parses a canonical vector into numbers", () => {
    expect(parseOwaspVector(WORKED_EXAMPLE)).toEqual({
      ok: true,
      value: {
        SL: 5,
        M: 2,
        O: 7,
        S: 1,
        ED: 3,
        EE: 6,
        A: 9,
        ID: 2,
        LC: 9,
        LI: 7,
        LAV: 5,
        LAC: 8,
        FD: 1,
        RD: 2,
        NC: 1,
        PV: 5,
      },
    });
  });

  it("accepts every integer 0–9, not only the option values", () => {
    for (let v = 0; v <= 9; v++) {
      const r = parseOwaspVector(OWASP_FACTOR_CODES.map((c) => `${c}:${v}`).join("/"));
      expect(r).toEqual({ ok: true, value: factors(v) });
    }
  });

  it("trims leading and trailing whitespace", () => {
    expect(parseOwaspVector(`  \t${ALL_FIVES}\n `)).toEqual({ ok: true, value: factors(5) });
  });

  it("round-trips with formatOwaspVector", () => {
    for (const c of PUBLIC_VECTORS) {
      const r = parseOwaspVector(c.vector);
      if (!r.ok) throw new Error(r.error);
      expect(formatOwaspVector(r.value)).toBe(c.vector);
    }
  });

  it("refuses an empty vector", () => {
    for (const input of ["", "   ", "\n\t"])
      expect(parseErrorOf(input)).toBe("Invalid OWASP vector: empty vector.");
  });

  it("refuses an unknown metric, naming it", () => {
    expect(parseErrorOf(ALL_FIVES.replace("SL:5", "XX:5"))).toBe(
      'Invalid OWASP vector: unknown metric "XX".',
    );
    expect(parseErrorOf(`${ALL_FIVES}/XX:1`)).toBe('Invalid OWASP vector: unknown metric "XX".');
    expect(parseErrorOf(ALL_FIVES.replace("SL:5", "__proto__:5"))).toBe(
      'Invalid OWASP vector: unknown metric "__proto__".',
    );
    expect(parseErrorOf(ALL_FIVES.replace("PV:5", "constructor:5"))).toContain(
      'unknown metric "constructor"',
    );
    expect(parseErrorOf(ALL_FIVES.replace("SL:5", ":5"))).toContain('unknown metric ""');
  });

  it("hints at upper case for a lower-case metric", () => {
    expect(parseErrorOf(ALL_FIVES.replace("SL:5", "sl:5"))).toBe(
      'Invalid OWASP vector: unknown metric "sl" (metric names are upper case: "SL").',
    );
  });

  it("refuses look-alike unicode metric names", () => {
    // Cyrillic Ѕ (U+0405) instead of Latin S.
    expect(parseErrorOf(ALL_FIVES.replace("SL:5", "\u0405L:5"))).toBe(
      'Invalid OWASP vector: unknown metric "ЅL".',
    );
  });

  it("refuses a duplicated metric, naming it", () => {
    expect(parseErrorOf(ALL_FIVES.replace("M:5", "SL:5"))).toBe(
      'Invalid OWASP vector: duplicated metric "SL".',
    );
    expect(parseErrorOf(`${ALL_FIVES}/PV:5`)).toBe('Invalid OWASP vector: duplicated metric "PV".');
  });

  it("refuses a missing metric, naming it", () => {
    expect(parseErrorOf(ALL_FIVES.replace("/PV:5", ""))).toBe('Invalid OWASP vector: missing metric "PV".');
    expect(parseErrorOf("SL:5")).toContain('missing metrics "M", "O", "S"');
  });

  it("reports the first problem reading left to right", () => {
    expect(parseErrorOf("SL:10/XX:1")).toContain('value of "SL"');
    expect(parseErrorOf("XX:1/SL:10")).toContain('unknown metric "XX"');
    expect(parseErrorOf("M:5/SL:5")).toContain("missing metrics");
  });

  it("refuses metrics out of order, naming the expected one", () => {
    const swapped = ALL_FIVES.replace("M:5/O:5", "O:5/M:5");
    expect(parseErrorOf(swapped)).toBe(
      'Invalid OWASP vector: metric "O" out of order (expected "M"); the order is SL/M/O/S/ED/EE/A/ID/LC/LI/LAV/LAC/FD/RD/NC/PV.',
    );
    const reversed = [...OWASP_FACTOR_CODES]
      .reverse()
      .map((c) => `${c}:5`)
      .join("/");
    expect(parseErrorOf(reversed)).toContain('metric "PV" out of order (expected "SL")');
  });

  it("refuses values that are not a single digit 0–9, naming the metric and the value", () => {
    for (const [value, shown] of [
      ["10", '"10"'],
      ["-1", '"-1"'],
      ["+5", '"+5"'],
      ["5.0", '"5.0"'],
      ["05", '"05"'],
      ["", '""'],
      ["x", '"x"'],
      ["NaN", '"NaN"'],
      ["1e0", '"1e0"'],
      ["５", '"５"'], // fullwidth digit five
      ["٣", '"٣"'], // Arabic-Indic digit three
      ["5:5", '"5:5"'],
    ]) {
      expect(parseErrorOf(ALL_FIVES.replace("SL:5", `SL:${value}`))).toBe(
        `Invalid OWASP vector: value of "SL" must be an integer 0–9 (got ${shown}).`,
      );
    }
  });

  it("escapes control characters when it quotes bad input", () => {
    expect(parseErrorOf(ALL_FIVES.replace("PV:5", "PV:\u0000"))).toBe(
      'Invalid OWASP vector: value of "PV" must be an integer 0–9 (got "\\u0000").',
    );
  });

  it("refuses internal whitespace", () => {
    for (const input of [
      ALL_FIVES.replace("M:5", "M: 5"),
      ALL_FIVES.replace("/M", " /M"),
      ALL_FIVES.replace("/M", "/\tM"),
      ALL_FIVES.replace("/M", "/\u00a0M"),
      ALL_FIVES.replace("/M", "/\u2003M"),
    ]) {
      expect(parseErrorOf(input)).toBe("Invalid OWASP vector: it must not contain spaces.");
    }
  });

  it("refuses a trailing or leading slash and empty parts", () => {
    expect(parseErrorOf(`${ALL_FIVES}/`)).toBe("Invalid OWASP vector: a trailing “/” is not allowed.");
    expect(parseErrorOf(`/${ALL_FIVES}`)).toBe("Invalid OWASP vector: a leading “/” is not allowed.");
    expect(parseErrorOf(ALL_FIVES.replace("/M", "//M"))).toBe("Invalid OWASP vector: empty part (“//”).");
    expect(parseErrorOf("/")).toBe("Invalid OWASP vector: a leading “/” is not allowed.");
  });

  it("refuses parts without a colon and other separators", () => {
    expect(parseErrorOf(ALL_FIVES.replace("SL:5", "SL5"))).toBe(
      'Invalid OWASP vector: part "SL5" is not of the form METRIC:value.',
    );
    expect(parseErrorOf(ALL_FIVES.replaceAll("/", ","))).toBe(
      'Invalid OWASP vector: value of "SL" must be an integer 0–9 (got "5,M:5,O:5,S:5,ED:5,EE:5,A:5,ID:5,LC:5,LI…").',
    );
    expect(parseErrorOf(ALL_FIVES.replaceAll(":", "="))).toContain("is not of the form METRIC:value");
  });

  it("refuses a CVSS-style prefix", () => {
    expect(parseErrorOf(`OWASP:1/${ALL_FIVES}`)).toBe('Invalid OWASP vector: unknown metric "OWASP".');
  });

  it("refuses input longer than 200 characters before looking at it", () => {
    expect(parseOwaspVector(`${ALL_FIVES}${" ".repeat(OWASP_VECTOR_MAX_LENGTH - ALL_FIVES.length)}`).ok).toBe(
      true,
    );
    expect(parseErrorOf(`${ALL_FIVES}${" ".repeat(OWASP_VECTOR_MAX_LENGTH - ALL_FIVES.length + 1)}`)).toBe(
      "Invalid OWASP vector: longer than 200 characters.",
    );
    expect(parseErrorOf("SL:5/".repeat(1_000_000))).toBe("Invalid OWASP vector: longer than 200 characters.");
  });

  it("truncates long bad input in its messages", () => {
    const long = "Z".repeat(150);
    const error = parseErrorOf(`${long}:1`);
    expect(error).toBe(`Invalid OWASP vector: unknown metric "${"Z".repeat(40)}…".`);
  });

  it("refuses non-string input instead of throwing", () => {
    for (const input of [null, undefined, 5, {}, [ALL_FIVES], { toString: () => ALL_FIVES }]) {
      expect(parseErrorOf(input)).toBe("Invalid OWASP vector: it must be text.");
    }
  });
});

describe("formatOwaspVector", () => {
  it("writes the canonical order whatever the key order of the object", () => {
    const shuffled = Object.fromEntries(
      [...OWASP_FACTOR_CODES].reverse().map((c, i) => [c, i % 10]),
    ) as OwaspFactors;
    expect(formatOwaspVector(shuffled)).toBe(
      "SL:5/M:4/O:3/S:2/ED:1/EE:0/A:9/ID:8/LC:7/LI:6/LAV:5/LAC:4/FD:3/RD:2/NC:1/PV:0",
    );
  });

  it("ignores extra keys", () => {
    expect(formatOwaspVector({ ...factors(5), XX: 1 } as OwaspFactors)).toBe(ALL_FIVES);
  });

  it("throws rather than writing a vector the parser would refuse", () => {
    expect(() => formatOwaspVector(factors(5, { A: 10 }))).toThrow(
      "OWASP factor A must be an integer 0–9 (got 10).",
    );
    expect(() => formatOwaspVector(factors(5, { A: -0.5 }))).toThrow(RangeError);
  });
});

describe("owaspLevel", () => {
  it("follows the spec's bands", () => {
    for (const band of SPEC.levels) {
      expect(owaspLevel(band.min)).toBe(band.level);
      if (band.maxExclusive !== undefined) expect(owaspLevel(band.maxExclusive - 1e-9)).toBe(band.level);
      if (band.maxInclusive !== undefined) expect(owaspLevel(band.maxInclusive)).toBe(band.level);
    }
  });

  it("splits 0–9 at 3 and 6", () => {
    const cases: Array<[number, OwaspLevel]> = [
      [0, "LOW"],
      [2.999, "LOW"],
      [3, "MEDIUM"],
      [4.375, "MEDIUM"],
      [5.999, "MEDIUM"],
      [6, "HIGH"],
      [9, "HIGH"],
    ];
    for (const [score, level] of cases) expect(owaspLevel(score)).toBe(level);
  });

  it("refuses scores outside 0–9 and non-numbers", () => {
    for (const score of [-0.1, 9.01, -1, 100, Number.NaN, Number.POSITIVE_INFINITY, "5", null]) {
      expect(() => owaspLevel(score as number)).toThrow(RangeError);
    }
  });
});

describe("owaspSeverity", () => {
  const levels: OwaspLevel[] = ["LOW", "MEDIUM", "HIGH"];

  it("is the spec's matrix, indexed [impact][likelihood]", () => {
    for (const impact of levels) {
      for (const likelihood of levels) {
        const row = SPEC.overallSeverityMatrix[impact] as Record<OwaspLevel, string>;
        expect(owaspSeverity(likelihood, impact)).toBe(row[likelihood]);
        expect(OWASP_SEVERITY_MATRIX[impact][likelihood]).toBe(row[likelihood]);
      }
    }
  });

  it("is not symmetric in its arguments only by accident: low likelihood, high impact is Medium", () => {
    expect(owaspSeverity("LOW", "HIGH")).toBe("Medium");
    expect(owaspSeverity("HIGH", "LOW")).toBe("Medium");
    expect(owaspSeverity("MEDIUM", "HIGH")).toBe("High");
    expect(owaspSeverity("LOW", "LOW")).toBe("Note");
    expect(owaspSeverity("HIGH", "HIGH")).toBe("Critical");
  });

  it("refuses unknown levels", () => {
    for (const bad of ["low", "", "__proto__", "toString", null]) {
      expect(() => owaspSeverity(bad as OwaspLevel, "LOW")).toThrow(RangeError);
      expect(() => owaspSeverity("LOW", bad as OwaspLevel)).toThrow(RangeError);
    }
  });
});

describe("owaspReportSeverity", () => {
  it("uses business impact when the org chose business", () => {
    const r = scoreOwaspVector(WORKED_EXAMPLE);
    if (!r.ok) throw new Error(r.error);
    expect(owaspReportSeverity(r.value, "business")).toBe("low");
    expect(owaspReportSeverity(r.value, "technical")).toBe("high");
  });

  it("maps every OWASP severity to the workflow's lowercase severity", () => {
    const base = rateOwasp(factors(5));
    const mapping = {
      Note: "note",
      Low: "low",
      Medium: "medium",
      High: "high",
      Critical: "critical",
    } as const;
    for (const [owasp, report] of Object.entries(mapping)) {
      const r = {
        ...base,
        severityUsingBusinessImpact: owasp,
        severityUsingTechnicalImpact: owasp,
      } as OwaspRating;
      expect(owaspReportSeverity(r, "business")).toBe(report);
      expect(owaspReportSeverity(r, "technical")).toBe(report);
    }
  });

  it("refuses an unknown impact choice or a corrupt rating", () => {
    const r = rateOwasp(factors(5));
    for (const impact of ["Business", "", "both", null]) {
      expect(() => owaspReportSeverity(r, impact as "business")).toThrow(RangeError);
    }
    expect(() =>
      owaspReportSeverity({ ...r, severityUsingBusinessImpact: "Severe" as never }, "business"),
    ).toThrow(RangeError);
  });
});

describe("parseOwaspFactorFields", () => {
  const strings = (v: string) => Object.fromEntries(OWASP_FACTOR_CODES.map((c) => [c, v]));

  it("parses a complete form", () => {
    expect(parseOwaspFactorFields(strings("7"))).toEqual({ ok: true, value: factors(7) });
  });

  it("trims values and accepts integer numbers from JSON clients", () => {
    expect(parseOwaspFactorFields({ ...strings(" 3 "), PV: 9 })).toEqual({
      ok: true,
      value: factors(3, { PV: 9 }),
    });
  });

  it("ignores fields that are not factors", () => {
    expect(parseOwaspFactorFields({ ...strings("1"), _csrf: "x", XX: "nonsense" })).toEqual({
      ok: true,
      value: factors(1),
    });
  });

  it("reports every problem keyed by factor code", () => {
    const r = parseOwaspFactorFields({ ...strings("5"), SL: "", M: "10", O: "-1", S: "4.5", PV: undefined });
    expect(r).toEqual({
      ok: false,
      errors: {
        SL: "Choose a value for Skill Level.",
        M: "Motive must be a whole number from 0 to 9.",
        O: "Opportunity must be a whole number from 0 to 9.",
        S: "Size must be a whole number from 0 to 9.",
        PV: "Choose a value for Privacy violation.",
      },
    });
  });

  it("reports all sixteen factors for an empty or non-object submission", () => {
    for (const input of [{}, null, undefined, "SL:5", 42, []]) {
      const r = parseOwaspFactorFields(input as never);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(Object.keys(r.errors)).toEqual([...OWASP_FACTOR_CODES]);
    }
  });

  it("refuses wrong types and look-alike digits", () => {
    for (const bad of [["5"], { v: 5 }, true, Number.NaN, -1, 10, 2.5, "５", "5a", "0x5", "1e0", "   5 5 "]) {
      const r = parseOwaspFactorFields({ ...strings("5"), LC: bad });
      expect(r).toEqual({
        ok: false,
        errors: { LC: "Loss of Confidentiality must be a whole number from 0 to 9." },
      });
    }
  });

  it("does not read factor values from the prototype chain", () => {
    const r = parseOwaspFactorFields(Object.create(strings("5")) as Record<string, unknown>);
    expect(r.ok).toBe(false);
  });

  it("is not confused by a __proto__ key from JSON", () => {
    const input = JSON.parse(
      `{"__proto__": {"SL": "9"}, ${OWASP_FACTOR_CODES.map((c) => `"${c}": "2"`).join(", ")}}`,
    );
    expect(parseOwaspFactorFields(input)).toEqual({ ok: true, value: factors(2) });
  });
});
