import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeActor } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  countRows,
  followReceipt,
  followRefusal,
  formData,
  formFields,
  ORIGIN,
  postForm,
  tokenOf,
  unescapeHtml,
} from "../../../test/helpers/public.ts";
import { DEFAULT_SLA_POLICY } from "../../domain/sla.ts";

describe.each(DB_KINDS)("public pages on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let admin: Actor;
  let web: { id: string; name: string };
  let legacy: { id: string; name: string };

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    admin = await makeActor(t, "admin", "Ada");
    web = await t.services.assets.create(admin.id, {
      name: "Main website",
      identifier: "https://www.example.org",
      kind: "web",
      inScope: true,
      description: "The public site and its accounts area.",
    });
    await t.services.assets.create(admin.id, {
      name: "Package registry",
      identifier: "npm:example-lib",
      kind: "package",
      inScope: true,
    });
    legacy = await t.services.assets.create(admin.id, {
      name: "Legacy forum",
      identifier: "forum.example.org",
      kind: "web",
      inScope: false,
      description: "Third-party hosted; report to the vendor.",
    });
    await t.services.assets.create(admin.id, {
      name: "Retired API",
      identifier: "api-v0.example.org",
      kind: "api",
      inScope: true,
      active: false,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe("GET / (policy)", () => {
    it("shows the default policy, the SLA targets as promises, the safe harbor and a link to the form", async () => {
      const res = await app.request("/");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toContain("Example Project vulnerability disclosure policy");
      expect(html).toContain("We acknowledge reports within 1 business day.");
      expect(html).toContain("We assess (triage) reports within 5 business days");
      expect(html).toContain("at least every 14 days");
      expect(html).toContain("within 90 days of receiving the report");
      expect(html).toContain("We consider security research carried out in good faith");
      expect(html).toMatch(/<a class="button big" href="\/report">Report a vulnerability<\/a>/);
      expect(html).toContain("<strong>Please:</strong>"); // the policy's Markdown is rendered
      expect(html).not.toContain("mailto:"); // no security email configured yet
    });

    it("lists active in-scope and out-of-scope assets in separate lists, and hides retired ones", async () => {
      const html = await (await app.request("/")).text();
      const inScope = html.slice(html.indexOf('id="in-scope"'), html.indexOf("Out of scope"));
      const outOfScope = html.slice(html.indexOf('id="out-of-scope"'), html.indexOf('id="safe-harbor"'));
      expect(inScope).toContain("Main website");
      expect(inScope).toContain("https://www.example.org");
      expect(inScope).toContain("The public site and its accounts area.");
      expect(inScope).toContain("Package registry");
      expect(inScope).toContain("Package"); // kind label
      expect(inScope).not.toContain("Legacy forum");
      expect(outOfScope).toContain("Legacy forum");
      expect(outOfScope).toContain("forum.example.org");
      expect(outOfScope).not.toContain("Main website");
      expect(html).not.toContain("Retired API");
    });

    it("renders the organisation's settings, with hostile Markdown made inert and every value escaped", async () => {
      await t.services.settings.updateOrg(admin.id, {
        name: "Acme <b>Corp</b>",
        securityEmail: "security@acme.example",
        preferredLanguages: "en, de",
        policyMarkdown:
          "# Acme rules\n\nBe **nice**.\n\n<script>alert('policy')</script>\n\n[click](javascript:alert(1))\n\n<img src=x onerror=alert(2)>",
        safeHarborMarkdown: "We will *not* sue you. <iframe src=https://evil.example></iframe>",
      });
      await t.services.settings.updateSla(admin.id, {
        ...DEFAULT_SLA_POLICY,
        acknowledgeBusinessDays: 2,
        resolutionDays: 60,
      });
      try {
        const res = await app.request("/");
        const html = await res.text();
        expect(html).toContain("Acme &lt;b&gt;Corp&lt;/b&gt; vulnerability disclosure policy");
        expect(html).toContain("<h1>Acme rules</h1>");
        expect(html).toContain("<strong>nice</strong>");
        expect(html).toContain("<em>not</em>");
        expect(html).not.toMatch(/<script>alert/);
        expect(html).not.toMatch(/<img[^>]*onerror/);
        expect(html).not.toMatch(/<iframe/);
        expect(html).not.toMatch(/href="javascript:/i);
        expect(html).toContain('<a href="mailto:security@acme.example">security@acme.example</a>');
        expect(html).toContain("We acknowledge reports within 2 business days.");
        expect(html).toContain("within 60 days of receiving the report");
        // Every <script> on the page is one of ours, loaded from our origin (CSP script-src 'self').
        for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/static\//);
        expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
      } finally {
        await t.services.settings.updateSla(admin.id, DEFAULT_SLA_POLICY);
      }
    });

    it("has a hall of fame page with an empty state", async () => {
      const res = await app.request("/hall-of-fame");
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain("Credited researchers will be listed here");
      expect(html).toContain("No one is listed yet.");
    });
  });

  describe("security.txt", () => {
    const fieldValues = (body: string, name: string) =>
      body
        .split("\n")
        .filter((l) => l.startsWith(`${name}: `))
        .map((l) => l.slice(name.length + 2));

    it("serves RFC 9116 fields as UTF-8 plain text, with Expires computed from the clock", async () => {
      t.clock.set("2026-05-04T10:20:30.456Z");
      const res = await app.request("/.well-known/security.txt");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      const body = await res.text();
      expect(fieldValues(body, "Contact")).toContain("http://embargo.test/report");
      expect(fieldValues(body, "Policy")).toEqual(["http://embargo.test/"]);
      expect(fieldValues(body, "Acknowledgments")).toEqual(["http://embargo.test/hall-of-fame"]);
      expect(fieldValues(body, "Canonical")).toEqual(["http://embargo.test/.well-known/security.txt"]);
      expect(fieldValues(body, "Expires")).toEqual(["2026-10-31T10:20:30Z"]);
      const expires = new Date(fieldValues(body, "Expires")[0]!).getTime();
      expect(expires).toBeGreaterThan(t.clock().getTime());
      expect(expires).toBeLessThan(t.clock().getTime() + 365 * 24 * 3600 * 1000);
      // The file is cleartext-signed by default; every line of the signed text is a comment or a field.
      const signedText = body
        .split("\n\n-----BEGIN PGP SIGNATURE-----")[0]!
        .split(/^Hash: \S+\n\n/m)
        .at(-1)!;
      expect(body.startsWith("-----BEGIN PGP SIGNED MESSAGE-----\n")).toBe(true);
      for (const line of signedText.trimEnd().split("\n")) expect(line).toMatch(/^(#.*|[A-Za-z-]+: \S.*)$/);

      t.clock.advance(30 * 24 * 3600 * 1000);
      const later = await (await app.request("/.well-known/security.txt")).text();
      expect(fieldValues(later, "Expires")).toEqual(["2026-11-30T10:20:30Z"]);
    });

    it("adds mailto: and the preferred languages from the settings", async () => {
      const body = await (await app.request("/.well-known/security.txt")).text();
      expect(fieldValues(body, "Contact")).toEqual([
        "http://embargo.test/report",
        "mailto:security@acme.example",
      ]);
      expect(fieldValues(body, "Preferred-Languages")).toEqual(["en, de"]);
    });

    it("redirects /security.txt permanently to the well-known path", async () => {
      const res = await app.request("/security.txt");
      expect(res.status).toBe(301);
      expect(res.headers.get("location")).toBe("/.well-known/security.txt");
    });
  });

  describe("GET /report", () => {
    it("offers the in-scope assets and Other, names out-of-scope ones without offering them, and lists weaknesses", async () => {
      const res = await app.request("/report");
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toMatch(/<form method="post" action="\/report" enctype="multipart\/form-data"/);
      expect(html).toContain(`<option value="${web.id}">Main website (https://www.example.org)</option>`);
      expect(html).toContain('<option value="other">Other / not listed</option>');
      expect(html).not.toContain(`value="${legacy.id}"`);
      expect(html).toMatch(/Out of scope, so not listed: Legacy forum \(forum\.example\.org\)/);
      expect(html).toContain('<option value="CWE-89">CWE-89: SQL injection</option>');
      expect(html).toMatch(
        /<input type="radio" name="credit" value="anonymous" id="credit-anonymous" checked=""/,
      );
      expect(html).toMatch(
        /<input type="file" id="attachments" name="attachments" multiple="" accept="[^"]*\.txt[^"]*\.png/,
      );
      expect(html).toContain("Up to 5 files, 10 MB each and 25 MB in total.");
      for (const name of ["title", "description", "steps", "impact", "email", "name"])
        expect(html).toContain(`name="${name}"`);
    });
  });

  describe("POST /report", () => {
    it("redirects back (303) to a linked error summary, a message under every field and every typed value kept", async () => {
      const before = await countRows(t, "reports");
      const typed = {
        title: "<b>",
        asset: "",
        weakness: "CWE-0",
        description: 'too "short" & <i>',
        steps: "   ",
        impact: "",
        email: "not-an-email",
        name: "",
        credit: "name",
      };
      const res = await postForm(
        app,
        "/report",
        formData(typed, [{ filename: "payload.exe", content: "MZ" }]),
      );
      const { html } = await followRefusal(app, res);
      expect(html).toContain('class="form-errors"');
      for (const field of [
        "title",
        "asset",
        "weakness",
        "description",
        "steps",
        "impact",
        "email",
        "name",
        "attachments",
      ]) {
        expect(html, field).toMatch(new RegExp(`<a href="#${field}">`));
        expect(html, field).toContain(`id="${field}-error"`);
        expect(html, field).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
        expect(html, field).toMatch(new RegExp(`id="${field}"[^>]*aria-describedby="[^"]*${field}-error`));
      }
      expect(html).toContain("The title needs at least 5 characters.");
      expect(html).toContain("Enter a valid email address, or leave it empty.");
      expect(html).toContain("Enter the name or handle to credit, or choose anonymous.");
      expect(html).toContain("payload.exe: this file type is not accepted");
      expect(html).toContain("files are not kept when the form is shown again");
      // Typed values come back, escaped.
      expect(html).toContain('value="&lt;b&gt;"');
      expect(unescapeHtml(html)).toContain('too "short" & <i>');
      expect(html).not.toContain("<i></textarea>");
      expect(html).toContain('value="not-an-email"');
      expect(html).toMatch(/value="name" id="credit-name" checked=""/);
      expect(html).not.toMatch(/value="anonymous" id="credit-anonymous" checked=""/);
      expect(await countRows(t, "reports")).toBe(before);
    });

    it("refuses an unknown asset, keeping the other values", async () => {
      const res = await postForm(
        app,
        "/report",
        formData(formFields({ asset: "00000000-0000-4000-8000-000000000000" })),
      );
      const { html } = await followRefusal(app, res);
      expect(html).toContain("Choose one of the listed in-scope assets, or Other.");
      expect(html).toMatch(/<select id="asset"[^>]*aria-invalid="true"/);
      expect(html).toContain('value="Stored XSS in the comment preview"'); // other values kept
    });

    it("refuses an out-of-scope asset sent by a crafted form, together with the other errors", async () => {
      const admin = await t.services.team.createMember(null, {
        email: `scope-${kind}@example.org`,
        name: "Scope Admin",
        role: "admin",
      });
      const outside = await t.services.assets.create(admin.id, { name: "Partner site", inScope: false });
      const res = await postForm(app, "/report", formData(formFields({ asset: outside.id, title: "x" })));
      const { html } = await followRefusal(app, res);
      expect(html).toContain("Choose one of the listed in-scope assets, or Other.");
      expect(html).toMatch(
        /<input[^>]*id="title"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="title"/,
      );
    });

    it("accepts a valid report with attachments and shows the reference, the tracking link once and the deadline", async () => {
      t.clock.set("2026-03-02T09:00:00Z"); // a Monday
      const res = await postForm(
        app,
        "/report",
        formData(formFields({ asset: web.id, title: "Receipt check report" }), [
          { filename: "poc.txt", content: "proof of concept" },
        ]),
      );
      const receipt = await followReceipt(app, res);
      expect(receipt.page.headers.get("cache-control")).toBe("no-store");
      const html = receipt.html;
      const reference = receipt.reference;
      expect(reference).toBeDefined();
      const link = receipt.trackingUrl;
      expect(link).toMatch(/^http:\/\/embargo\.test\/r\/[A-Za-z0-9_-]{22}$/);
      expect(html).toContain("Save this link now.");
      expect(html).toContain("We will acknowledge your report by <strong>2026-03-03 09:00 UTC</strong>");
      expect(html).toContain("What happens next");

      // The link works and shows this report, with its attachment.
      const page = await app.request(new URL(link!).pathname);
      expect(page.status).toBe(200);
      const pageHtml = await page.text();
      expect(pageHtml).toContain("Receipt check report");
      expect(pageHtml).toContain(reference!);
      expect(pageHtml).toContain("Main website");
      expect(pageHtml).toContain("poc.txt");
      const view = await t.services.reports.reporterView(tokenOf(link!));
      expect(view?.attachments.map((a) => a.filename)).toEqual(["poc.txt"]);
    });

    it("ignores the empty part a browser sends for a file input left empty", async () => {
      const fd = formData(formFields({ title: "No files attached here" }));
      fd.append("attachments", new File([], ""));
      const res = await postForm(app, "/report", fd);
      const link = (await followReceipt(app, res)).trackingUrl!;
      const view = await t.services.reports.reporterView(tokenOf(link));
      expect(view?.title).toBe("No files attached here");
      expect(view?.attachments).toEqual([]);
    });

    it("refuses a form without an Origin, or from another site, and stores nothing", async () => {
      const before = await countRows(t, "reports");
      for (const origin of [null, "https://evil.example"]) {
        const res = await postForm(app, "/report", formData(formFields()), origin);
        expect(res.status).toBe(403);
        expect(await res.text()).toContain("sent from another site");
      }
      const urlencoded = new URLSearchParams(formFields());
      expect((await postForm(app, "/report", urlencoded, "https://evil.example")).status).toBe(403);
      expect(await countRows(t, "reports")).toBe(before);
      expect(ORIGIN).toBe("http://embargo.test");
    });
  });
});
