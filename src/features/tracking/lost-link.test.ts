import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeActor } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { type App, appFor } from "../../../test/helpers/public.ts";

/** What a reporter with a dead link is offered must be true for this deployment: mail only with SMTP. */
describe.each(DB_KINDS)("a lost or unknown tracking link, with and without mail, on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let adminId: string;

  const page = async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, html: await res.text() };
  };
  const setSecurityEmail = async (securityEmail: string) => {
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(adminId, { ...org, securityEmail });
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    adminId = (await makeActor(t, "admin", "Ada")).id;
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(async () => {
    t.services.deps.smtpConfigured = false;
    t.services.deps.imapMailbox = null;
    await setSecurityEmail("");
  });

  const UNKNOWN = "/r/AAAAAAAAAAAAAAAAAAAAAA";

  it("with SMTP, the not-found page offers new links by email", async () => {
    t.services.deps.smtpConfigured = true;
    const { status, html } = await page(UNKNOWN);
    expect(status).toBe(404);
    expect(html).toContain('<a href="/r/recover">Get new links by email</a>');
    expect(html).not.toContain('id="no-mail-link-help"');
  });

  it("without SMTP, the not-found page promises no mail and names the security address the policy shows", async () => {
    await setSecurityEmail("security@acme.example");
    const { status, html } = await page(UNKNOWN);
    expect(status).toBe(404);
    expect(html).toContain("There is nothing at this address.");
    expect(html).not.toContain("Get new links by email");
    expect(html).not.toContain('href="/r/recover"');
    expect(html).toContain("this server does not send email at the moment, so we cannot send you");
    expect(html).toContain('Write to <a href="mailto:security@acme.example">security@acme.example</a>');
    expect(html).toContain('<a href="/report">Send your report again</a>');
    // The policy page shows that same address.
    expect((await page("/")).html).toContain('<a href="mailto:security@acme.example">');
  });

  it("without SMTP or any address on the policy page, offers only sending the report again", async () => {
    const { html } = await page(UNKNOWN);
    expect(html).not.toContain("mailto:");
    expect(html).not.toContain("Write to");
    expect(html).toContain('<a href="/report">Send your report again</a>');
    expect((await page("/")).html).not.toContain("mailto:");
  });

  it("without SMTP but with the intake mailbox read, names the intake address, as the policy does", async () => {
    t.services.deps.imapMailbox = "imaps://intake@mail.embargo.test/INBOX";
    const { html } = await page(UNKNOWN);
    expect(html).toContain('Write to <a href="mailto:security@embargo.test">security@embargo.test</a>');
    expect((await page("/")).html).toContain('<a href="mailto:security@embargo.test">');
  });

  it("without SMTP, the lost-links page gives the same help instead of the form", async () => {
    await setSecurityEmail("security@acme.example");
    const { status, html } = await page("/r/recover");
    expect(status).toBe(200);
    expect(html).toContain('id="recover-unavailable"');
    expect(html).toContain('Write to <a href="mailto:security@acme.example">security@acme.example</a>');
    expect(html).toContain('<a href="/report">Send your report again</a>');
    expect(html).not.toContain("Send me new links");
  });
});
