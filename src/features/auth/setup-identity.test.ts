import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import * as openpgp from "openpgp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  post,
  type Session,
  sessionCookie,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import { auditEvents } from "../../db/schema.ts";
import { offeredAddress } from "./auth.pages.tsx";

const PUBLIC = "http://localhost:8080";

/** The user IDs gpg itself reads from an armored public key: an independent check of what we publish. */
function gpgUserIds(armored: string): string[] {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-gpg-"));
  try {
    const out = execFileSync("gpg", ["--homedir", home, "--batch", "--with-colons", "--show-keys"], {
      input: armored,
      encoding: "utf8",
    });
    return out
      .split("\n")
      .filter((line) => line.startsWith("uid:"))
      .map((line) => line.split(":")[9]!);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Encrypts a text to an armored public key, as a researcher does with the published intake key. */
async function encryptTo(armored: string, text: string): Promise<string> {
  const key = await openpgp.readKey({ armoredKey: armored });
  return openpgp.encrypt({
    message: await openpgp.createMessage({ text }),
    encryptionKeys: key,
    format: "armored",
  }) as Promise<string>;
}

describe.each(DB_KINDS)("the security address at setup and in the settings, on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let admin: Session;
  let firstKeyArmored = "";

  beforeAll(async () => {
    t = await createTestDb(kind, { publicUrl: PUBLIC });
    app = appFor(t);
    // As at first start: the intake key exists before anyone has said what the address is.
    await t.services.keys.ensureIntakeKey();
    firstKeyArmored = (await t.services.keys.intakeKeys()).current.publicArmored;
  });
  afterAll(async () => {
    await t?.close();
  });

  const setupFields = (overrides: Record<string, string> = {}) => ({
    orgName: "Acme",
    securityEmail: "psirt@acme.example",
    email: "first@acme.example",
    name: "First Admin",
    password: "first-admin-password",
    passwordConfirm: "first-admin-password",
    ...overrides,
  });

  it("starts with a key for security@localhost, which setup does not offer as the address", async () => {
    expect((await t.services.keys.intakeKeys()).current.userIds).toEqual([
      "Example Project security <security@localhost>",
    ]);
    const link = await t.services.auth.createSetupLinkIfNeeded();
    const html = unescapeHtml(await (await get(app, `/setup/${link!.token}`)).text());
    expect(html).toContain('name="securityEmail" value=""');
    expect(html).toContain('name="orgName" value="Example Project"');
    expect(html).toContain("The intake key that researchers");
  });

  it("refuses a missing or wrong address or name at setup, and changes nothing", async () => {
    const link = await t.services.auth.createSetupLinkIfNeeded();
    const setup = `/setup/${link!.token}`;
    const cases: [Record<string, string>, string, string][] = [
      [{ securityEmail: "" }, "setup-security-email-error", "Enter the address reporters write to"],
      [
        { securityEmail: "not an address" },
        "setup-security-email-error",
        "Enter a valid email address, e.g. security@example.org.",
      ],
      [{ orgName: "  " }, "setup-org-name-error", "Enter the organisation name."],
    ];
    for (const [override, errorId, message] of cases) {
      const res = await post(app, setup, null, setupFields(override), { origin: PUBLIC });
      expect(res.status).toBe(303);
      const html = unescapeHtml(await (await follow(app, res, null)).text());
      expect(html).toContain(`id="${errorId}"`);
      expect(html).toContain(message);
      expect(html).toContain('value="first@acme.example"'); // what was typed stays
    }
    expect(await t.services.team.countActiveAdmins()).toBe(0);
    expect((await t.services.settings.org()).securityEmail).toBe("");
    expect((await t.services.keys.intakeKeys()).current.publicArmored).toBe(firstKeyArmored);
  });

  it("makes the intake key for the address given at setup, keeping the first key to decrypt", async () => {
    const link = await t.services.auth.createSetupLinkIfNeeded();
    const encryptedEarly = await encryptTo(firstKeyArmored, "sent before setup");
    const res = await post(app, `/setup/${link!.token}`, null, setupFields(), { origin: PUBLIC });
    expect(res.status).toBe(303);
    admin = { cookie: sessionCookie(res)!, csrf: "" };
    const page = await (await get(app, "/admin/settings", admin)).text();
    admin.csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;

    const org = await t.services.settings.org();
    expect(org).toMatchObject({ name: "Acme", securityEmail: "psirt@acme.example" });
    expect(await t.services.keys.intakeAddress()).toBe("psirt@acme.example");
    const keys = await t.services.keys.intakeKeys();
    expect(keys.current.userIds).toEqual(["Acme security <psirt@acme.example>"]);
    expect(gpgUserIds(keys.current.publicArmored)).toEqual(["Acme security <psirt@acme.example>"]);
    expect(keys.previous.map((k) => k.userIds)).toEqual([["Example Project security <security@localhost>"]]);
    // Anything a researcher encrypted to the first key before setup still opens.
    expect(await t.services.keys.decryptToIntake(encryptedEarly)).toBe("sent before setup");
    const published = await (await get(app, "/keys/intake.asc")).text();
    expect(published).toBe(keys.current.publicArmored);
    const rotated = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "keys.intake_rotated"));
    expect(rotated).toHaveLength(1);
    expect(rotated[0]!.data).toMatchObject({ reason: "security_address", address: "psirt@acme.example" });
    expect(page).toContain("Acme security &lt;psirt@acme.example&gt;");
    expect(page).not.toContain('id="intake-address-warning"');
  });

  const orgForm = async (overrides: Record<string, string | string[]>) => {
    const org = await t.services.settings.org();
    return post(
      app,
      "/admin/settings",
      admin,
      {
        name: org.name,
        securityEmail: org.securityEmail,
        preferredLanguages: org.preferredLanguages,
        ...overrides,
      },
      { origin: PUBLIC },
    );
  };

  it("changing the address without re-keying leaves the key and warns that it no longer matches", async () => {
    const before = (await t.services.keys.intakeKeys()).current.fingerprint;
    const res = await orgForm({ securityEmail: "security@acme.example", rekeyIntake: "false" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/settings?done=org");
    expect((await t.services.keys.intakeKeys()).current.fingerprint).toBe(before);
    const html = unescapeHtml(await (await get(app, "/admin/settings", admin)).text());
    expect(html).toContain('id="intake-address-warning"');
    expect(html).toContain("does not name the security address security@acme.example");
  });

  it("re-keys in the same save when asked, and only when the name or address changed", async () => {
    const before = await t.services.keys.intakeKeys();
    const res = await orgForm({ rekeyIntake: ["false", "true"] });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/settings?done=org-rekeyed");
    const after = await t.services.keys.intakeKeys();
    expect(after.current.fingerprint).not.toBe(before.current.fingerprint);
    expect(after.current.userIds).toEqual(["Acme security <security@acme.example>"]);
    expect(gpgUserIds(after.current.publicArmored)).toEqual(["Acme security <security@acme.example>"]);
    expect(after.previous[0]!.fingerprint).toBe(before.current.fingerprint);
    const done = unescapeHtml(await (await get(app, "/admin/settings?done=org-rekeyed", admin)).text());
    expect(done).toContain("a new intake key was made for the new name and address");
    expect(done).not.toContain('id="intake-address-warning"');

    // Saved again unchanged with the box still ticked: the key stays.
    const again = await orgForm({ rekeyIntake: ["false", "true"] });
    expect(again.headers.get("location")).toBe("/admin/settings?done=org");
    expect((await t.services.keys.intakeKeys()).current.fingerprint).toBe(after.current.fingerprint);
  });

  it("keeps the settings and the key as they were when the form is wrong", async () => {
    const before = await t.services.keys.intakeKeys();
    const res = await orgForm({ securityEmail: "nope", rekeyIntake: ["false", "true"] });
    expect(res.status).toBe(303);
    const html = unescapeHtml(await (await follow(app, res, admin)).text());
    expect(html).toContain("Enter a valid email address, or leave it empty.");
    expect(html).toContain('value="nope"');
    expect((await t.services.settings.org()).securityEmail).toBe("security@acme.example");
    expect((await t.services.keys.intakeKeys()).current.fingerprint).toBe(before.current.fingerprint);
  });
});

describe("the security address the setup form offers", () => {
  it("is the derived address only when its host is a mail domain", () => {
    expect(offeredAddress("security@example.org")).toBe("security@example.org");
    expect(offeredAddress("psirt@mail.acme.co.uk")).toBe("psirt@mail.acme.co.uk");
    for (const useless of [
      "security@localhost",
      "security@127.0.0.1",
      "security@[::1]",
      "security@intranet",
      "security@host.local1",
      "nothing",
    ]) {
      expect(offeredAddress(useless)).toBe("");
    }
  });
});
