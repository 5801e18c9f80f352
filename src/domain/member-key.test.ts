import { describe, expect, it } from "vitest";
import { memberKeyUsability } from "./member-key.ts";

const NOW = new Date("2026-03-02T09:00:00Z");
const FPR = "0123456789ABCDEF0123456789ABCDEF01234567";

describe("memberKeyUsability", () => {
  it("bars a member with no key, in a few words and in a sentence that says what to do", () => {
    for (const none of [null, undefined]) {
      expect(memberKeyUsability(none, NOW)).toEqual({
        usable: false,
        why: "no_key",
        short: "no OpenPGP key",
        sentence: expect.stringContaining("upload one on the “My key” page"),
      });
    }
  });

  it("accepts a key that never expires or expires later", () => {
    expect(memberKeyUsability({ fingerprint: FPR, expiresAt: null }, NOW)).toEqual({ usable: true });
    expect(memberKeyUsability({ fingerprint: FPR, expiresAt: "2026-03-02T09:00:01.000Z" }, NOW)).toEqual({
      usable: true,
    });
  });

  it("bars a key that expired, at the very instant of expiry too, naming the day and the fingerprint", () => {
    for (const expiresAt of ["2026-03-02T09:00:00.000Z", "2025-06-01T00:00:00.000Z"]) {
      const verdict = memberKeyUsability({ fingerprint: FPR, expiresAt }, NOW);
      expect(verdict).toMatchObject({ usable: false, why: "expired" });
      if (verdict.usable) throw new Error("unreachable");
      expect(verdict.short).toBe(`OpenPGP key expired on ${expiresAt.slice(0, 10)}`);
      expect(verdict.sentence).toContain(FPR);
    }
  });

  it("treats an expiry it cannot read as expired rather than usable", () => {
    const verdict = memberKeyUsability({ fingerprint: FPR, expiresAt: "not a date" }, NOW);
    expect(verdict).toMatchObject({ usable: false, why: "expired" });
  });
});
