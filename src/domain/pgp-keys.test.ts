import { describe, expect, it } from "vitest";
import {
  formatFingerprint,
  judgeIntakeKey,
  judgePublicKey,
  judgeSigningKey,
  type KeyFacts,
  normalizeFingerprint,
  securityAddress,
  splitAddress,
  userIdEmails,
  wkdHash,
  zbase32,
} from "./pgp-keys.ts";

const now = new Date("2026-03-02T09:00:00Z");
const FPR = "879C7FBAF55D41C0BF34AE283E4B93E4CAC73E49";

const good = (over: Partial<Extract<KeyFacts, { kind: "key" }>> = {}): KeyFacts => ({
  kind: "key",
  isPrivate: false,
  fingerprint: FPR,
  userIds: ["Ada <ada@example.org>"],
  createdAt: new Date("2025-01-01T00:00:00Z"),
  expiresAt: null,
  revoked: false,
  primaryValid: true,
  canEncrypt: true,
  canSign: true,
  passphraseProtected: false,
  ...over,
});

describe("judgePublicKey", () => {
  const cases: Array<[string, KeyFacts, RegExp]> = [
    ["nothing pasted", { kind: "empty" }, /Paste your ASCII-armored/],
    ["a huge block", { kind: "too_large", maxChars: 200_000 }, /too large/],
    ["garbage", { kind: "unreadable" }, /not a readable OpenPGP key/],
    ["two keys", { kind: "several", count: 2 }, /holds 2 keys; paste exactly one/],
    ["a private key", good({ isPrivate: true }), /PRIVATE key\. Never upload/],
    ["a damaged private key block", { kind: "unreadable", looksPrivate: true }, /PRIVATE key\. Never upload/],
    ["a revoked key", good({ revoked: true, primaryValid: false }), /revoked/],
    [
      "an expired key",
      good({ expiresAt: new Date("2026-01-31T00:00:00Z"), primaryValid: false }),
      /expired on 2026-01-31/,
    ],
    ["expiring exactly now", good({ expiresAt: now }), /expired/],
    ["a key from the future", good({ createdAt: new Date("2027-01-01T00:00:00Z") }), /in the future/],
    ["a broken self-signature", good({ primaryValid: false }), /no valid self-signature/],
    ["a sign-only key", good({ canEncrypt: false }), /no encryption subkey that is valid now/],
  ];
  it.each(cases)("refuses %s with a specific reason", (_name, facts, message) => {
    const verdict = judgePublicKey(facts, "ada@example.org", now);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.error).toMatch(message);
  });

  it("refuses a private key before anything else, even when it is also expired", () => {
    const verdict = judgePublicKey(good({ isPrivate: true, revoked: true }), null, now);
    expect(verdict.ok || verdict.error).toMatch(/PRIVATE/);
  });

  it("accepts a valid key, its user ID matching case-insensitively, without warnings", () => {
    const verdict = judgePublicKey(good({ userIds: ["Ada <ADA@Example.org>"] }), "ada@example.org", now);
    expect(verdict).toMatchObject({ ok: true, fingerprint: FPR, warnings: [] });
  });

  it("accepts a key expiring later, reporting the expiry", () => {
    const expiresAt = new Date("2027-01-01T00:00:00Z");
    expect(judgePublicKey(good({ expiresAt }), "ada@example.org", now)).toMatchObject({
      ok: true,
      expiresAt,
    });
  });

  it("warns, but accepts, when no user ID names the member's address", () => {
    const other = judgePublicKey(good({ userIds: ["Ada <ada@home.example>"] }), "ada@example.org", now);
    expect(other.ok).toBe(true);
    if (other.ok)
      expect(other.warnings[0]).toMatch(/None of this key's user IDs is ada@example.org.*ada@home.example/);
    const none = judgePublicKey(good({ userIds: ["Just a name"] }), "ada@example.org", now);
    expect(none.ok && none.warnings[0]).toMatch(/name no email address/);
    expect(judgePublicKey(good(), null, now)).toMatchObject({ ok: true, warnings: [] });
  });
});

describe("judgeSigningKey", () => {
  it("takes a public key that can sign now, whether or not it can encrypt", () => {
    expect(judgeSigningKey(good(), now)).toMatchObject({ ok: true, fingerprint: FPR });
    expect(judgeSigningKey(good({ canEncrypt: false }), now).ok).toBe(true);
  });

  it.each<[string, KeyFacts, RegExp]>([
    ["a private key", good({ isPrivate: true }), /PRIVATE key/],
    ["a damaged private block", { kind: "unreadable", looksPrivate: true }, /PRIVATE key/],
    ["a key that cannot sign", good({ canSign: false }), /no signing/],
    ["a revoked key", good({ revoked: true }), /revoked/],
    ["an expired key", good({ expiresAt: new Date("2026-01-01T00:00:00Z") }), /expired/],
    ["garbage", { kind: "unreadable" }, /not a readable OpenPGP key/],
    ["two keys", { kind: "several", count: 2 }, /exactly one/],
    ["nothing", { kind: "empty" }, /Paste/],
  ])("refuses %s, saying why", (_name, facts, problem) => {
    const verdict = judgeSigningKey(facts, now);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.error).toMatch(problem);
  });
});

describe("judgeIntakeKey", () => {
  it("needs a private key that can both encrypt and sign now", () => {
    const priv = (over: Partial<Extract<KeyFacts, { kind: "key" }>> = {}) =>
      good({ isPrivate: true, ...over });
    expect(judgeIntakeKey(priv(), now)).toMatchObject({ ok: true, fingerprint: FPR });
    const refused: Array<[KeyFacts, RegExp]> = [
      [good(), /public key\. Import the private key/],
      [{ kind: "unreadable" }, /not a readable OpenPGP private key/],
      [{ kind: "empty" }, /Paste the ASCII-armored private key/],
      [{ kind: "several", count: 3 }, /3 keys/],
      [priv({ canEncrypt: false }), /no encryption subkey/],
      [priv({ canSign: false }), /no signing/],
      [priv({ revoked: true }), /revoked/],
      [priv({ expiresAt: new Date("2026-01-01T00:00:00Z") }), /expired/],
    ];
    for (const [facts, message] of refused) {
      const verdict = judgeIntakeKey(facts, now);
      expect(verdict.ok || verdict.error).toMatch(message);
    }
  });
});

describe("fingerprints", () => {
  it("normalizes v4 and v6 fingerprints and rejects everything else", () => {
    expect(normalizeFingerprint(FPR.toLowerCase())).toBe(FPR);
    expect(normalizeFingerprint(formatFingerprint(FPR))).toBe(FPR);
    expect(normalizeFingerprint("A".repeat(64))).toBe("A".repeat(64));
    for (const bad of [
      "",
      "xyz",
      FPR.slice(1),
      `${FPR}0`,
      `${FPR.slice(0, 39)}G`,
      "../../etc/passwd",
      "A".repeat(63),
    ]) {
      expect(normalizeFingerprint(bad)).toBeNull();
    }
    expect(normalizeFingerprint("A".repeat(5000))).toBeNull();
    expect(normalizeFingerprint(undefined as unknown as string)).toBeNull();
  });

  it("formats in groups of four", () => {
    expect(formatFingerprint("879c7fbaf55d41c0")).toBe("879C 7FBA F55D 41C0");
  });
});

describe("addresses", () => {
  it("finds the emails in user IDs, bare or in angle brackets, once each", () => {
    expect(
      userIdEmails([
        "Ada <Ada@Example.org>",
        "ada@example.org",
        "no address",
        "Bob (work) <bob@corp.example>",
        "",
      ]),
    ).toEqual(["ada@example.org", "bob@corp.example"]);
  });

  it("uses the configured security address, else MAIL_FROM, else security@ the public host", () => {
    expect(securityAddress(" Sec@Example.org ", "https://x.example")).toBe("sec@example.org");
    expect(securityAddress(" Sec@Example.org ", "https://x.example", "psirt@corp.example")).toBe(
      "sec@example.org",
    );
    expect(securityAddress("", "https://x.example", " PSIRT@Corp.example ")).toBe("psirt@corp.example");
    expect(securityAddress("", "https://x.example", "  ")).toBe("security@x.example");
    expect(securityAddress("", "https://Security.Example.org:8443/base")).toBe(
      "security@security.example.org",
    );
  });

  it("splits local part and domain at the last @", () => {
    expect(splitAddress("security@example.org")).toEqual({ local: "security", domain: "example.org" });
    expect(splitAddress('"a@b"@Example.org')).toEqual({ local: '"a@b"', domain: "example.org" });
    expect(splitAddress("nodomain@")).toBeNull();
    expect(splitAddress("@example.org")).toBeNull();
    expect(splitAddress("plain")).toBeNull();
  });
});

describe("Web Key Directory hashing", () => {
  it("encodes z-base-32 as the WKD draft does", () => {
    expect(zbase32(new Uint8Array([]))).toBe("");
    expect(zbase32(new Uint8Array([0]))).toBe("yy");
    expect(zbase32(new Uint8Array([0xff]))).toBe("9h");
    expect(zbase32(new Uint8Array(20)).length).toBe(32);
  });

  it("matches the hashes GnuPG prints with --with-wkd-hash", () => {
    // The WKD draft's own example, and one read off `gpg --with-wkd-hash` for member@example.org.
    expect(wkdHash("Joe.Doe")).toBe("iy9q119eutrkn8s1mk4r39qejnbu3n5q");
    expect(wkdHash("member")).toBe("ctu5ie7toh5uhqjteeznidz1fh9re9mz");
    expect(wkdHash("MEMBER")).toBe(wkdHash("member"));
  });
});
