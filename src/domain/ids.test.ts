import { describe, expect, it } from "vitest";
import { isUuid } from "./ids.ts";

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
