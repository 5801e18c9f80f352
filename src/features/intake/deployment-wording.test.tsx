import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { type App, appFor, formData, formFields, postForm } from "../../../test/helpers/public.ts";
import { ReceiptContent } from "./receipt.views.tsx";

const RECEIPT = {
  reference: "EMB-2026-0001",
  trackingUrl: "https://security.example.org/r/AAAAAAAAAAAAAAAAAAAAAA",
  acknowledgeBy: new Date("2026-03-03T09:00:00Z"),
};

const render = async (props: { emailed: boolean; mailSent: boolean }) =>
  String(await (<ReceiptContent {...RECEIPT} {...props} />));

describe("the receipt's sentence about mail", () => {
  it("promises the link by email only when an address was given and this server sends mail", async () => {
    const html = await render({ emailed: true, mailSent: true });
    expect(html).toContain("We are also sending it to the email address you gave.");
  });

  it("without SMTP, does not claim to send it, and says this page is the only copy", async () => {
    const html = await render({ emailed: true, mailSent: false });
    expect(html).not.toContain("We are also sending it");
    expect(html).toContain("This server does not send email at the moment");
    expect(html).toContain("this page is your only copy");
  });

  it("without an address, says the link cannot be sent, with or without SMTP", async () => {
    for (const mailSent of [true, false]) {
      const html = await render({ emailed: false, mailSent });
      expect(html).toContain("You gave no email address, so we cannot send it to you or recover it later.");
      expect(html).not.toContain("We are also sending it");
    }
  });
});

describe.each(DB_KINDS)("what the public pages say about mail and TLS, on %s", (kind) => {
  let t: TestDb;
  let app: App;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The receipt after a form post; followed if the post answers with a redirect to it. */
  const receiptFor = async (email: string) => {
    const res = await postForm(
      app,
      "/report",
      formData(formFields({ email, title: `Receipt wording ${email}` })),
    );
    const location = res.headers.get("location");
    const page = res.status === 303 && location ? await app.request(location) : res;
    expect(page.status).toBe(200);
    return page.text();
  };

  it("answers a report with the truth about mail: held without SMTP, sent with it", async () => {
    t.services.deps.smtpConfigured = false;
    const held = await receiptFor("held@example.net");
    expect(held).toContain("This server does not send email at the moment");
    expect(held).not.toContain("We are also sending it");
    // The mail is still written to the outbox for the admins, so nothing is lost.
    const waiting = (await t.services.outbox.list()).filter((m) => m.toAddress === "held@example.net");
    expect(waiting).toHaveLength(1);

    t.services.deps.smtpConfigured = true;
    try {
      const sent = await receiptFor("sent@example.net");
      expect(sent).toContain("We are also sending it to the email address you gave.");
    } finally {
      t.services.deps.smtpConfigured = false;
    }
  });

  it("on http, the form and the policy claim no TLS and say what does protect a report", async () => {
    const form = await (await app.request("/report")).text();
    expect(form).not.toContain("sent over TLS");
    expect(form).toMatch(
      /<p class="hint warn" id="encryption-note"[^>]*>\s*This site is not served over HTTPS/,
    );
    const policy = await (await app.request("/")).text();
    expect(policy).toContain('id="transport-warning"');
    expect(policy).toContain("This site is not served over HTTPS");
  });

  it("the policy offers new links by email only when this server sends mail", async () => {
    const held = await (await app.request("/")).text();
    expect(held).toMatch(/<li id="lost-link">[^<]*<a href="\/r\/recover">What you can do<\/a>/);
    expect(held).not.toContain("Get new links by email");
    t.services.deps.smtpConfigured = true;
    try {
      const sent = await (await app.request("/")).text();
      expect(sent).toContain('<a href="/r/recover">Get new links by email</a>');
    } finally {
      t.services.deps.smtpConfigured = false;
    }
  });

  it("on https, the form says the report goes over TLS and the policy adds no warning", async () => {
    const before = t.services.deps.publicUrl;
    t.services.deps.publicUrl = "https://security.example.org";
    try {
      const form = await (await app.request("/report")).text();
      expect(form).toContain("Your report is sent over TLS (HTTPS).");
      expect(form).not.toContain("not served over HTTPS");
      const policy = await (await app.request("/")).text();
      expect(policy).not.toContain('id="transport-warning"');
    } finally {
      t.services.deps.publicUrl = before;
    }
  });
});
