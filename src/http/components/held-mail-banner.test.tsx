import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { type App, appFor, get, type Session, signedInTeam } from "../../../test/helpers/http.ts";
import { countUnsent } from "../../features/outbox/outbox.repo.ts";
import { HELD_MAIL_CACHE_MS } from "../../features/outbox/outbox.service.ts";
import { HeldMailBanner } from "./held-mail-banner.tsx";

/** The banner's text on a page, or null when the page has none. */
function bannerOf(html: string): string | null {
  const match = /<div class="held-mail" role="status" id="held-mail">([\s\S]*?)<\/div>\s*<\/div>/.exec(html);
  return match
    ? match[1]!
        .replace(/<[^>]+>/g, "")
        .replace(/\s+/g, " ")
        .trim()
    : null;
}

describe("HeldMailBanner", () => {
  it("links admins to the outbox and tells the others who can read it", async () => {
    const notice = { reason: "no_smtp", waiting: "2 mails" } as const;
    const admin = String(await (<HeldMailBanner notice={notice} canOpenOutbox={true} />));
    expect(admin).toContain('<a href="/admin/outbox">Open the outbox</a>');
    expect(admin).toContain("Waiting in the outbox: 2 mails.");
    const responder = String(await (<HeldMailBanner notice={notice} canOpenOutbox={false} />));
    expect(responder).not.toContain("/admin/outbox");
    expect(responder).toContain("An admin can read them in the outbox.");
  });

  it("says that mail held before SMTP was set up was never sent", async () => {
    const html = String(
      await (
        <HeldMailBanner notice={{ reason: "held_before_smtp", waiting: "1 mail" }} canOpenOutbox={true} />
      ),
    );
    expect(html).toContain("Mail held before SMTP was set up was never sent");
    expect(html).toContain("1 mail");
  });
});

describe.each(DB_KINDS)("the held-mail banner and the http warning on team pages, on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let admin: Session;
  let alice: Session;
  let viewer: Session;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ admin, alice, viewer } = await signedInTeam(app, t));
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(() => {
    t.services.deps.smtpConfigured = false;
    t.services.deps.publicUrl = "http://embargo.test";
  });

  const banner = async (path: string, session: Session | null, headers: Record<string, string> = {}) =>
    bannerOf(await (await get(app, path, session, headers)).text());
  const setStatus = (status: string) =>
    t.database.db.execute(sql`update outbox set status = ${status} where status <> 'sent'`);

  it("without SMTP, shows every member the count of waiting mail, and only admins the outbox link", async () => {
    t.clock.advance(HELD_MAIL_CACHE_MS); // nothing from the sign-ins is reused
    const empty = await banner("/inbox", admin);
    expect(empty).toContain(
      "Mail is held. SMTP_URL is not set, so no mail to reporters or the team leaves this server.",
    );
    expect(empty).toContain("Waiting in the outbox: no mail.");

    // A report with an address queues its receipt mail: the banner counts it at once.
    await t.services.reports.submit(reportFields({ email: "banner@example.net" }), [], "web");
    const html = await (await get(app, "/inbox", admin)).text();
    expect(bannerOf(html)).toContain("Waiting in the outbox: 1 mail.");
    expect(html).toMatch(/id="held-mail">[\s\S]*<a href="\/admin\/outbox">Open the outbox<\/a>/);

    for (const member of [alice, viewer]) {
      const page = await (await get(app, "/inbox", member)).text();
      expect(bannerOf(page)).toContain("Waiting in the outbox: 1 mail.");
      expect(bannerOf(page)).toContain("An admin can read them in the outbox.");
      expect(page).not.toMatch(/id="held-mail">[\s\S]*href="\/admin\/outbox"[\s\S]*<main/);
    }
    // Every team page carries it, not only the inbox.
    expect(await banner("/admin/settings", admin)).toContain("Mail is held");
    expect(await banner("/account/tokens", alice)).toContain("Mail is held");
  });

  it("is not shown to visitors, to API clients or in htmx fragments", async () => {
    expect(await banner("/", null)).toBeNull();
    expect(await banner("/report", null)).toBeNull();
    expect(await banner("/inbox", admin, { "hx-request": "true" })).toBeNull();
    const api = await get(app, "/api/v1/reports", admin, { accept: "application/json" });
    expect(await api.text()).not.toContain("held-mail");
  });

  it("reuses a count for a few seconds, then counts again", async () => {
    t.clock.advance(HELD_MAIL_CACHE_MS);
    const before = await banner("/inbox", admin);
    // A row another process writes reaches this process's banner once the cached count expires.
    await t.database.db.execute(
      sql`insert into outbox (to_address, subject, body, status) values ('other@example.net', 'x', 'y', 'held')`,
    );
    t.clock.advance(1000);
    expect(await banner("/inbox", admin)).toBe(before);
    t.clock.advance(HELD_MAIL_CACHE_MS);
    const fresh = await banner("/inbox", admin);
    const n = (text: string | null) => Number(/outbox: (\d+) mails?\./.exec(text ?? "")?.[1]);
    expect(n(before)).toBeGreaterThanOrEqual(1);
    expect(n(fresh)).toBe(n(before) + 1);
  });

  it("with SMTP, disappears once nothing is held, and returns for mail held before SMTP was set up", async () => {
    t.services.deps.smtpConfigured = true;
    await setStatus("sent");
    t.clock.advance(HELD_MAIL_CACHE_MS);
    expect(await banner("/inbox", admin)).toBeNull();

    await t.database.db.execute(
      sql`insert into outbox (to_address, subject, body, status) values ('late@example.net', 'x', 'y', 'held')`,
    );
    t.clock.advance(HELD_MAIL_CACHE_MS);
    const text = await banner("/inbox", admin);
    expect(text).toContain("Mail held before SMTP was set up was never sent: 1 mail.");
  });

  it("counts at most the cap, so a huge outbox costs no more than a small one", async () => {
    for (const to of ["a@example.net", "b@example.net", "c@example.net"])
      await t.database.db.execute(
        sql`insert into outbox (to_address, subject, body, status) values (${to}, 'x', 'y', 'queued')`,
      );
    await setStatus("held");
    const all = await countUnsent(t.database.db, ["held"], 1_000);
    expect(all).toBeGreaterThanOrEqual(3);
    expect(await countUnsent(t.database.db, ["held"], 2)).toBe(2);
    expect(await countUnsent(t.database.db, ["queued"], 1_000)).toBe(0);
  });

  it("warns admins on the settings page while PUBLIC_URL is http, and not over https", async () => {
    const http = await (await get(app, "/admin/settings", admin)).text();
    expect(http).toMatch(/<div class="notice warn" role="note" id="security-txt-http">/);
    expect(http).toContain("security.txt is served without HTTPS.");
    expect(http).toContain("RFC 9116");
    t.services.deps.publicUrl = "https://security.example.org";
    const https = await (await get(app, "/admin/settings", admin)).text();
    expect(https).not.toContain("security-txt-http");
  });
});
