import { describe, expect, it } from "vitest";
import { scoreCvss } from "./cvss.ts";
import { cvssGroupsSet } from "./cvss-groups.ts";

const groupsOf = (vector: string) => {
  const parsed = scoreCvss(vector);
  if (!parsed.ok) throw new Error(`${vector} should parse`);
  return [...cvssGroupsSet(parsed.value.version, parsed.value.metrics)].sort();
};

describe("cvssGroupsSet", () => {
  it("finds no optional group in a base-only 3.1 vector", () => {
    expect(groupsOf("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).toEqual([]);
  });

  it("ignores groups whose metrics are all written as X (Not Defined)", () => {
    expect(groupsOf("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/RL:X/RC:X/CR:X/MAV:X")).toEqual([]);
  });

  it("finds the temporal group when one temporal metric is set", () => {
    expect(groupsOf("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P")).toEqual(["temporal"]);
  });

  it("finds the environmental group from a requirement or a modified base metric", () => {
    expect(groupsOf("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:H")).toEqual(["environmental"]);
    expect(groupsOf("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:L")).toEqual(["environmental"]);
  });

  it("finds both groups when both are set", () => {
    expect(groupsOf("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C/IR:L")).toEqual([
      "environmental",
      "temporal",
    ]);
  });

  it("names CVSS 4.0 threat, environmental and supplemental groups by their own names", () => {
    const base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
    expect(groupsOf(base)).toEqual([]);
    expect(groupsOf(`${base}/E:A`)).toEqual(["threat"]);
    expect(groupsOf(`${base}/MAV:L/S:P`)).toEqual(["environmental", "supplemental"]);
  });

  it("treats metrics missing from the version's definitions as no group at all", () => {
    expect([...cvssGroupsSet("3.1", { ZZ: "H", E: "X" })]).toEqual([]);
  });
});
