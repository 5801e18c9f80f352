import { describe, expect, it } from "vitest";
import { scoreCvss } from "../../domain/cvss.ts";
import { canonicalCvssVector, headlineScore, initialCvssForm, readCvssForm } from "./cvss.form.ts";

const BASE31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const BASE40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

const fieldsOf = (vector: string): Record<string, string> => {
  const [prefix, ...parts] = vector.split("/");
  const out: Record<string, string> = { cvss_version: prefix!.slice(5) };
  for (const p of parts) {
    const [k, v] = p.split(":");
    out[`m_${k}`] = v!;
  }
  return out;
};

const scored = (vector: string) => {
  const r = scoreCvss(vector);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe("canonicalCvssVector", () => {
  it.each([
    ["CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", BASE31],
    [`${BASE31}/E:X/RL:X/RC:X/CR:X`, BASE31],
    [`${BASE31}/MAV:L/E:P`, `${BASE31}/E:P/MAV:L`],
    [`${BASE40}/E:X/U:Clear`, `${BASE40}/U:Clear`],
    ["CVSS:3.0/A:N/I:N/C:N/S:C/UI:R/PR:H/AC:H/AV:P", "CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:C/C:N/I:N/A:N"],
  ])("writes %s as %s, with the same scores", (input, canonical) => {
    const score = scored(input);
    expect(canonicalCvssVector(score)).toBe(canonical);
    const again = scored(canonical);
    expect({ ...again, vector: "", metrics: {} }).toEqual({ ...score, vector: "", metrics: {} });
  });
});

describe("headlineScore", () => {
  it.each([
    [BASE31, 9.8, "Critical", "base"],
    [`${BASE31}/E:U/RL:O/RC:C`, 8.5, "High", "temporal"],
    [`${BASE31}/CR:L/IR:L/AR:L`, 8, "High", "environmental"],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, "None", "base"],
    [BASE40, 9.3, "Critical", "CVSS-B"],
    [`${BASE40}/E:U`, 8.1, "High", "CVSS-BT"],
  ])("%s scores %d %s (%s)", (vector, score, severity, kind) => {
    expect(headlineScore(scored(vector))).toEqual({ score, severity, kind });
  });
});

describe("readCvssForm", () => {
  it("builds the canonical vector from complete selects", () => {
    const state = readCvssForm({ ...fieldsOf(BASE31), reason: "why" });
    expect(state.errors).toEqual({});
    expect(state.vector).toBe(BASE31);
    expect(state.vectorText).toBe(BASE31);
    expect(state.loaded).toBe(BASE31);
    expect(state.reason).toBe("why");
  });

  it("loads an edited vector field into the selects, whatever the selects said", () => {
    const state = readCvssForm({ ...fieldsOf(BASE31), cvss: ` ${BASE40} `, cvss_loaded: BASE31 });
    expect(state.version).toBe("4.0");
    expect(state.values.VC).toBe("H");
    expect(state.vector).toBe(BASE40);
  });

  it("follows the selects when the vector field still shows the vector the page was rendered with", () => {
    const fields = { ...fieldsOf(BASE31), m_A: "N", cvss: BASE31, cvss_loaded: BASE31 };
    expect(readCvssForm(fields).vector).toBe("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N");
  });

  it("names a malformed pasted vector's problem and keeps what was typed", () => {
    const state = readCvssForm({ cvss: "CVSS:3.1/AV:N/AV:N", cvss_loaded: "" });
    expect(state.errors.cvss).toBe('Invalid CVSS vector: CVSS 3.1: duplicated metric "AV".');
    expect(state.vectorText).toBe("CVSS:3.1/AV:N/AV:N");
    expect(state.score).toBeNull();
  });

  it("names every missing or invalid metric, and hostile values never reach the vector", () => {
    const state = readCvssForm({
      cvss_version: "3.1",
      m_AV: "N/AC:L",
      m_AC: "__proto__",
      m_E: "constructor",
      m_PR: "N",
    });
    expect(state.score).toBeNull();
    expect(state.errors.m_AV).toMatch(/Attack Vector \(AV\) must be one of N, A, L, P/);
    expect(state.errors.m_AC).toMatch(/Attack Complexity/);
    expect(state.errors.m_E).toMatch(/Exploit Code Maturity/);
    expect(state.errors.m_UI).toBe("Choose a value for User Interaction (UI).");
    expect(state.missing).toBe(7);
    expect(state.values.PR).toBe("N");
  });

  it("refuses an unknown version and falls back to 3.1", () => {
    const state = readCvssForm({ cvss_version: "2.0" });
    expect(state.errors.cvss_version).toMatch(/Choose a CVSS version/);
    expect(state.version).toBe("3.1");
  });

  it("switching the version keeps the choices valid in the new one", () => {
    const state = readCvssForm({ ...fieldsOf(BASE31), cvss_version: "4.0" });
    expect(state.values.AV).toBe("N");
    expect(state.values.PR).toBe("N");
    expect(state.values.UI).toBe("N");
    expect(state.values.VC).toBe("");
    expect(state.score).toBeNull();
  });

  it("starts from the report's current vector, or blank", () => {
    expect(initialCvssForm(BASE40).vector).toBe(BASE40);
    expect(initialCvssForm(null).version).toBe("3.1");
    expect(initialCvssForm("not a vector").score).toBeNull();
  });
});
