import { like, sql } from "drizzle-orm";
import * as openpgp from "openpgp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  get,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import {
  type Gpg,
  gpgKey,
  MEMBER_KEY_FINGERPRINT,
  MEMBER_PUBLIC_KEY,
  makeGpg,
} from "../../../test/helpers/pgp.ts";
import { followReceipt, followRefusal, formData, postForm } from "../../../test/helpers/public.ts";
import { attachments, auditEvents, reports } from "../../db/schema.ts";
import { MAX_REPORT_REQUEST_BYTES } from "../../domain/attachments.ts";
import { formatFingerprint } from "../../domain/pgp-keys.ts";

interface Answer {
  id?: string;
  reference?: string;
  trackingUrl?: string;
  error?: { code: string; message: string; requestId: string; fields?: Record<string, string> };
}

describe.each(DB_KINDS)("encrypted JSON intake and reporter keys on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let admin: Session;
  let gpg: Gpg;
  let intakeFingerprint: string;

  const send = async (value: unknown) => {
    const res = await app.request("/api/v1/reports", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof value === "string" ? value : JSON.stringify(value),
    });
    return { status: res.status, json: (await res.json()) as Answer };
  };
  const countReports = async () =>
    (await t.services.db.select({ n: sql<number>`count(*)::int` }).from(reports))[0]!.n;
  const countAttachments = async () =>
    (await t.services.db.select({ n: sql<number>`count(*)::int` }).from(attachments))[0]!.n;
  const encryptWithOpenpgp = async (text: string, armoredKey: string) =>
    (await openpgp.encrypt({
      message: await openpgp.createMessage({ text }),
      encryptionKeys: await openpgp.readKey({ armoredKey }),
    })) as string;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ admin } = await signedInTeam(app, t));
    await raiseIntakeLimits(t);
    gpg = makeGpg();
    // gpg imports the intake key as any researcher would: from the URL security.txt names.
    const served = await (await get(app, "/keys/intake.asc")).text();
    gpg.run(["--import"], served);
    intakeFingerprint = (await t.services.keys.intakeKeys()).current.fingerprint;
  });
  afterAll(async () => {
    gpg?.close();
    await t?.close();
  });

  it("takes a report gpg encrypted to the served intake key, and the team reads the plaintext", async () => {
    const report = reportFields({ title: "Encrypted: SQL injection in search", pgpKey: MEMBER_PUBLIC_KEY });
    const ciphertext = gpg.run(
      ["--armor", "--trust-model", "always", "--encrypt", "-r", intakeFingerprint],
      JSON.stringify(report),
    );
    expect(ciphertext).toContain("-----BEGIN PGP MESSAGE-----");
    const { status, json } = await send({ encrypted: ciphertext });
    expect(status).toBe(201);
    expect(json.reference).toMatch(/^EMB-2026-\d{4}$/);

    const page = await get(app, `/reports/${json.reference}`, admin);
    expect(page.status).toBe(200);
    const html = unescapeHtml(await page.text());
    expect(html).toContain("Encrypted: SQL injection in search");
    expect(html).toContain(report.description);
    expect(html).toContain(report.steps);
    // The reporter's key came inside the ciphertext; its fingerprint is on the team's report page.
    expect(html).toMatch(
      new RegExp(`id="reporter-key"[^>]*>\\s*${formatFingerprint(MEMBER_KEY_FINGERPRINT)}`),
    );
    const view = await t.services.reports.teamView(json.reference!);
    expect(view.source).toBe("api");
    expect(view.reporter.keyFingerprint).toBe(MEMBER_KEY_FINGERPRINT);
    const [event] = await t.services.db
      .select()
      .from(auditEvents)
      .where(like(auditEvents.action, "report.reporter_key_added"));
    expect(event).toMatchObject({ reportId: json.id });
    expect(event!.data).toMatchObject({ fingerprint: MEMBER_KEY_FINGERPRINT });
  });

  it("refuses malformed, undecryptable and non-JSON payloads with a clear 400 and stores nothing", async () => {
    const before = await countReports();
    const stranger = await openpgp.generateKey({
      type: "ecc",
      curve: "curve25519Legacy",
      userIDs: [{ email: "someone@example.net" }],
      date: new Date("2025-06-01T00:00:00Z"),
      format: "armored",
    });
    const intakePublic = (await t.services.keys.intakeKeys()).current.publicArmored;
    const toUs = (text: string) => encryptWithOpenpgp(text, intakePublic);
    const symmetric = (await openpgp.encrypt({
      message: await openpgp.createMessage({ text: JSON.stringify(reportFields()) }),
      passwords: ["hunter2"],
    })) as string;
    const signedOnly = gpg.run(["--armor", "--store"], JSON.stringify(reportFields()));
    const good = await toUs(JSON.stringify(reportFields()));
    const cases: Array<[string, unknown, string, RegExp]> = [
      ["not a string", { encrypted: 42 }, "invalid_encrypted", /ASCII-armored OpenPGP message/],
      ["plain text", { encrypted: "hello" }, "invalid_encrypted", /ASCII-armored OpenPGP message/],
      [
        "truncated armor",
        { encrypted: good.slice(0, Math.floor(good.length / 2)) },
        "invalid_encrypted",
        /not a readable OpenPGP message/,
      ],
      [
        "encrypted to someone else",
        { encrypted: await encryptWithOpenpgp(JSON.stringify(reportFields()), stranger.publicKey) },
        "undecryptable",
        /could not be decrypted with our intake key.*keys\/intake\.asc/,
      ],
      ["encrypted with a password", { encrypted: symmetric }, "undecryptable", /could not be decrypted/],
      ["not encrypted at all", { encrypted: signedOnly }, "undecryptable", /could not be decrypted/],
      ["not JSON inside", { encrypted: await toUs("title: hello") }, "invalid_encrypted_json", /not JSON/],
      ["a JSON array inside", { encrypted: await toUs("[1,2]") }, "invalid_encrypted_json", /JSON object/],
      [
        "nested encryption",
        { encrypted: await toUs(JSON.stringify({ encrypted: good })) },
        "invalid_encrypted_json",
        /cannot contain another/,
      ],
      ["fields outside", { encrypted: good, title: "x" }, "invalid_encrypted", /remove title/],
    ];
    for (const [name, body, code, message] of cases) {
      const { status, json } = await send(body);
      expect(status, name).toBe(400);
      expect(json.error?.code, name).toBe(code);
      expect(json.error?.message, name).toMatch(message);
    }
    expect(await countReports()).toBe(before);
  });

  it("refuses a compressed report that unpacks past the request limit with a 400 naming it, storing nothing", async () => {
    const before = { reports: await countReports(), attachments: await countAttachments() };
    // A valid report followed by spaces JSON.parse skips: without the bound it would be filed, after the
    // server had unpacked all of it. gpg compresses the 41 MB into a few kilobytes.
    const plaintext = Buffer.concat([
      Buffer.from(JSON.stringify(reportFields({ title: "Decompression bomb" }))),
      Buffer.alloc(MAX_REPORT_REQUEST_BYTES + 1024 * 1024, " "),
    ]);
    const bomb = gpg.run(
      ["--armor", "--trust-model", "always", "--compress-algo", "zlib", "--encrypt", "-r", intakeFingerprint],
      plaintext,
    );
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const { status, json } = await send({ encrypted: bomb });
    expect(status).toBe(400);
    expect(json.error?.code).toBe("encrypted_too_large");
    expect(json.error?.message).toContain("more than 40 MB");
    expect(json.error?.message).toContain("nothing was stored");
    expect({ reports: await countReports(), attachments: await countAttachments() }).toEqual(before);
  });

  it("validates the decrypted object exactly like a plain one, naming every invalid field", async () => {
    const before = await countReports();
    const bad = reportFields({ title: "x", description: "short", credit: "loud", pgpKey: "not a key" });
    const plain = await send(bad);
    const encrypted = await send({
      encrypted: gpg.run(
        ["--armor", "--trust-model", "always", "--encrypt", "-r", intakeFingerprint],
        JSON.stringify(bad),
      ),
    });
    for (const { status, json } of [plain, encrypted]) {
      expect(status).toBe(400);
      expect(json.error?.code).toBe("invalid_input");
      expect(Object.keys(json.error?.fields ?? {}).sort()).toEqual([
        "credit",
        "description",
        "pgpKey",
        "title",
      ]);
      expect(json.error?.fields?.pgpKey).toMatch(/not a readable OpenPGP key/);
    }
    expect(encrypted.json.error?.fields).toEqual(plain.json.error?.fields);
    expect(await countReports()).toBe(before);
  });

  it("accepts pgpKey on plain JSON reports and refuses a private key there as a field error", async () => {
    const reporter = gpgKey(gpg, "Researcher <researcher@example.net>");
    const ok = await send(reportFields({ pgpKey: reporter.publicArmored }));
    expect(ok.status).toBe(201);
    expect((await t.services.reports.teamView(ok.json.id!)).reporter.keyFingerprint).toBe(
      reporter.fingerprint,
    );
    const secret = gpg.run(["--passphrase", "", "--armor", "--export-secret-keys", reporter.fingerprint]);
    const refused = await send(reportFields({ pgpKey: secret }));
    expect(refused.status).toBe(400);
    expect(refused.json.error?.fields).toEqual({ pgpKey: expect.stringMatching(/PRIVATE key/) });
    const none = await send(reportFields({ pgpKey: "" }));
    expect(none.status).toBe(201);
    expect((await t.services.reports.teamView(none.json.id!)).reporter.keyFingerprint).toBeNull();
  });

  it("takes pgpKey on the form, keeping the pasted key when it is refused", async () => {
    const fields = Object.fromEntries(Object.entries(reportFields()).map(([k, v]) => [k, String(v)]));
    const badKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbroken\n-----END PGP PUBLIC KEY BLOCK-----";
    const before = await countReports();
    const refused = await postForm(app, "/report", formData({ ...fields, pgpKey: badKey }));
    const html = unescapeHtml((await followRefusal(app, refused)).html).replace(/\r\n/g, "\n");
    expect(html).toContain('id="pgpKey-error"');
    expect(html).toMatch(/Your OpenPGP public key: This is not a readable OpenPGP key/);
    expect(html).toContain(badKey);
    expect(html).toContain(fields.description);
    expect(await countReports()).toBe(before);

    const accepted = await postForm(app, "/report", formData({ ...fields, pgpKey: MEMBER_PUBLIC_KEY }));
    const reference = (await followReceipt(app, accepted)).reference!;
    expect((await t.services.reports.teamView(reference)).reporter.keyFingerprint).toBe(
      MEMBER_KEY_FINGERPRINT,
    );
  });
});
