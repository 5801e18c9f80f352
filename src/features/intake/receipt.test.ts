import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeActor } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import {
  type App,
  appFor,
  countRows,
  formData,
  formFields,
  postForm,
  tokenOf,
  trackingLinkOf,
} from "../../../test/helpers/public.ts";
import { intakeReceipts } from "../../db/schema.ts";

describe.each(DB_KINDS)("the form's receipt: after a redirect, shown once, sealed at rest, on %s", (kind) => {
  let t: TestDb;
  let app: App;

  const send = async (title: string, email = "receipt@example.net") => {
    const res = await postForm(app, "/report", formData(formFields({ title, email })));
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/report\/receipt\/[A-Za-z0-9_-]{22}$/);
    // The redirect itself carries nothing secret and nothing to render.
    expect(await res.text()).not.toMatch(/\/r\/[A-Za-z0-9_-]{22}/);
    return location;
  };
  const load = async (path: string) => {
    const res = await app.request(path);
    return { res, html: await res.text() };
  };
  const rows = () => t.services.db.select().from(intakeReceipts);

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    await raiseIntakeLimits(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("redirects 303 to a receipt that shows the tracking link once; a reload says it was shown and files nothing", async () => {
    t.clock.set("2026-03-02T09:00:00Z");
    const before = await countRows(t, "reports");
    const location = await send("Receipt shown once");
    expect(await countRows(t, "reports")).toBe(before + 1);

    const first = await load(location);
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get("cache-control")).toBe("no-store");
    expect(first.res.headers.get("x-robots-tag")).toMatch(/noindex/);
    const link = trackingLinkOf(first.html);
    expect(link).toMatch(/^http:\/\/embargo\.test\/r\/[A-Za-z0-9_-]{22}$/);
    expect(first.html).toContain('data-copy="tracking-url"');
    expect(first.html).toContain('<script src="/static/js/receipt.js" defer=""></script>');
    const view = await t.services.reports.reporterView(tokenOf(link!));
    expect(view?.title).toBe("Receipt shown once");

    for (let i = 0; i < 2; i++) {
      const again = await load(location);
      expect(again.res.status).toBe(410);
      expect(again.res.headers.get("cache-control")).toBe("no-store");
      expect(again.html).toContain("The tracking link was already shown");
      expect(again.html).toContain(view!.reference);
      expect(again.html).toContain("nothing was sent again");
      // This server sends no mail (the default here), so the page promises none and says what works instead.
      expect(again.html).not.toContain('href="/r/recover"');
      expect(again.html).toContain("this server does not send email at the moment");
      expect(again.html).toContain('<a href="/report">Send your report again</a>');
      expect(again.html).not.toContain(tokenOf(link!));
    }
    expect(await countRows(t, "reports")).toBe(before + 1);
  });

  it("offers a new link by email on the already-shown page only when this server sends mail", async () => {
    const location = await send("Receipt shown, then reloaded");
    await load(location);
    t.services.deps.smtpConfigured = true;
    try {
      const { res, html } = await load(location);
      expect(res.status).toBe(410);
      expect(html).toContain('<a href="/r/recover">ask for a new link by email</a>');
      expect(html).not.toContain('id="no-mail-link-help"');
    } finally {
      t.services.deps.smtpConfigured = false;
    }
    const org = await t.services.settings.org();
    const admin = await makeActor(t, "admin", "Ada");
    await t.services.settings.updateOrg(admin.id, { ...org, securityEmail: "security@acme.example" });
    try {
      const { html } = await load(location);
      expect(html).not.toContain("ask for a new link by email");
      expect(html).toContain('Write to <a href="mailto:security@acme.example">security@acme.example</a>');
    } finally {
      await t.services.settings.updateOrg(admin.id, org);
    }
  });

  it("keeps the link sealed under the data key until the view, and nothing of it afterwards", async () => {
    const location = await send("Receipt sealed at rest");
    const token = location.split("/").pop()!;
    const [row] = (await rows()).filter((r) => r.reference && r.shownAt === null && r.sealed !== null);
    expect(row).toBeDefined();
    // Neither the receipt's own token nor any tracking link is stored in plaintext.
    const dump = JSON.stringify(await rows());
    expect(dump).not.toContain(token);
    expect(dump).not.toContain("/r/");
    expect(row!.sealed).toMatch(/^v1\.[0-9a-f]{12}\./);
    expect(row!.expiresAt.getTime() - t.clock().getTime()).toBe(30 * 60 * 1000);

    const link = trackingLinkOf((await load(location)).html)!;
    const after = (await rows()).find((r) => r.tokenHash === row!.tokenHash)!;
    expect(after.sealed).toBeNull();
    expect(after.shownAt).not.toBeNull();
    expect(JSON.stringify(await rows())).not.toContain(tokenOf(link));
  });

  it("expires unseen after 30 minutes, clearing the sealed link, and says how to get a link back", async () => {
    t.clock.set("2026-03-02T10:00:00Z");
    const location = await send("Receipt left too long");
    t.clock.set("2026-03-02T10:30:00Z");
    const late = await load(location);
    expect(late.res.status).toBe(410);
    expect(late.html).toContain("This receipt has expired");
    expect(late.html).toContain("within 30 minutes");
    expect(late.html).toContain('<a href="/report">Send your report again</a>');
    expect(trackingLinkOf(late.html)).toBeUndefined();
    const hashes = (await rows()).filter((r) => r.reference && r.sealed === null && r.shownAt === null);
    expect(hashes.length).toBeGreaterThan(0);
    // Still expired, never shown, on a later load.
    expect((await load(location)).html).toContain("This receipt has expired");
  });

  it("clears expired links on the next submission even when nobody loads them, and forgets old receipts", async () => {
    t.clock.set("2026-03-03T09:00:00Z");
    await send("Receipt never opened");
    t.clock.set("2026-03-03T09:31:00Z");
    await send("Receipt that sweeps");
    const sealed = (await rows()).filter((r) => r.sealed !== null);
    expect(sealed).toHaveLength(1);
    t.clock.set("2026-03-11T09:00:00Z");
    await send("Receipt a week later");
    expect((await rows()).every((r) => r.expiresAt.getTime() > Date.parse("2026-03-04T09:00:00Z"))).toBe(
      true,
    );
  });

  it("answers an unknown or malformed receipt address with a 404 that still says how to get a link back", async () => {
    for (const path of [
      "/report/receipt/AAAAAAAAAAAAAAAAAAAAAA",
      "/report/receipt/not*a*token",
      "/report/receipt/x",
    ]) {
      const { res, html } = await load(path);
      expect(res.status).toBe(404);
      expect(html).toContain("Receipt not found");
      expect(html).toContain('<a href="/report">Send your report again</a>');
    }
  });

  it("keeps the JSON intake's answer as it was: the tracking link in the 201, no receipt page", async () => {
    const before = (await rows()).length;
    const res = await app.request("/api/v1/reports", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://embargo.test" },
      body: JSON.stringify(formFields({ title: "API has no receipt page" })),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { trackingUrl: string }).trackingUrl).toMatch(/\/r\/[A-Za-z0-9_-]{22}$/);
    expect((await rows()).length).toBe(before);
  });
});
