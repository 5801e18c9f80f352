import { describe, expect, it } from "vitest";
import { CAPABILITIES, type Capability, can, isRole, ROLE_LABELS, ROLES, type Role } from "./permissions.ts";

/** The permission table from the product design, one row per capability: admin, responder, viewer. */
const TABLE: Record<Capability, [admin: boolean, responder: boolean, viewer: boolean]> = {
  "report.read": [true, true, true],
  "report.act": [true, true, false],
  "report.message": [true, true, false],
  "report.read_internal": [true, true, true],
  "team.manage": [true, false, false],
  "settings.manage": [true, false, false],
  "outbox.read": [true, false, false],
  "outbox.manage": [true, false, false],
  "audit.read": [true, true, false],
};

const CASES = CAPABILITIES.flatMap((capability) =>
  ROLES.map((role, i) => ({ role, capability, allowed: TABLE[capability][i] })),
);

describe("can", () => {
  it("knows three roles and nine capabilities, each with a row in the table", () => {
    expect(ROLES).toEqual(["admin", "responder", "viewer"]);
    expect(Object.keys(TABLE).sort()).toEqual([...CAPABILITIES].sort());
    expect(CASES).toHaveLength(27);
  });

  it.each(CASES)("$role may $capability: $allowed", ({ role, capability, allowed }) => {
    expect(can(role, capability)).toBe(allowed);
  });

  it("gives admins every capability", () => {
    expect(CAPABILITIES.every((c) => can("admin", c))).toBe(true);
  });

  it("lets viewers only read", () => {
    expect(CAPABILITIES.filter((c) => can("viewer", c))).toEqual(["report.read", "report.read_internal"]);
  });

  it("refuses unknown, mis-cased and prototype-named roles", () => {
    for (const role of [
      "root",
      "",
      "Admin",
      " admin",
      "admin ",
      "__proto__",
      "constructor",
      "toString",
      null,
      1,
    ]) {
      for (const capability of CAPABILITIES) expect(can(role as Role, capability)).toBe(false);
    }
  });

  it("refuses unknown capabilities even for admins", () => {
    for (const capability of [
      "*",
      "report.*",
      "report",
      "REPORT.READ",
      "__proto__",
      "constructor",
      "",
      null,
    ]) {
      expect(can("admin", capability as Capability)).toBe(false);
    }
  });
});

describe("isRole and ROLE_LABELS", () => {
  it("accepts exactly the three roles", () => {
    expect(ROLES.every(isRole)).toBe(true);
    for (const v of ["Admin", "owner", "", "__proto__", null, undefined, 0, ["admin"]])
      expect(isRole(v)).toBe(false);
  });

  it("labels every role", () => {
    expect(ROLE_LABELS).toEqual({ admin: "Admin", responder: "Responder", viewer: "Viewer" });
  });
});
