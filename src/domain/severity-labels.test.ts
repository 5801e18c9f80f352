import { describe, expect, it } from "vitest";
import { levelLabel } from "./severity-labels.ts";

describe("levelLabel", () => {
  it("writes report severities, OWASP levels and CVSS severities the same way", () => {
    for (const [stored, shown] of [
      ["critical", "Critical"],
      ["high", "High"],
      ["note", "Note"],
      ["LOW", "Low"],
      ["MEDIUM", "Medium"],
      ["HIGH", "High"],
      ["Critical", "Critical"],
      ["None", "None"],
    ]) {
      expect(levelLabel(stored!)).toBe(shown);
    }
  });

  it("keeps an empty or blank value empty rather than inventing a level", () => {
    expect(levelLabel("")).toBe("");
    expect(levelLabel("   ")).toBe("");
  });

  it("passes an unknown value through, only recased, so nothing stored is hidden", () => {
    expect(levelLabel("weird")).toBe("Weird");
  });
});
