import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  get,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import { gpgEncryptedEntity, gpgSignedEntity, mailWith, mimeEntity } from "../../../test/helpers/mail.ts";
import { type Gpg, gpgKey, makeGpg, researcherGpg } from "../../../test/helpers/pgp.ts";
import { outbox, reports } from "../../db/schema.ts";

const RITA = "Rita Reporter <rita@researcher.test>";

describe.each(DB_KINDS)("mail intake pages on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let admin: Session;
  let alice: Session;
  let viewer: Session;
  let gpg: Gpg;
  let rita: { fingerprint: string; publicArmored: string };
  let reference: string;

  const importRaw = (raw: string) => t.services.mailIntake.importMessage(Buffer.from(raw, "utf8"));

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ admin, alice, viewer } = await signedInTeam(app, t));
    let intakeFingerprint: string;
    ({ gpg, intakeFingerprint, own: rita } = await researcherGpg(t, RITA));
    const created = await importRaw(
      mailWith(
        {
          from: RITA,
          subject: "Encrypted: RCE through the image resizer",
          messageId: "page-enc@researcher.test",
        },
        gpgEncryptedEntity(
          gpg,
          mimeEntity("ImageMagick delegates are reachable through the resize endpoint.", [
            {
              filename: "rita.asc",
              contentType: "application/pgp-keys",
              data: Buffer.from(rita.publicArmored),
            },
          ]),
          intakeFingerprint,
          rita.fingerprint,
        ),
      ),
    );
    if (created.outcome !== "created") throw new Error(JSON.stringify(created));
    reference = created.reference;
    await importRaw(
      mailWith(
        { from: RITA, subject: `Re: ${reference}`, messageId: "page-signed@researcher.test" },
        gpgSignedEntity(
          gpg,
          mimeEntity("Signed follow-up with the affected versions: 4.0 to 4.2."),
          rita.fingerprint,
        ),
      ),
    );
    await importRaw(
      mailWith(
        { from: "mallory@evil.test", subject: `Re: ${reference}`, messageId: "page-mallory@evil.test" },
        mimeEntity("Close this, it is nothing."),
      ),
    );
  }, 60_000);
  afterAll(async () => {
    gpg?.close();
    await t?.close();
  });

  it("shows on the report how the mail and each reply arrived", async () => {
    const html = unescapeHtml(await (await get(app, `/reports/${reference}`, alice)).text());
    expect(html).toContain("By email from rita@researcher.test");
    expect(html).toContain("Encrypted (PGP/MIME)");
    expect(html).toContain("The reporter's mail");
    expect(html).not.toContain('id="steps"');
    // The first mail's signature was checked with the key it carried; the reply with the key now on file.
    expect(html).toContain("a key sent with this mail, first seen here");
    expect(html).toContain("the reporter's key on file");
    expect(html).toContain("Signed follow-up with the affected versions");
    expect(html).not.toContain("Close this, it is nothing.");
  });

  it("lists failed mail for admins with the reason, and retries it as a new report on request", async () => {
    const res = await get(app, "/admin/mail", admin);
    expect(res.status).toBe(200);
    const html = unescapeHtml(await res.text());
    expect(html).toContain("IMAP_URL is not set");
    expect(html).toContain("Sender is not the reporter");
    expect(html).toContain("mallory@evil.test");
    expect(html).toContain("Message-ID <page-mallory@evil.test>");
    expect(html).toContain("Import as new report");
    // The inbox tells admins that something waits for them, and responders are not admins.
    expect(await (await get(app, "/inbox", admin)).text()).toContain('id="mail-failures"');
    expect(await (await get(app, "/inbox", alice)).text()).not.toContain('id="mail-failures"');
    expect((await get(app, "/admin/mail", alice)).status).toBe(403);

    const [failure] = await t.services.mailIntake.failures();
    expect((await post(app, `/admin/mail/${failure!.id}/retry`, alice, { as: "new_report" })).status).toBe(
      403,
    );
    expect(
      (await post(app, `/admin/mail/${failure!.id}/retry`, admin, { as: "new_report" }, { csrf: "wrong" }))
        .status,
    ).toBe(403);
    const retried = await post(app, `/admin/mail/${failure!.id}/retry`, admin, { as: "new_report" });
    expect(retried.status).toBe(303);
    expect(retried.headers.get("location")).toBe("/admin/mail?done=new_report#failures");
    const after = unescapeHtml(await (await get(app, "/admin/mail?done=new_report", admin)).text());
    expect(after).toContain("imported as a new report at the next poll");
    expect(after).toContain("Retry at next poll");
    // Retrying something that is not a failed mail is a clear 404, not a crash.
    expect((await post(app, `/admin/mail/${failure!.id}/retry`, admin, { as: "same" })).status).toBe(404);
    expect((await post(app, "/admin/mail/not-a-uuid/retry", admin, { as: "same" })).status).toBe(404);

    const again = await t.services.mailIntake.importMessage(
      Buffer.from(
        mailWith(
          { from: "mallory@evil.test", subject: `Re: ${reference}`, messageId: "page-mallory@evil.test" },
          mimeEntity("Close this, it is nothing."),
        ),
      ),
    );
    expect(again.outcome).toBe("created");
    const recent = unescapeHtml(await (await get(app, "/admin/mail", admin)).text());
    expect(recent).toContain("Every mail seen so far was imported.");
    expect(recent).toContain("New report");
  });

  it("advertises the security address on the policy page and in security.txt once the mailbox is read", async () => {
    expect(await (await get(app, "/")).text()).not.toContain("mailto:");
    t.services.deps.imapMailbox = "imap://intake@127.0.0.1:1143/INBOX";
    try {
      expect(await (await get(app, "/")).text()).toContain('href="mailto:security@embargo.test"');
      expect(await (await get(app, "/.well-known/security.txt")).text()).toContain(
        "Contact: mailto:security@embargo.test",
      );
      const page = unescapeHtml(await (await get(app, "/admin/mail", admin)).text());
      expect(page).toContain(
        "Mail to the security address is read from <code>imap://intake@127.0.0.1:1143/INBOX</code>",
      );
      expect(page).not.toContain("IMAP_URL is not set");
    } finally {
      t.services.deps.imapMailbox = null;
    }
  });

  it("dismisses a failed mail with a form post, after which it is neither listed nor counted", async () => {
    await t.services.mailIntake.importMessage(
      Buffer.from(
        mailWith(
          {
            from: "MAILER-DAEMON@mx.example.net",
            subject: "Undelivered Mail Returned to Sender",
            messageId: "page-bounce@mx",
          },
          mimeEntity("This is the mail system at host mx.example.net."),
        ),
      ),
    );
    const html = unescapeHtml(await (await get(app, "/admin/mail", admin)).text());
    expect(html).toContain("Automatic mail");
    expect(html).toContain("Import anyway");
    const row = (await t.services.mailIntake.failures()).find((f) => f.messageId === "page-bounce@mx")!;
    expect((await post(app, `/admin/mail/${row.id}/dismiss`, alice, {})).status).toBe(403);
    const res = await post(app, `/admin/mail/${row.id}/dismiss`, admin, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/mail?done=dismissed#failures");
    const after = unescapeHtml(await (await get(app, "/admin/mail?done=dismissed", admin)).text());
    expect(after).toContain("The mail was dismissed.");
    expect(after).not.toContain("Undelivered Mail Returned to Sender");
    expect((await post(app, `/admin/mail/${row.id}/dismiss`, admin, {})).status).toBe(404);
  });

  it("shows an unverified reply on the report and in /admin/mail; a responder accepts or dismisses it with a form, a viewer cannot", async () => {
    const forge = (id: string, text: string) =>
      importRaw(mailWith({ from: RITA, subject: `Re: ${reference}`, messageId: id }, mimeEntity(text)));
    expect(
      await forge("page-held-1@evil.test", "Unsigned: please mail the details to rita@evil.test"),
    ).toMatchObject({
      outcome: "held",
    });
    await forge("page-held-2@evil.test", "Unsigned second note.");
    const page = unescapeHtml(await (await get(app, `/reports/${reference}`, alice)).text());
    expect(page).toContain("Unverified reply");
    expect(page).toContain("Not signed.");
    expect(page).toContain("please mail the details to rita@evil.test");
    const admins = unescapeHtml(await (await get(app, "/admin/mail", admin)).text());
    expect(admins).toContain("Unverified replies");
    expect(admins).toContain(`Re: ${reference}`);
    expect(admins).toContain("Not signed.");

    const [first, second] = (
      await t.services.mailIntake.toConfirm((await t.services.reports.teamView(reference)).id)
    ).held;
    const accept = `/reports/${reference}/mail/${first!.id}/accept`;
    // The viewer's page has no forms; posting anyway is refused.
    const viewerPage = unescapeHtml(await (await get(app, `/reports/${reference}`, viewer)).text());
    expect(viewerPage).toContain("Unverified reply");
    expect(viewerPage).not.toContain(accept);
    expect((await post(app, accept, viewer, {})).status).toBe(403);
    // Without the CSRF field, or with a wrong one, nothing happens.
    expect((await post(app, accept, alice, {}, { csrf: null })).status).toBe(403);
    expect((await post(app, accept, alice, {}, { csrf: "x".repeat(32) })).status).toBe(403);
    expect(page).toContain(accept);
    // A URL naming another report than the mail's is refused, and the mail stays held.
    const { report: other } = await t.services.reports.submit(
      reportFields({ title: "Another report for the URL check" }),
      [],
      "api",
    );
    expect((await post(app, `/reports/${other.reference}/mail/${first!.id}/accept`, alice, {})).status).toBe(
      404,
    );
    expect(
      (await t.services.mailIntake.toConfirm((await t.services.reports.teamView(reference)).id)).held,
    ).toHaveLength(2);
    const res = await post(app, accept, alice, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/reports/${reference}?done=mail_accepted#conversation`);
    const dismissed = await post(app, `/reports/${reference}/mail/${second!.id}/dismiss`, alice, {});
    expect(dismissed.status).toBe(303);
    const after = unescapeHtml(
      await (await get(app, `/reports/${reference}?done=mail_accepted`, alice)).text(),
    );
    expect(after).toContain("The held reply is now the reporter's message.");
    expect(after).not.toContain("Unverified reply");
    expect(after).toContain("please mail the details to rita@evil.test");
    expect(after).not.toContain("Unsigned second note.");
    expect((await post(app, accept, alice, {})).status).toBe(404);
  });

  it("shows a key that came with a reply as pending; a responder confirms it with a form, a viewer cannot", async () => {
    const view = await t.services.reports.teamView(reference);
    const [ack] = await t.database.db.select().from(outbox).where(eq(outbox.reportId, view.id));
    const laptop = makeGpg();
    const newKey = gpgKey(laptop, RITA);
    laptop.close();
    const reply = await importRaw(
      mailWith(
        {
          from: RITA,
          subject: "Re: new key",
          messageId: "page-newkey@researcher.test",
          inReplyTo: `${ack!.id}@embargo.test`,
        },
        mimeEntity("My new key is attached.", [
          {
            filename: "new.asc",
            contentType: "application/pgp-keys",
            data: Buffer.from(newKey.publicArmored),
          },
        ]),
      ),
    );
    expect(reply).toMatchObject({ outcome: "appended", threadedBy: "message-id" });
    const [pending] = (await t.services.mailIntake.toConfirm(view.id)).keys;
    const confirm = `/reports/${reference}/mail/${pending!.id}/key/accept`;
    const page = unescapeHtml(await (await get(app, `/reports/${reference}`, alice)).text());
    expect(page).toContain("New key for the reporter");
    expect(page).toContain(confirm);
    expect((await post(app, confirm, viewer, {})).status).toBe(403);
    expect((await post(app, confirm, alice, {}, { csrf: null })).status).toBe(403);
    const reporterKey = async () => {
      const [row] = await t.database.db.select().from(reports).where(eq(reports.id, view.id));
      return (await t.services.keys.reporterKey(row!.reporterId))?.fingerprint;
    };
    expect(await reporterKey()).toBe(rita.fingerprint);
    const res = await post(app, confirm, alice, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/reports/${reference}?done=key_confirmed#conversation`);
    expect(await reporterKey()).toBe(newKey.fingerprint);
    const after = unescapeHtml(
      await (await get(app, `/reports/${reference}?done=key_confirmed`, alice)).text(),
    );
    expect(after).toContain("The key is now the reporter's");
    expect(after).not.toContain("New key for the reporter");
  });
});
