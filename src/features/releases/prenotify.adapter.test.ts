import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Gpg,
  gpgKey,
  gpgRevoke,
  MEMBER_KEY_FINGERPRINT,
  MEMBER_PUBLIC_KEY,
  makeGpg,
} from "../../../test/helpers/pgp.ts";
import { listKeyProblem } from "./prenotify.adapter.ts";
import { prenotifyBody } from "./prenotify.mail.ts";

const NOW = new Date("2026-03-04T09:00:00Z");

describe("whether a list member's key may receive a pre-notification now", () => {
  let gpg: Gpg;
  beforeAll(() => {
    gpg = makeGpg();
  });
  afterAll(() => gpg?.close());

  it("accepts a current key", async () => {
    expect(
      await listKeyProblem(
        { publicKey: MEMBER_PUBLIC_KEY, fingerprint: MEMBER_KEY_FINGERPRINT, keyExpiresAt: null },
        NOW,
      ),
    ).toBeNull();
  });

  it("refuses a key whose stored expiry has passed, naming the day", async () => {
    const problem = await listKeyProblem(
      {
        publicKey: MEMBER_PUBLIC_KEY,
        fingerprint: MEMBER_KEY_FINGERPRINT,
        keyExpiresAt: new Date("2026-03-03T00:00:00Z"),
      },
      NOW,
    );
    expect(problem).toBe(
      "the OpenPGP key 879C 7FBA F55D 41C0 BF34 AE28 3E4B 93E4 CAC7 3E49 expired on 2026-03-03",
    );
  });

  it("refuses a key that expired by its own signatures even when no expiry was stored", async () => {
    const key = gpgKey(gpg, "Short <short@distro.example>", { expire: "2026-03-03" });
    const problem = await listKeyProblem(
      { publicKey: key.publicArmored, fingerprint: key.fingerprint, keyExpiresAt: null },
      NOW,
    );
    expect(problem).toMatch(/has no encryption key valid now/);
  });

  it("refuses a revoked key", async () => {
    const key = gpgKey(gpg, "Revoked <revoked@distro.example>");
    const revoked = gpgRevoke(gpg, key.fingerprint, "revoked@distro.example");
    const problem = await listKeyProblem(
      { publicKey: revoked, fingerprint: key.fingerprint, keyExpiresAt: null },
      NOW,
    );
    expect(problem).toMatch(/is revoked$/);
  });

  it("refuses a stored block that is not a key", async () => {
    for (const garbage of [
      "",
      "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----",
      "<script>",
    ]) {
      expect(await listKeyProblem({ publicKey: garbage, fingerprint: "ABCD", keyExpiresAt: null }, NOW)).toBe(
        "the OpenPGP key ABCD cannot be read",
      );
    }
  });
});

describe("the pre-notification text", () => {
  const facts = {
    version: "2.4.1",
    publishAt: new Date("2026-03-05T09:00:00Z"),
    track: "security" as const,
    severity: "high",
    listName: "Downstreams",
    mode: "imminent" as const,
    advisories: [{ publicId: "EMBSA-2026-0001", title: "Secret title", text: "Secret details" }],
  };

  it("gives imminent lists no details even when advisory text is handed in", () => {
    const body = prenotifyBody("notice", facts);
    expect(body).toContain("Publication:       2026-03-05 09:00 UTC (2026-03-05T09:00:00.000Z)");
    expect(body).not.toContain("Secret");
    expect(body).toContain("[personal acknowledgement link 1, sealed]");
  });

  it("gives full lists the approved text, but not in a cancellation", () => {
    expect(prenotifyBody("notice", { ...facts, mode: "full" })).toContain("Secret details");
    expect(prenotifyBody("cancel", { ...facts, mode: "full", cancelReason: "Postponed." })).not.toContain(
      "Secret",
    );
  });
});
