import { describe, expect, it } from "vitest";
import { isReference, isUuid } from "./ids.ts";

describe("isUuid", () => {
  it("takes canonical UUIDs in either case and nothing else", () => {
    expect(isUuid("0f8fad5b-d9cb-469f-a165-70867728950e")).toBe(true);
    expect(isUuid("0F8FAD5B-D9CB-469F-A165-70867728950E")).toBe(true);
    for (const bad of [
      "",
      "not-a-uuid",
      "0f8fad5bd9cb469fa16570867728950e",
      " 0f8fad5b-d9cb-469f-a165-70867728950e",
      "0f8fad5b-d9cb-469f-a165-70867728950e\n",
      "EMB-2026-0001",
    ])
      expect(isUuid(bad), JSON.stringify(bad)).toBe(false);
  });
});

describe("isReference", () => {
  it("takes references as issued, in either case, and refuses what no query should see", () => {
    for (const good of ["EMB-2026-0001", "emb-2026-0042", "EMB-2031-123456789"])
      expect(isReference(good), good).toBe(true);
    for (const bad of [
      "",
      "EMB-2026-001",
      "EMB-2026-0001\u0000",
      "EMB-2026-0001\n",
      " EMB-2026-0001",
      "EMB-26-0001",
      "EMB-2026-1234567890",
      "a\u0000b",
      "E".repeat(100_000),
      "0f8fad5b-d9cb-469f-a165-70867728950e",
    ])
      expect(isReference(bad), JSON.stringify(bad.slice(0, 40))).toBe(false);
  });
});
