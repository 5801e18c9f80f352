import { randomBytes } from "node:crypto";
import { and, desc, gt, like } from "drizzle-orm";
import * as openpgp from "openpgp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import {
  type Gpg,
  giveKey,
  gpgKey,
  gpgRevoke,
  MEMBER_KEY_FINGERPRINT,
  MEMBER_PRIVATE_KEY,
  MEMBER_PUBLIC_KEY,
  makeGpg,
} from "../../../test/helpers/pgp.ts";
import { createDataCipher } from "../../crypto/data-key.ts";
import { auditEvents, userKeys } from "../../db/schema.ts";
import { formatFingerprint } from "../../domain/pgp-keys.ts";
import { createKeysService } from "./keys.service.ts";

const KEY_DATE = new Date("2025-06-01T00:00:00Z");

/** A key made with OpenPGP.js, dated before the test clock. */
async function openpgpKey(
  email: string,
  options: Partial<Parameters<typeof openpgp.generateKey>[0]> = {},
): Promise<{ publicKey: string; privateKey: string; fingerprint: string }> {
  const pair = await openpgp.generateKey({
    type: "ecc",
    curve: "curve25519Legacy",
    userIDs: [{ name: email.split("@")[0], email }],
    date: KEY_DATE,
    format: "armored",
    ...options,
  } as Parameters<typeof openpgp.generateKey>[0] & { format: "armored" });
  const key = await openpgp.readKey({ armoredKey: pair.publicKey });
  return { ...pair, fingerprint: key.getFingerprint().toUpperCase() };
}

/** Audit events after the test team was set up (its members' fixture keys are uploaded then). */
let setupSeq = 0;
async function keyEvents(t: TestDb, action: string) {
  return t.services.db
    .select()
    .from(auditEvents)
    .where(and(like(auditEvents.action, action), gt(auditEvents.seq, setupSeq)));
}

/** The fingerprint of the first key in an armored block. */
async function fingerprintOf(armored: string): Promise<string> {
  return (await openpgp.readKey({ armoredKey: armored })).getFingerprint().toUpperCase();
}

describe.each(DB_KINDS)("team keys and key publication on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let admin: Session;
  let alice: Session;
  let bob: Session;
  let viewer: Session;
  let gpg: Gpg;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ team, admin, alice, bob, viewer } = await signedInTeam(app, t));
    // The shared team comes with keys; these tests start from a team that has uploaded none.
    await t.database.db.delete(userKeys);
    const [last] = await t.services.db.select().from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
    setupSeq = last?.seq ?? 0;
    gpg = makeGpg();
  });
  afterAll(async () => {
    gpg?.close();
    await t?.close();
  });

  it("refuses unusable keys with a specific error, keeps the pasted text and stores nothing", async () => {
    const expired = await openpgpKey("alice@example.org", { keyExpirationTime: 86_400 });
    const signOnly = await openpgpKey("alice@example.org", { subkeys: [] });
    const valid = await openpgpKey("alice@example.org");
    const revoked = await openpgp.revokeKey({
      key: await openpgp.readPrivateKey({ armoredKey: valid.privateKey }),
      date: new Date("2025-07-01T00:00:00Z"),
      format: "armored",
    });
    const gpgExpired = gpgKey(gpg, "Old <old@example.org>", { expire: "2025-02-01" });
    const gpgSignOnly = gpgKey(gpg, "Sig <sig@example.org>", { algo: "ed25519", usage: "sign" });
    const gpgValid = gpgKey(gpg, "Rev <rev@example.org>");
    const gpgRevoked = gpgRevoke(gpg, gpgValid.fingerprint, "rev@example.org");
    const cases: Array<[string, string, RegExp]> = [
      ["garbage", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI not-a-pgp-key", /not a readable OpenPGP key/],
      ["an empty field", "   ", /Paste your ASCII-armored OpenPGP public key/],
      ["a private key", valid.privateKey, /PRIVATE key\. Never upload or share it/],
      [
        "a damaged private key block",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxyz\n-----END PGP PRIVATE KEY BLOCK-----",
        /PRIVATE key\. Never upload or share it/,
      ],
      ["an expired key (OpenPGP.js)", expired.publicKey, /expired on 2025-06-02/],
      ["an expired key (gpg)", gpgExpired.publicArmored, /expired on 2025-02-01/],
      ["a revoked key (OpenPGP.js)", revoked.publicKey, /revoked/],
      ["a revoked key (gpg)", gpgRevoked, /revoked/],
      ["a sign-only key (OpenPGP.js)", signOnly.publicKey, /no encryption subkey that is valid now/],
      ["a sign-only key (gpg)", gpgSignOnly.publicArmored, /no encryption subkey that is valid now/],
      ["two keys at once", `${valid.publicKey}\n${MEMBER_PUBLIC_KEY}`, /holds 2 keys/],
      ["a damaged block", valid.publicKey.replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!"), /not a readable/],
    ];
    for (const [name, pasted, message] of cases) {
      const res = await post(app, "/account/key", alice, { key: pasted });
      expect(res.status, name).toBe(303);
      const html = unescapeHtml(await (await follow(app, res, alice)).text());
      expect(html, name).toMatch(message);
      expect(html, name).toContain('id="key-error"');
      if (pasted.trim()) expect(html, name).toContain(pasted.trim().split("\n")[0]);
    }
    expect(await t.services.keys.memberKey(team.alice.id)).toBeNull();
    expect(await keyEvents(t, "keys.member_key%")).toHaveLength(0);
  });

  it("accepts a valid key with a warning when its user ID is another address, audits it and shows it", async () => {
    const res = await post(app, "/account/key", alice, { key: MEMBER_PUBLIC_KEY });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account/key?done=uploaded");
    const page = unescapeHtml(await (await get(app, "/account/key", alice)).text());
    expect(page).toContain(formatFingerprint(MEMBER_KEY_FINGERPRINT));
    expect(page).toMatch(/id="uid-warning"[^>]*>\s*None of this key's user IDs is alice@example.org/);
    const stored = await t.services.keys.memberKey(team.alice.id);
    expect(stored).toMatchObject({ fingerprint: MEMBER_KEY_FINGERPRINT, expiresAt: null });
    expect(stored?.armored).toContain("BEGIN PGP PUBLIC KEY BLOCK");
    const [event] = await keyEvents(t, "keys.member_key_uploaded");
    expect(event).toMatchObject({ actorId: team.alice.id });
    expect(event!.data).toMatchObject({ userId: team.alice.id, fingerprint: MEMBER_KEY_FINGERPRINT });

    // A key whose user ID is her own address: no warning, and the change is audited with the old fingerprint.
    const own = gpgKey(gpg, "Alice <alice@example.org>");
    expect((await post(app, "/account/key", alice, { key: own.publicArmored })).status).toBe(303);
    const again = await (await get(app, "/account/key", alice)).text();
    expect(again).not.toContain("uid-warning");
    expect(again).toContain(formatFingerprint(own.fingerprint));
    const events = await keyEvents(t, "keys.member_key_uploaded");
    expect(events.at(-1)!.data).toMatchObject({
      fingerprint: own.fingerprint,
      previousFingerprint: MEMBER_KEY_FINGERPRINT,
    });
  });

  it("shows every member's fingerprint or a highlighted “no key” on the team page", async () => {
    await giveKey(t, team.admin.id);
    const html = await (await get(app, "/admin/team", admin)).text();
    const row = (id: string) => new RegExp(`id="row-${id}"[\\s\\S]*?</tr>`).exec(html)![0];
    expect(row(team.admin.id)).toContain(formatFingerprint(MEMBER_KEY_FINGERPRINT));
    expect(row(team.bob.id)).toMatch(/class="badge sla-overdue"[^>]*>no key/);
    expect(row(team.viewer.id)).toMatch(/class="badge"[^>]*>no key/);
    expect(row(team.bob.id)).toContain(`href="/admin/team/${team.bob.id}/key"`);
  });

  it("lets admins set and remove anyone's key from the team page, and nobody else", async () => {
    expect(
      (await post(app, `/admin/team/${team.bob.id}/key`, alice, { key: MEMBER_PUBLIC_KEY })).status,
    ).toBe(403);
    expect((await get(app, `/admin/team/${team.bob.id}/key`, viewer)).status).toBe(403);
    const refused = await post(app, `/admin/team/${team.bob.id}/key`, admin, { key: "nonsense" });
    expect(refused.status).toBe(303);
    expect(await (await follow(app, refused, admin)).text()).toContain("nonsense");
    const res = await post(app, `/admin/team/${team.bob.id}/key`, admin, { key: MEMBER_PUBLIC_KEY });
    expect(res.status).toBe(303);
    expect(await t.services.keys.memberKeyProblemIn(t.services.db, team.bob.id, new Date())).toBeNull();
    const bobPage = await (await get(app, "/account/key", bob)).text();
    expect(bobPage).toContain(formatFingerprint(MEMBER_KEY_FINGERPRINT));
    await expect(
      t.services.keys.uploadMemberKey(team.alice, team.bob.id, MEMBER_PUBLIC_KEY),
    ).rejects.toMatchObject({ status: 403 });

    expect((await post(app, `/admin/team/${team.bob.id}/key/remove`, admin, {})).status).toBe(303);
    expect(await t.services.keys.memberKey(team.bob.id)).toBeNull();
    expect(await t.services.keys.memberKeyProblemIn(t.services.db, team.bob.id, new Date())).toMatch(
      /No OpenPGP public key/,
    );
    const [removed] = await keyEvents(t, "keys.member_key_removed");
    expect(removed).toMatchObject({ actorId: team.admin.id });
    expect(removed!.data).toMatchObject({ userId: team.bob.id, fingerprint: MEMBER_KEY_FINGERPRINT });
    // Viewers manage their own key too.
    expect((await post(app, "/account/key", viewer, { key: MEMBER_PUBLIC_KEY })).status).toBe(303);
  });

  it("memberKeyProblem names a missing key and a key that expired after it was uploaded", async () => {
    const member = await t.services.team.createMember(null, {
      email: "kim@example.org",
      name: "Kim",
      role: "responder",
      password: "kim-password-long",
    });
    expect(await t.services.keys.memberKeyProblemIn(t.services.db, member.id, new Date())).toMatch(
      /No OpenPGP public key/,
    );
    const expiring = await openpgpKey("kim@example.org", { keyExpirationTime: 365 * 86_400 });
    await t.services.keys.uploadMemberKey({ ...member, role: "responder" }, member.id, expiring.publicKey);
    expect(
      await t.services.keys.memberKeyProblemIn(t.services.db, member.id, new Date("2026-03-02T09:00:00Z")),
    ).toBeNull();
    expect(
      await t.services.keys.memberKeyProblemIn(t.services.db, member.id, new Date("2026-07-01T00:00:00Z")),
    ).toMatch(/expired on 2026-06-01/);
  });

  it("refuses to assign a report to a member without a usable key, naming why, and assigns once they have one", async () => {
    const { report } = await t.services.reports.submit(reportFields(), [], "web");
    const admin = { ...team.admin };
    await t.services.reports.act(admin, report.reference, { action: "acknowledge" });
    const before = await t.services.reports.teamView(report.reference);
    const refused = t.services.reports.act(admin, report.reference, {
      action: "assign",
      assignee: team.bob.email,
    });
    await expect(refused).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/Bob cannot be assigned reports yet\. No OpenPGP public key uploaded/),
    });
    expect((await t.services.reports.teamView(report.reference)).assignee).toEqual(before.assignee);

    await giveKey(t, team.bob.id);
    await t.services.reports.act(admin, report.reference, { action: "assign", assignee: team.bob.email });
    expect(JSON.stringify((await t.services.reports.teamView(report.reference)).assignee)).toContain(
      team.bob.email,
    );
  });

  it("creates exactly one intake key, even when two processes start at once", async () => {
    const fresh = await createTestDb(kind);
    try {
      const cipher = createDataCipher(randomBytes(32));
      const make = () =>
        createKeysService({
          db: fresh.services.db,
          clock: fresh.clock,
          cipher,
          publicUrl: "http://embargo.test",
          settings: fresh.services.settings,
          team: fresh.services.team,
        });
      await Promise.all([make().ensureIntakeKey(), make().ensureIntakeKey(), make().ensureIntakeKey()]);
      const created = await fresh.services.db
        .select()
        .from(auditEvents)
        .where(like(auditEvents.action, "keys.intake_created"));
      expect(created).toHaveLength(1);
      const keys = await make().intakeKeys();
      expect(created[0]!.data).toMatchObject({ fingerprint: keys.current.fingerprint });
      await make().ensureIntakeKey();
      expect((await make().intakeKeys()).current.fingerprint).toBe(keys.current.fingerprint);
      // ed25519 primary for signing, cv25519 subkey for encryption; the private part is sealed by the data key.
      const key = await openpgp.readKey({ armoredKey: keys.current.publicArmored });
      expect(key.getAlgorithmInfo()).toMatchObject({ algorithm: "eddsaLegacy", curve: "ed25519Legacy" });
      expect(key.subkeys[0]!.getAlgorithmInfo()).toMatchObject({
        algorithm: "ecdh",
        curve: "curve25519Legacy",
      });
      expect(key.getUserIDs()).toEqual(["Example Project security <security@embargo.test>"]);
      expect(keys.current.privateEnc).toMatch(/^v1\./);
      expect(JSON.stringify(keys)).not.toContain("PRIVATE KEY");
    } finally {
      await fresh.close();
    }
  });

  it("publishes /keys with the intake key and active members' keys, without their addresses", async () => {
    const { current } = await t.services.keys.intakeKeys();
    const res = await get(app, "/keys");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(formatFingerprint(current.fingerprint));
    expect(html).toContain(formatFingerprint(MEMBER_KEY_FINGERPRINT));
    expect(html).toContain("Ada");
    expect(html).toContain('href="/keys/intake.asc"');
    expect(html).not.toContain("alice@example.org");
    expect(html).not.toContain("ada@example.org");

    for (const path of [
      `/keys/${current.fingerprint}.asc`,
      `/keys/${current.fingerprint.toLowerCase()}.asc`,
    ]) {
      const asc = await get(app, path);
      expect(asc.status).toBe(200);
      expect(asc.headers.get("content-type")).toBe("application/pgp-keys");
      expect(await fingerprintOf(await asc.text())).toBe(current.fingerprint);
    }
    const member = await get(app, `/keys/${MEMBER_KEY_FINGERPRINT}.asc`);
    expect(member.status).toBe(200);
    const served = await member.text();
    expect(served).toContain("BEGIN PGP PUBLIC KEY BLOCK");
    expect(served).not.toContain("PRIVATE");
    for (const bad of [
      `/keys/${"0".repeat(40)}.asc`,
      `/keys/${MEMBER_KEY_FINGERPRINT}`,
      `/keys/${MEMBER_KEY_FINGERPRINT.slice(1)}.asc`,
      "/keys/..%2f..%2fetc%2fpasswd.asc",
      `/keys/${MEMBER_KEY_FINGERPRINT}.asc.asc`,
      "/keys/ZZZZ.asc",
    ]) {
      expect((await get(app, bad)).status, bad).toBe(404);
    }
  });

  it("serves the intake key through the Web Key Directory under gpg's own hash for the security address", async () => {
    const { current } = await t.services.keys.intakeKeys();
    gpg.run(["--import"], current.publicArmored);
    const listing = gpg.run(["--with-wkd-hash", "--list-keys", "security@embargo.test"]);
    const hash = /^\s+([a-z0-9]{32})@embargo\.test$/m.exec(listing)![1]!;
    const res = await get(app, `/.well-known/openpgpkey/hu/${hash}?l=security`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const binary = new Uint8Array(await res.arrayBuffer());
    expect(binary[0]! & 0x80).toBe(0x80); // an OpenPGP packet, not armor
    const key = await openpgp.readKey({ binaryKey: binary });
    expect(key.getFingerprint().toUpperCase()).toBe(current.fingerprint);
    const fresh = makeGpg();
    try {
      const out = fresh.try(
        ["--import", "--import-options", "show-only", "--with-colons"],
        Buffer.from(binary),
      );
      expect(out.stdout).toContain(current.fingerprint);
    } finally {
      fresh.close();
    }
    expect(
      (await get(app, "/.well-known/openpgpkey/hu/ctu5ie7toh5uhqjteeznidz1fh9re9mz?l=member")).status,
    ).toBe(404);
    expect((await get(app, "/.well-known/openpgpkey/hu/..%2Fpolicy")).status).toBe(404);
    const policy = await get(app, "/.well-known/openpgpkey/policy");
    expect(policy.status).toBe(200);
    expect(await policy.text()).toBe("");
  });

  it("signs security.txt with the intake key so gpg --verify accepts it, and names the key in Encryption", async () => {
    const { current } = await t.services.keys.intakeKeys();
    const res = await get(app, "/.well-known/security.txt");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const body = await res.text();
    const lines = body.replace(/\r\n/g, "\n");
    expect(lines.startsWith("-----BEGIN PGP SIGNED MESSAGE-----\n")).toBe(true);
    expect(lines).toContain("\nEncryption: http://embargo.test/keys/intake.asc\n");
    expect(lines).toContain("\nExpires: 2026-08-29T09:00:00Z\n");
    expect(lines).toContain("\nCanonical: http://embargo.test/.well-known/security.txt\n");

    const verifier = makeGpg();
    try {
      const encryption = await get(app, "/keys/intake.asc");
      expect(encryption.headers.get("content-type")).toBe("application/pgp-keys");
      verifier.run(["--import"], await encryption.text());
      const verified = verifier.try(["--status-fd", "1", "--verify"], body);
      expect(verified.status).toBe(0);
      expect(verified.stdout).toContain(`[GNUPG:] VALIDSIG ${current.fingerprint}`);
      expect(verified.stdout).toContain("[GNUPG:] GOODSIG");
      const tampered = verifier.try(
        ["--status-fd", "1", "--verify"],
        body.replace("Expires: 2026", "Expires: 2027"),
      );
      expect(tampered.status).not.toBe(0);
      expect(tampered.stdout).toContain("[GNUPG:] BADSIG");

      // Expires is computed per request, and the signature is made per request with it.
      t.clock.advance(86_400_000);
      const later = await (await get(app, "/.well-known/security.txt")).text();
      expect(later).toContain("Expires: 2026-08-30T09:00:00Z");
      expect(verifier.try(["--verify"], later).status).toBe(0);
    } finally {
      verifier.close();
      t.clock.set("2026-03-02T09:00:00Z");
    }
  });

  it("serves security.txt unsigned when the setting is off, and the policy page shows the intake fingerprint", async () => {
    const { current } = await t.services.keys.intakeKeys();
    const settingsPage = await (await get(app, "/admin/settings", admin)).text();
    expect(settingsPage).toMatch(/name="signSecurityTxt" value="true" checked/);
    const org = await t.services.settings.org();
    expect(
      (
        await post(app, "/admin/settings", admin, { ...org, signSecurityTxt: "false" } as Record<
          string,
          string
        >)
      ).status,
    ).toBe(303);
    const body = await (await get(app, "/.well-known/security.txt")).text();
    expect(body.startsWith("# Report security vulnerabilities")).toBe(true);
    expect(body).not.toContain("BEGIN PGP");
    expect(body).toContain("Encryption: http://embargo.test/keys/intake.asc");
    const refused = await post(app, "/admin/settings", admin, { ...org, signSecurityTxt: "maybe" } as Record<
      string,
      string
    >);
    expect(refused.status).toBe(303);
    expect(await (await follow(app, refused, admin)).text()).toContain(
      "Choose whether to sign security.txt.",
    );
    await t.services.settings.updateOrg(team.admin.id, { ...org, signSecurityTxt: "true" });

    const policy = await (await get(app, "/")).text();
    expect(policy).toMatch(/id="intake-key"/);
    expect(policy).toContain(formatFingerprint(current.fingerprint));
    expect(policy).toContain('href="/keys/intake.asc"');
  });

  it("rotates the intake key: the old key is retired, still decrypts, and the change is audited", async () => {
    const before = (await t.services.keys.intakeKeys()).current;
    const toOld = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: "sent before the rotation" }),
      encryptionKeys: await openpgp.readKey({ armoredKey: before.publicArmored }),
    });
    expect((await post(app, "/admin/keys/rotate", alice, {})).status).toBe(403);
    const res = await post(app, "/admin/keys/rotate", admin, {});
    expect(res.status).toBe(303);
    const after = await t.services.keys.intakeKeys();
    expect(after.current.fingerprint).not.toBe(before.fingerprint);
    expect(after.previous[0]).toMatchObject({ fingerprint: before.fingerprint });
    expect(await t.services.keys.decryptToIntake(toOld)).toBe("sent before the rotation");
    const [event] = await keyEvents(t, "keys.intake_rotated");
    expect(event!.data).toMatchObject({
      fingerprint: after.current.fingerprint,
      previousFingerprint: before.fingerprint,
    });
    const page = await (await get(app, "/admin/keys", admin)).text();
    expect(page).toContain(formatFingerprint(after.current.fingerprint));
    expect(page).toMatch(new RegExp(`id="retired"[\\s\\S]*${formatFingerprint(before.fingerprint)}`));
    expect((await get(app, "/admin/keys", alice)).status).toBe(403);
    // The stable URL follows the new key; the old one is still published by fingerprint for old signatures.
    expect(await fingerprintOf(await (await get(app, "/keys/intake.asc")).text())).toBe(
      after.current.fingerprint,
    );
    expect((await get(app, `/keys/${before.fingerprint}.asc`)).status).toBe(200);
  });

  it("imports an existing private key, unlocking it with its passphrase, and refuses unusable ones", async () => {
    const protectedKey = await openpgpKey("security@embargo.test", { passphrase: "correct horse battery" });
    const signOnly = await openpgpKey("security@embargo.test", { subkeys: [] });
    const before = (await t.services.keys.intakeKeys()).current;
    const attempts: Array<[Record<string, string>, string, RegExp]> = [
      [{ key: protectedKey.privateKey, passphrase: "" }, "passphrase", /protected by a passphrase: enter it/],
      [{ key: protectedKey.privateKey, passphrase: "wrong" }, "passphrase", /does not unlock the key/],
      [{ key: protectedKey.publicKey, passphrase: "" }, "key", /This is a public key/],
      [{ key: signOnly.privateKey, passphrase: "" }, "key", /no encryption subkey/],
      [{ key: "garbage", passphrase: "" }, "key", /not a readable OpenPGP private key/],
    ];
    for (const [fields, field, message] of attempts) {
      const res = await post(app, "/admin/keys/import", admin, fields);
      expect(res.status).toBe(303);
      const html = unescapeHtml(await (await follow(app, res, admin)).text());
      expect(html).toMatch(message);
      expect(html).toContain(`id="${field}-error"`);
      // A pasted private key is a secret: it is not kept through the redirect, and the page says to paste it again.
      expect(html).not.toContain(fields.key!.split("\n")[0]);
      if (fields.key) expect(html).toContain("type it again: key");
      expect(html).not.toContain("correct horse");
    }
    expect((await t.services.keys.intakeKeys()).current.fingerprint).toBe(before.fingerprint);

    const ok = await post(app, "/admin/keys/import", admin, {
      key: protectedKey.privateKey,
      passphrase: "correct horse battery",
    });
    expect(ok.status).toBe(303);
    const now = await t.services.keys.intakeKeys();
    expect(now.current).toMatchObject({ fingerprint: protectedKey.fingerprint, source: "imported" });
    expect(now.previous.map((k) => k.fingerprint)).toContain(before.fingerprint);
    // Stored unlocked under the data key: it decrypts without a passphrase.
    const message = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: "to the imported key" }),
      encryptionKeys: await openpgp.readKey({ armoredKey: protectedKey.publicKey }),
    });
    expect(await t.services.keys.decryptToIntake(message)).toBe("to the imported key");
    const [event] = await keyEvents(t, "keys.intake_imported");
    expect(event!.data).toMatchObject({ fingerprint: protectedKey.fingerprint });

    // A passphrase-protected key exported by gpg imports too.
    const made = gpgKey(gpg, "Security <security@embargo.test>", { passphrase: "gpg pass phrase" });
    const secret = gpg.run([
      "--passphrase",
      "gpg pass phrase",
      "--armor",
      "--export-secret-keys",
      made.fingerprint,
    ]);
    const imported = await post(app, "/admin/keys/import", admin, {
      key: secret,
      passphrase: "gpg pass phrase",
    });
    expect(imported.status).toBe(303);
    expect((await t.services.keys.intakeKeys()).current.fingerprint).toBe(made.fingerprint);
    const fromGpg = gpg.run(
      ["--armor", "--trust-model", "always", "--encrypt", "-r", made.fingerprint],
      "hello gpg",
    );
    expect(await t.services.keys.decryptToIntake(fromGpg)).toBe("hello gpg");
  });

  it("keeps the fixture pair usable: the private half decrypts what is encrypted to the published key", async () => {
    const served = await (await get(app, `/keys/${MEMBER_KEY_FINGERPRINT}.asc`)).text();
    const encrypted = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: "for the member" }),
      encryptionKeys: await openpgp.readKey({ armoredKey: served }),
    });
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: encrypted as string }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: MEMBER_PRIVATE_KEY }),
    });
    expect(data).toBe("for the member");
  });
});
