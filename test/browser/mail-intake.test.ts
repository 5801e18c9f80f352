import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeActor } from "../helpers/actors.ts";
import {
  type LiveServer,
  launchChromium,
  screenshot,
  signInPage,
  startLiveServer,
} from "../helpers/browser.ts";
import { gpgEncryptedEntity, gpgSignedEntity, mailWith, mimeEntity } from "../helpers/mail.ts";
import { type Gpg, gpgKey, researcherGpg } from "../helpers/pgp.ts";

const RITA = "Rita Reporter <rita@researcher.test>";

/**
 * Mail that came in through the intake, as an admin sees it with JavaScript off: the inbox points at mail that
 * could not be imported, the Mail intake page says why and retries it, and the report shows how each mail
 * arrived (encryption, signature).
 */
describe("mail intake in Chromium without JavaScript", { timeout: 120_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let context: BrowserContext;
  let gpg: Gpg;
  let admin: { email: string; password: string };
  let reference = "";

  beforeAll(async () => {
    live = await startLiveServer("pglite");
    admin = await makeActor(live.t, "admin", "Ada");
    const researcher = await researcherGpg(live.t, RITA);
    gpg = researcher.gpg;
    const rita = researcher.own;
    const importRaw = (raw: string) => live.t.services.mailIntake.importMessage(Buffer.from(raw, "utf8"));
    const created = await importRaw(
      mailWith(
        { from: RITA, subject: "...", messageId: "b-enc@researcher.test" },
        gpgEncryptedEntity(
          gpg,
          `Subject: Path traversal in the backup download\r\n${mimeEntity(
            "GET /backup?file=../../etc/passwd returns the file.\n\nTested on 3.2.1 and 3.3.0.",
            [
              {
                filename: "rita.asc",
                contentType: "application/pgp-keys",
                data: Buffer.from(rita.publicArmored),
              },
            ],
          )}`,
          researcher.intakeFingerprint,
          rita.fingerprint,
        ),
      ),
    );
    if (created.outcome !== "created") throw new Error(JSON.stringify(created));
    reference = created.reference;
    await importRaw(
      mailWith(
        {
          from: RITA,
          to: `security+${reference}@127.0.0.1`,
          subject: "follow-up",
          messageId: "b-signed@researcher.test",
        },
        gpgSignedEntity(gpg, mimeEntity("Signed: 3.1 is not affected."), rita.fingerprint),
      ),
    );
    const other = gpgKey(gpg, "Other <other@elsewhere.test>");
    await importRaw(
      mailWith(
        {
          from: "sam@elsewhere.test",
          subject: "Encrypted to an old key",
          messageId: "b-undecryptable@elsewhere.test",
        },
        gpgEncryptedEntity(gpg, mimeEntity("secret"), other.fingerprint),
      ),
    );
    await importRaw(
      mailWith(
        { from: "mallory@evil.test", subject: `Re: ${reference}`, messageId: "b-mallory@evil.test" },
        mimeEntity("Please close this report."),
      ),
    );
    browser = await launchChromium();
    context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    gpg?.close();
    await live?.close();
  });

  it("leads from the inbox to the failures, retries one as a new report, and shows the mail facts on the report", async () => {
    const page = await signInPage(live, context, admin);
    expect(await page.locator("#mail-failures").textContent()).toContain(
      "2 mails to the security address could not be imported",
    );
    await page.click("#mail-failures a");
    await page.waitForURL(/\/admin\/mail/);
    expect(await page.locator("table.inbound").first().textContent()).toContain("Cannot decrypt");
    expect(await page.locator("table.inbound").first().textContent()).toContain("Sender is not the reporter");
    await screenshot(page, "mail-intake-admin");
    await page.getByRole("button", { name: "Import as new report" }).click();
    await page.waitForURL(/done=new_report/);
    expect(await page.locator("#done").textContent()).toContain("as a new report at the next poll");
    expect(await page.locator("table.inbound").first().textContent()).toContain("Retry at next poll");

    await page.goto(`${live.url}/reports/${reference}`);
    expect(await page.locator("#report .mail-facts").textContent()).toContain("Encrypted (PGP/MIME)");
    expect(await page.locator("#report .mail-facts").textContent()).toContain("Signature verified");
    expect((await page.locator("#description").textContent())?.trim()).toBe("The reporter's mail");
    expect(await page.locator("#conversation .mail-facts").textContent()).toContain(
      "the reporter's key on file",
    );
    expect(await page.locator("#conversation").textContent()).toContain("Signed: 3.1 is not affected.");
    await screenshot(page, "mail-intake-report");
  });

  it("offers the security address for reports once the mailbox is read, and the per-sender budget is an intake limit", async () => {
    live.t.services.deps.imapMailbox = "imap://intake@127.0.0.1:1143/INBOX";
    try {
      const page = await context.newPage();
      await page.goto(`${live.url}/`);
      expect(await page.locator("a[href^='mailto:']").first().textContent()).toContain("security@");
      await screenshot(page, "policy-with-mail-intake");
      // The context is still signed in as the admin from the test above.
      const admin = await context.newPage();
      await admin.goto(`${live.url}/admin/intake`);
      expect(await admin.locator("label[for=emailReportsPerHourPerSender]").textContent()).toContain(
        "New reports by email per hour per sender",
      );
      await screenshot(admin, "intake-limits-with-mail");
    } finally {
      live.t.services.deps.imapMailbox = null;
    }
  });
});
