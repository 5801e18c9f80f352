import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Actor, makeActor, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { follow } from "../../../test/helpers/http.ts";
import {
  type App,
  appFor,
  countRows,
  formData,
  postForm,
  tokenOf,
  unescapeHtml,
} from "../../../test/helpers/public.ts";
import { randomToken } from "../../crypto/tokens.ts";
import { fillSealed } from "../../domain/sealed-secrets.ts";
import { formatDate } from "../../http/layout.tsx";

describe.each(DB_KINDS)("reporter tracking pages on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let alice: Actor;

  const submit = async (
    overrides: Record<string, unknown> = {},
    files: { filename: string; data: Buffer }[] = [],
  ) => {
    const result = await t.services.reports.submit(reportFields(overrides), files, "web");
    return {
      id: result.report.id,
      reference: result.report.reference,
      token: result.token,
      report: result.report,
    };
  };
  const page = async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, html: await res.text(), headers: res.headers };
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    alice = await makeActor(t, "responder", "Alice");
  });
  afterAll(async () => {
    await t?.close();
  });

  describe("GET /r/:token", () => {
    it("shows the state, deadlines, timeline, the report's content and a reply form, marked noindex and no-store", async () => {
      t.clock.set("2026-03-02T09:00:00Z");
      const r = await submit(
        { title: "Tracking page report", description: "Descr <b>bold</b> & the rest of it, long enough." },
        [{ filename: "poc.txt", data: Buffer.from("poc") }],
      );
      const { status, html, headers } = await page(`/r/${r.token}`);
      expect(status).toBe(200);
      expect(headers.get("x-robots-tag")).toMatch(/noindex/);
      expect(headers.get("cache-control")).toBe("no-store");
      expect(html).toContain("Tracking page report");
      expect(html).toContain(r.reference);
      expect(html).toMatch(/<span class="badge state state-new">New<\/span>/);
      expect(html).toContain("Descr &lt;b&gt;bold&lt;/b&gt; &amp; the rest of it");
      expect(html).toContain("CWE-79: Cross-site scripting (XSS)");
      expect(html).toContain("Session theft of any user who opens the preview.");
      expect(html).toContain("Acknowledge by");
      expect(html).toContain(formatDate(r.report.acknowledgeBy));
      expect(html).toContain(formatDate(r.report.triageBy));
      expect(html).toContain(formatDate(r.report.resolveBy));
      expect(html).toContain("Report received"); // timeline
      expect(html).toMatch(
        new RegExp(`<form method="post" action="/r/${r.token}/messages" enctype="multipart/form-data"`),
      );
      expect(html).toMatch(/href="\/r\/[^"]+\/attachments\/[0-9a-f-]{36}"[^>]*>poc\.txt</);
    });

    it("shows severity and acknowledgement once the team has acted", async () => {
      const r = await submit({ title: "Acted-on report" });
      await t.services.reports.act(alice, r.id, { action: "acknowledge" });
      await t.services.reports.act(alice, r.id, { action: "assign", assignee: alice.email });
      await t.services.reports.act(alice, r.id, { action: "start_triage" });
      await t.services.reports.act(alice, r.id, {
        action: "set_severity",
        owasp: "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9",
      });
      const { html } = await page(`/r/${r.token}`);
      expect(html).toMatch(/class="badge sev-(critical|high)"/);
      expect(html).toContain("Acknowledged");
      expect(html).not.toContain("Acknowledge by");
      expect(html).toContain("Acknowledged by the security team");
      expect(html).toContain("Being assessed");
      expect(html).toContain("Security team"); // the acknowledgement message
      expect(html).not.toContain(alice.name); // no team identities
      expect(html).not.toContain(alice.email);
    });

    it("never shows internal notes or their attachments, only reporter-visible messages", async () => {
      const r = await submit({ title: "Internal note report" });
      await t.services.reports.postMessage(
        alice,
        r.id,
        { body: "INTERNAL-SECRET-NOTE-4711 we think this is a dupe", visibility: "internal" },
        [{ filename: "internal.txt", data: Buffer.from("internal evidence") }],
      );
      await t.services.reports.postMessage(alice, r.id, {
        body: "Thanks, could you send the exact URL?",
        visibility: "reporter",
      });
      const { html } = await page(`/r/${r.token}`);
      expect(html).toContain("Thanks, could you send the exact URL?");
      expect(html).toContain("Security team");
      expect(html).not.toContain("INTERNAL-SECRET-NOTE-4711");
      expect(html).not.toContain("internal.txt");
      expect(html).not.toContain("Alice");
      const team = await t.services.reports.teamView(r.id);
      const internalFile = team.messages.find((m) => m.visibility === "internal")!.attachments[0]!;
      const download = await app.request(`/r/${r.token}/attachments/${internalFile.id}`);
      expect(download.status).toBe(404);
      expect(await download.text()).not.toContain("internal evidence");
    });

    it("does not let one report's link see another report's data or attachments", async () => {
      const a = await submit({ title: "Report A with secret title" }, [
        { filename: "a-secret.txt", data: Buffer.from("A's file") },
      ]);
      const b = await submit({ title: "Report B of someone else" });
      const bPage = await page(`/r/${b.token}`);
      expect(bPage.html).toContain("Report B of someone else");
      expect(bPage.html).not.toContain("Report A with secret title");
      expect(bPage.html).not.toContain("a-secret.txt");
      const aFile = (await t.services.reports.teamView(a.id)).attachments[0]!;
      const cross = await app.request(`/r/${b.token}/attachments/${aFile.id}`);
      expect(cross.status).toBe(404);
      expect(await cross.text()).not.toContain("A's file");
      const own = await app.request(`/r/${a.token}/attachments/${aFile.id}`);
      expect(own.status).toBe(200);
    });

    it("answers unknown and malformed tokens with the same 404 page", async () => {
      const r = await submit();
      const paths = [
        `/r/${randomToken(16)}`,
        "/r/short",
        "/r/not%20a%20token%3Cscript%3E",
        `/r/${"A".repeat(300)}`,
        `/r/${r.token.slice(0, -1)}${r.token.endsWith("A") ? "B" : "A"}`,
      ];
      const bodies = new Set<string>();
      for (const path of paths) {
        const res = await page(path);
        expect(res.status, path).toBe(404);
        expect(res.headers.get("x-robots-tag")).toMatch(/noindex/);
        bodies.add(res.html);
      }
      expect(bodies.size).toBe(1);
      const [body] = [...bodies];
      expect(body).toContain("There is nothing at this address.");
      expect(body).not.toContain(r.reference);
      // The attachment route and the reply route give the same page for a bad link.
      const attachment = await page(`/r/${randomToken(16)}/attachments/00000000-0000-4000-8000-000000000000`);
      expect(attachment.status).toBe(404);
      expect(attachment.html).toBe(body);
      const ownButUnknownFile = await page(`/r/${r.token}/attachments/00000000-0000-4000-8000-000000000000`);
      expect(ownButUnknownFile.html).toBe(body);
      const reply = await postForm(app, `/r/${randomToken(16)}/messages`, formData({ body: "hello?" }));
      expect(reply.status).toBe(404);
      expect(await reply.text()).toBe(body);
    });
  });

  describe("POST /r/:token/messages", () => {
    it("adds the reply with its attachment and redirects back to the conversation", async () => {
      const r = await submit({ title: "Reply report" });
      const res = await postForm(
        app,
        `/r/${r.token}/messages`,
        formData({ body: "Here is the exact URL: https://www.example.org/c/1" }, [
          { filename: "trace.har", content: '{"log":{}}' },
        ]),
      );
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(`/r/${r.token}#messages`);
      const { html } = await page(`/r/${r.token}`);
      expect(html).toContain("Here is the exact URL: https://www.example.org/c/1");
      expect(html).toMatch(/<li class="message mine"[^>]*>\s*<header>\s*<strong>You<\/strong>/);
      const id = /href="\/r\/[^"]+\/attachments\/([0-9a-f-]{36})"[^>]*>trace\.har</.exec(html)?.[1];
      expect(id).toBeDefined();
      const download = await app.request(`/r/${r.token}/attachments/${id}`);
      expect(download.status).toBe(200);
      expect(download.headers.get("content-type")).toBe("application/octet-stream");
      expect(download.headers.get("content-disposition")).toBe('attachment; filename="trace.har"');
      expect(download.headers.get("x-content-type-options")).toBe("nosniff");
      expect(download.headers.get("cache-control")).toBe("no-store");
      expect(await download.text()).toBe('{"log":{}}');
      const team = await t.services.reports.teamView(r.id);
      expect(team.messages.at(-1)).toMatchObject({
        authorType: "reporter",
        body: "Here is the exact URL: https://www.example.org/c/1",
      });
    });

    it("downloads a non-ASCII file name with an ASCII fallback and an RFC 5987 filename*", async () => {
      const r = await submit({}, [{ filename: "résumé «poc» 漏洞.txt", data: Buffer.from("x") }]);
      const file = (await t.services.reports.reporterView(r.token))!.attachments[0]!;
      const res = await app.request(`/r/${r.token}/attachments/${file.id}`);
      const disposition = res.headers.get("content-disposition")!;
      expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
      expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe(file.filename);
      expect(disposition).not.toMatch(/[^\x20-\x7e]/);
    });

    it("re-renders with 400 and the typed text kept when the reply is invalid, storing nothing", async () => {
      const r = await submit({ title: "Invalid reply report" });
      const before = await countRows(t, "messages");
      const empty = await postForm(app, `/r/${r.token}/messages`, formData({ body: "   " }));
      const emptyHtml = await (await follow(app, empty)).text();
      expect(emptyHtml).toContain("Write a message.");
      expect(emptyHtml).toMatch(
        /<textarea id="body"[^>]*aria-invalid="true"[^>]*aria-describedby="body-error"/,
      );
      expect(emptyHtml).toContain("Invalid reply report"); // still the full page

      const badFile = await postForm(
        app,
        `/r/${r.token}/messages`,
        formData({ body: "Keep <this> & that" }, [{ filename: "x.exe", content: "MZ" }]),
      );
      const html = await (await follow(app, badFile)).text();
      expect(html).toContain("x.exe: this file type is not accepted");
      expect(unescapeHtml(html)).toContain("Keep <this> & that</textarea>");
      expect(html).toContain("Files are not kept when the form is shown again");
      expect(await countRows(t, "messages")).toBe(before);
    });

    it("refuses a reply without our Origin", async () => {
      const r = await submit();
      for (const origin of [null, "https://evil.example"]) {
        const res = await postForm(app, `/r/${r.token}/messages`, formData({ body: "forged" }), origin);
        expect(res.status).toBe(403);
      }
      const view = await t.services.reports.reporterView(r.token);
      expect(view?.messages.some((m) => m.body === "forged")).toBe(false);
    });
  });

  describe("lost links: /r/recover", () => {
    const recoveryMails = async (to: string) =>
      (await t.services.outbox.list()).filter(
        (m) => m.toAddress === to && m.subject === "Your security report links",
      );
    // Recovery sends mail: these tests run as a server with SMTP; the last one without.
    beforeEach(() => {
      t.services.deps.smtpConfigured = true;
    });
    afterEach(() => {
      t.services.deps.smtpConfigured = false;
    });

    it("shows a form asking for the email address", async () => {
      const { status, html, headers } = await page("/r/recover");
      expect(status).toBe(200);
      expect(html).toMatch(/<form method="post" action="\/r\/recover">/);
      expect(html).toMatch(/<input type="email" id="email" name="email"/);
      expect(headers.get("x-robots-tag")).toMatch(/noindex/);
    });

    it("refuses an invalid address with a field error and the typed value", async () => {
      const res = await postForm(app, "/r/recover", formData({ email: "not an email" }));
      const html = await (await follow(app, res)).text();
      expect(html).toContain("Enter a valid email address.");
      expect(html).toMatch(
        /<input type="email" id="email" name="email" value="not an email"[^>]*aria-invalid="true"/,
      );
    });

    it("answers identically for known and unknown addresses, and mails new links only to the known one", async () => {
      const email = "recover-me@example.net";
      const one = await submit({ email, title: "First recoverable report" });
      const two = await submit({ email: "Recover-Me@Example.net", title: "Second recoverable report" });
      const other = await submit({ email: "someone-else@example.net" });

      const known = await postForm(app, "/r/recover", formData({ email: "  RECOVER-me@example.net " }));
      const unknown = await postForm(app, "/r/recover", formData({ email: "nobody-here@example.net" }));
      expect(known.status).toBe(303);
      expect(known.headers.get("location")).toBe("/r/recover/sent");
      expect(unknown.headers.get("location")).toBe("/r/recover/sent");
      const knownHtml = await (await follow(app, known)).text();
      expect(knownHtml).toBe(await (await follow(app, unknown)).text());
      expect(knownHtml).toContain("If we have reports for that address, we have sent new links");

      expect(await recoveryMails("nobody-here@example.net")).toEqual([]);
      const mails = await recoveryMails(email);
      expect(mails).toHaveLength(1);
      const body = mails[0]!.body;
      expect(body).toContain(one.reference);
      expect(body).toContain(two.reference);
      expect(body).not.toContain(other.reference);
      // The stored mail holds placeholders; the links are sealed beside it and go in only when it is sent.
      expect(body).not.toMatch(/\/r\/[A-Za-z0-9_-]{22}/);
      expect(body).toMatch(/EMB-\d{4}-\d{4}: \[private tracking link 2, sealed\]/);
      const sent = fillSealed(body, t.services.deps.cipher.decryptJson<string[]>(mails[0]!.secretsEnc!));

      // Each new link opens its own report; the old links still work.
      const links = [...sent.matchAll(/(EMB-\d{4}-\d{4}): (http:\/\/embargo\.test\/r\/[A-Za-z0-9_-]{22})/g)];
      expect(links).toHaveLength(2);
      for (const [, reference, url] of links) {
        expect(tokenOf(url!)).not.toBe(reference === one.reference ? one.token : two.token);
        const res = await page(new URL(url!).pathname);
        expect(res.status).toBe(200);
        expect(res.html).toContain(reference!);
      }
      expect((await page(`/r/${one.token}`)).status).toBe(200);

      const events = (await t.database.db.execute(
        sql`select report_id, actor_type from audit_events where action = 'report.links_recovered' order by seq`,
      )) as unknown as { rows: { report_id: string; actor_type: string }[] };
      expect(events.rows.map((e) => e.report_id).sort()).toEqual([one.id, two.id].sort());
      expect(events.rows.every((e) => e.actor_type === "reporter")).toBe(true);
      expect((await t.services.audit.verify()).ok).toBe(true);
    });

    it("refuses a recovery form posted from another site", async () => {
      const res = await postForm(
        app,
        "/r/recover",
        formData({ email: "recover-me@example.net" }),
        "https://evil.example",
      );
      expect(res.status).toBe(403);
    });

    it("without SMTP, says that no new link can be mailed instead of offering the form, and queues no mail", async () => {
      t.services.deps.smtpConfigured = false;
      const email = "no-smtp-recover@example.net";
      await submit({ email, title: "Report on a server without SMTP" });
      const shown = await page("/r/recover");
      expect(shown.status).toBe(200);
      expect(shown.html).toContain('id="recover-unavailable"');
      expect(shown.html).toContain("this server does not send email at the moment");
      expect(shown.html).not.toMatch(/<form method="post" action="\/r\/recover">/);

      // A post (an old tab, a script) sends nothing and returns to the page that says why.
      const posted = await postForm(app, "/r/recover", formData({ email }));
      expect(posted.status).toBe(303);
      expect(posted.headers.get("location")).toBe("/r/recover");
      const html = (await page("/r/recover")).html;
      expect(html).toContain("this server does not send email at the moment");
      expect(html).not.toContain("we have sent new links");
      expect(await recoveryMails(email)).toEqual([]);
    });
  });
});
