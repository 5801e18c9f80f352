import { describe, expect, it } from "vitest";
import { MAX_AFFECTED_VERSIONS, MAX_VERSION_LENGTH, parseAffectedVersions } from "./affected-versions.ts";

describe("affected versions", () => {
  it("reads nothing as an empty list", () => {
    expect(parseAffectedVersions(undefined)).toEqual({ ok: true, value: [] });
    expect(parseAffectedVersions(null)).toEqual({ ok: true, value: [] });
    expect(parseAffectedVersions("")).toEqual({ ok: true, value: [] });
    expect(parseAffectedVersions([])).toEqual({ ok: true, value: [] });
    expect(parseAffectedVersions("\n  \r\n\t\n")).toEqual({ ok: true, value: [] });
  });

  it("splits text into lines of any ending, trims them and leaves out blank ones", () => {
    expect(parseAffectedVersions("  1.2.3 \r\n\r\n>= 2.0, < 2.4.1\r3.0.0-beta.1\n")).toEqual({
      ok: true,
      value: ["1.2.3", ">= 2.0, < 2.4.1", "3.0.0-beta.1"],
    });
  });

  it("takes a list entry by entry and keeps a repeated version once, in the reporter's order", () => {
    expect(parseAffectedVersions(["2.0", " 1.0 ", "2.0", ""])).toEqual({ ok: true, value: ["2.0", "1.0"] });
  });

  it("turns a tab into a space rather than refusing it", () => {
    expect(parseAffectedVersions("1.0\tLTS")).toEqual({ ok: true, value: ["1.0 LTS"] });
  });

  it("accepts exactly the limits", () => {
    const many = Array.from({ length: MAX_AFFECTED_VERSIONS }, (_, i) => `1.${i}`);
    expect(parseAffectedVersions(many.join("\n"))).toEqual({ ok: true, value: many });
    const long = "v".repeat(MAX_VERSION_LENGTH);
    expect(parseAffectedVersions([long])).toEqual({ ok: true, value: [long] });
  });

  it("refuses one version too many, and says how to shorten the list", () => {
    const many = Array.from({ length: MAX_AFFECTED_VERSIONS + 1 }, (_, i) => `1.${i}`);
    const result = parseAffectedVersions(many);
    expect(result).toEqual({
      ok: false,
      error: expect.stringContaining("at most 20 affected versions (you gave 21)"),
    });
  });

  it("refuses a huge list before reading it", () => {
    const result = parseAffectedVersions(Array.from({ length: 10_000 }, () => "1.0"));
    expect(result).toEqual({ ok: false, error: "List at most 20 affected versions." });
  });

  it("refuses a version over the length limit, naming which one", () => {
    const result = parseAffectedVersions(["1.0", "x".repeat(MAX_VERSION_LENGTH + 1)]);
    expect(result).toEqual({
      ok: false,
      error: expect.stringMatching(/^Affected version 2 is longer than 100/),
    });
  });

  it("refuses control characters, NUL and escape sequences included", () => {
    for (const bad of ["1.0\u0000", "\u001b[31m1.0", "1.0\u0085x", "1.0\u007f"]) {
      expect(parseAffectedVersions([bad])).toEqual({
        ok: false,
        error: "Affected version 1 contains a control character.",
      });
    }
  });

  it("refuses entries that are not text and shapes that are neither text nor a list", () => {
    expect(parseAffectedVersions(["1.0", 2])).toEqual({
      ok: false,
      error: "Affected version 2 must be text.",
    });
    expect(parseAffectedVersions([{ version: "1" }])).toEqual({
      ok: false,
      error: "Affected version 1 must be text.",
    });
    for (const bad of [42, true, { a: "1.0" }]) {
      expect(parseAffectedVersions(bad)).toEqual({
        ok: false,
        error: "List the affected versions as text, one per line, or as a list of strings.",
      });
    }
  });
});
