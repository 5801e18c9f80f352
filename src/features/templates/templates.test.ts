import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import { auditEvents, cannedResponses, settings } from "../../db/schema.ts";
import { DEFAULT_TEMPLATES } from "./templates.data.ts";
import { TEMPLATES_SEEDED_KEY } from "./templates.service.ts";

describe.each(DB_KINDS)("canned responses on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let admin: Session;
  let alice: Session;
  let viewer: Session;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ team, admin, alice, viewer } = await signedInTeam(app, t));
    await t.services.templates.seedDefaults();
  });
  afterAll(async () => {
    await t?.close();
  });

  const db = () => t.database.db;
  const templateCount = async () => (await db().select().from(cannedResponses)).length;
  const events = async (action: string) =>
    db().select().from(auditEvents).where(eq(auditEvents.action, action));
  const byName = async (name: string) => {
    const [row] = await db().select().from(cannedResponses).where(eq(cannedResponses.name, name));
    return row;
  };
  const submit = async (overrides: Record<string, unknown> = {}) =>
    (await t.services.reports.submit(reportFields(overrides), [], "web")).report.reference;
  const textareaOf = (html: string, id: string) => {
    const match = new RegExp(`<textarea[^>]*id="${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
    if (!match) throw new Error(`No textarea #${id} on the page.`);
    return unescapeHtml(match[1]!);
  };
  const create = (session: Session, fields: Record<string, string>) =>
    post(app, "/admin/responses", session, { active: "true", intent: "save", ...fields });

  describe("seeding", () => {
    it("creates the defaults once: acknowledgement, needs-info, each rejection reason but spam, final feedback", async () => {
      const rows = await t.services.templates.list();
      expect(rows.map((r) => r.purpose).sort()).toEqual(DEFAULT_TEMPLATES.map((d) => d.purpose).sort());
      expect(rows.some((r) => r.purpose === "rejection:spam")).toBe(false);
      expect(await t.services.templates.seedDefaults()).toEqual({ seeded: 0 });
      expect(await templateCount()).toBe(DEFAULT_TEMPLATES.length);
      expect(await events("templates.seeded")).toHaveLength(1);
    });

    it("does not recreate templates that were deleted after seeding", async () => {
      const other = await createTestDb(kind);
      try {
        expect(await other.services.templates.seedDefaults()).toEqual({ seeded: DEFAULT_TEMPLATES.length });
        await other.database.db.delete(cannedResponses);
        expect(await other.services.templates.seedDefaults()).toEqual({ seeded: 0 });
        expect(await other.database.db.select().from(cannedResponses)).toHaveLength(0);
        const [mark] = await other.database.db
          .select()
          .from(settings)
          .where(eq(settings.key, TEMPLATES_SEEDED_KEY));
        expect(mark?.value).toMatchObject({ count: DEFAULT_TEMPLATES.length });
      } finally {
        await other.close();
      }
    });

    it("leaves an install that already has templates alone", async () => {
      const other = await createTestDb(kind);
      try {
        const ada = await other.services.team.createMember(null, {
          email: "ada@example.org",
          name: "Ada",
          role: "admin",
          password: "ada-password-long",
        });
        await other.services.templates.create(ada.id, { name: "Mine", purpose: "general", body: "Hi." });
        expect(await other.services.templates.seedDefaults()).toEqual({ seeded: 0 });
        expect((await other.services.templates.list()).map((r) => r.name)).toEqual(["Mine"]);
      } finally {
        await other.close();
      }
    });

    it("every default renders for a fresh report", async () => {
      const ref = await submit();
      for (const row of await t.services.templates.list({ activeOnly: true })) {
        const { result } = await t.services.templates.renderForReport(ref, row.id, { name: "Alice" });
        expect(result.ok, row.name).toBe(true);
      }
    });
  });

  describe("the admin page", () => {
    it("lists the templates with their purpose and is linked from the admin sections", async () => {
      const res = await get(app, "/admin/responses", admin);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('href="/admin/responses" aria-current="page"');
      expect(html).toContain("Rejection: Out of scope");
      expect(html).toContain("{{deadline.resolution}}");
      const team = await (await get(app, "/admin/team", admin)).text();
      expect(team).toContain('href="/admin/responses"');
    });

    it("adds a template and records it in the audit log", async () => {
      const res = await create(admin, {
        name: "Thanks for the update",
        purpose: "general",
        body: "Hello {{ reporter.name }},\n\nThanks for the update on {{report.reference}}.",
      });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toMatch(/^\/admin\/responses\?done=added#template-[0-9a-f-]{36}$/);
      const row = await byName("Thanks for the update");
      expect(row?.active).toBe(true);
      const [event] = (await events("template.created")).filter(
        (e) => (e.data as { templateId: string }).templateId === row?.id,
      );
      expect(event?.actorId).toBe(team.admin.id);
    });

    it("refuses an invalid template with each problem next to the text, keeps what was typed, stores nothing", async () => {
      const before = await templateCount();
      const auditBefore = (await db().select().from(auditEvents)).length;
      const body = 'Hi {{reporter.nam}},\n<b>"bold"</b> {{}}\n}} and {{report.reference';
      const res = await create(admin, { name: "Broken <one>", purpose: "needs_info", body });
      expect(res.status).toBe(303);
      const html = await (await follow(app, res, admin)).text();
      expect(html).toContain("<title>Error: Canned responses");
      expect(html).toContain("The text has 4 problems; nothing was saved:");
      expect(unescapeHtml(html)).toContain(
        'Unknown variable "reporter.nam" at line 1, column 4. Did you mean {{reporter.name}}?',
      );
      expect(unescapeHtml(html)).toContain('"{{}}" at line 2, column 15 is empty');
      expect(unescapeHtml(html)).toContain('"}}" at line 3, column 1 closes nothing');
      expect(unescapeHtml(html)).toContain('"{{" at line 3, column 8 is never closed');
      expect(textareaOf(html, "new-template-body")).toBe(body);
      expect(html).toContain('value="Broken &lt;one&gt;"');
      expect(html).toMatch(/<option value="needs_info" selected/);
      expect(html).not.toContain("<b>");
      expect(await templateCount()).toBe(before);
      expect((await db().select().from(auditEvents)).length).toBe(auditBefore);
    });

    it("names every other field problem in the same answer", async () => {
      const res = await create(admin, { name: "", purpose: "rejection:spam", body: "{{x}}" });
      expect(res.status).toBe(303);
      const html = unescapeHtml(await (await follow(app, res, admin)).text());
      expect(html).toContain("Enter a name.");
      expect(html).toContain("Choose what the template is for.");
      expect(html).toContain('Unknown variable "x" at line 1, column 1.');
    });

    it("refuses a second template with the same name, whatever the case", async () => {
      const before = await templateCount();
      const res = await create(admin, { name: "ACKNOWLEDGEMENT", purpose: "general", body: "Hi" });
      expect(res.status).toBe(303);
      expect(await (await follow(app, res, admin)).text()).toContain("Another canned response has this name");
      expect(await templateCount()).toBe(before);
    });

    it("previews against a sample report without storing anything", async () => {
      const before = await templateCount();
      const res = await post(app, "/admin/responses", admin, {
        name: "Preview only",
        purpose: "general",
        body: "Dear {{reporter.name}}, {{report.reference}} is due {{deadline.resolution}}. <script>x</script>",
        active: "true",
        intent: "preview",
      });
      expect(res.status).toBe(303);
      const html = await (await follow(app, res, admin)).text();
      expect(html).toMatch(
        /<pre class="template-preview">Dear Jane Researcher, EMB-2026-0042 is due \d{1,2} \w+ 2026\. &lt;script&gt;x&lt;\/script&gt;<\/pre>/,
      );
      expect(textareaOf(html, "new-template-body")).toContain("{{reporter.name}}");
      expect(await templateCount()).toBe(before);
      expect(await byName("Preview only")).toBeUndefined();
    });

    it("shows the problems instead of a preview for an invalid text", async () => {
      const res = await post(app, "/admin/responses", admin, {
        name: "x",
        purpose: "general",
        body: "{{nope}}",
        intent: "preview",
      });
      const html = unescapeHtml(await (await follow(app, res, admin)).text());
      expect(html).toContain('Unknown variable "nope" at line 1, column 1.');
      expect(html).not.toContain('class="template-preview"');
    });

    it("edits a template, lists the changed fields in the audit log, and refuses a broken edit", async () => {
      const row = (await byName("Need more information"))!;
      const page = await get(app, `/admin/responses/${row.id}`, admin);
      expect(page.status).toBe(200);
      expect(textareaOf(await page.text(), "template-body")).toBe(row.body);

      const saved = await post(app, `/admin/responses/${row.id}`, admin, {
        name: row.name,
        purpose: "needs_info",
        body: "Please send a proof of concept for {{report.reference}}.",
        active: "true",
        intent: "save",
      });
      expect(saved.status).toBe(303);
      const [event] = (await events("template.updated")).filter(
        (e) => (e.data as { templateId: string }).templateId === row.id,
      );
      expect((event!.data as { changed: string[] }).changed).toEqual(["body"]);

      const broken = await post(app, `/admin/responses/${row.id}`, admin, {
        name: row.name,
        purpose: "needs_info",
        body: "Please {{report.referense}}",
        active: "true",
        intent: "save",
      });
      expect(broken.status).toBe(303);
      const html = unescapeHtml(await (await follow(app, broken, admin)).text());
      expect(html).toContain(
        'Unknown variable "report.referense" at line 1, column 8. Did you mean {{report.reference}}?',
      );
      expect(html).toContain("Please {{report.referense}}</textarea>");
      expect((await byName(row.name))?.body).toBe("Please send a proof of concept for {{report.reference}}.");
    });

    it("deactivates and reactivates a template with an audit event each time", async () => {
      const row = (await byName("Rejection: informative"))!;
      const off = await post(app, `/admin/responses/${row.id}/active`, admin, { active: "false" });
      expect(off.status).toBe(303);
      expect((await byName(row.name))?.active).toBe(false);
      expect((await t.services.templates.list({ activeOnly: true })).some((r) => r.id === row.id)).toBe(
        false,
      );
      const on = await post(app, `/admin/responses/${row.id}/active`, admin, { active: "true" });
      expect(on.status).toBe(303);
      expect((await byName(row.name))?.active).toBe(true);
      expect(await events("template.deactivated")).toHaveLength(1);
      expect(await events("template.activated")).toHaveLength(1);
      // Not a form anyone types into: a tampered toggle is refused outright.
      const bad = await post(app, `/admin/responses/${row.id}/active`, admin, { active: "maybe" });
      expect(bad.status).toBe(400);
    });

    it("answers 404 for an unknown template", async () => {
      expect((await get(app, "/admin/responses/00000000-0000-4000-8000-000000000000", admin)).status).toBe(
        404,
      );
      expect((await get(app, "/admin/responses/not-an-id", admin)).status).toBe(404);
    });

    it("is for admins only: responders and viewers can neither read nor change templates", async () => {
      const before = await templateCount();
      for (const session of [alice, viewer]) {
        expect((await get(app, "/admin/responses", session)).status).toBe(403);
        const res = await create(session, { name: "Sneaky", purpose: "general", body: "Hi" });
        expect(res.status).toBe(403);
      }
      const row = (await byName("Final feedback"))!;
      expect((await post(app, `/admin/responses/${row.id}/active`, alice, { active: "false" })).status).toBe(
        403,
      );
      expect(
        (await post(app, `/admin/responses/${row.id}`, alice, { name: "x", purpose: "general", body: "y" }))
          .status,
      ).toBe(403);
      expect(await templateCount()).toBe(before);
      expect((await byName("Final feedback"))?.active).toBe(true);
      expect((await get(app, "/admin/responses")).status).toBe(303);
    });

    it("refuses a form without the CSRF token", async () => {
      const res = await post(
        app,
        "/admin/responses",
        admin,
        { name: "No token", purpose: "general", body: "x" },
        { csrf: null },
      );
      expect(res.status).toBe(403);
      expect(await byName("No token")).toBeUndefined();
    });
  });

  describe("the pickers on the report page", () => {
    it("offers each form its own templates plus the general ones", async () => {
      const ref = await submit();
      const html = await (await get(app, `/reports/${ref}`, alice)).text();
      for (const form of ["message", "acknowledge", "reject", "mark_duplicate"]) {
        expect(html, form).toContain(`id="${form}-picker"`);
      }
      const picker = (form: string) => new RegExp(`id="${form}-picker"[\\s\\S]*?</form>`).exec(html)![0];
      expect(picker("acknowledge")).toContain("Acknowledgement");
      expect(picker("acknowledge")).not.toContain("Rejection");
      expect(picker("reject")).toContain("Rejection: Out of scope");
      expect(picker("reject")).not.toContain("Rejection: Duplicate");
      expect(picker("mark_duplicate")).toContain("Rejection: Duplicate");
      expect(picker("reject")).toContain("Thanks for the update"); // general
      expect(picker("message")).toContain("Need more information");
      expect(html).toContain('<script src="/static/js/templates.js" defer=""></script>');
    });

    it("fills the reply form without JavaScript, ready to edit and send", async () => {
      const ref = await submit({ name: "Jane <Doe>", credit: "name", title: "{{org.name}} <b>leak</b>" });
      const row = (await byName("Need more information"))!;
      const res = await get(app, `/reports/${ref}?use=${row.id}&for=message`, alice);
      expect(res.status).toBe(200);
      const html = await res.text();
      const filled = textareaOf(html, "message-body");
      expect(filled).toBe(`Please send a proof of concept for ${ref}.`);
      expect(html).toMatch(/<input type="radio" name="visibility" value="reporter" checked/);
      expect(html).toContain("Filled in from “Need more information”");
      expect(html).toMatch(new RegExp(`<option value="${row.id}" selected`));

      const sent = await post(app, `/reports/${ref}/messages`, alice, {
        body: `${filled}\n\nThanks, Alice`,
        visibility: "reporter",
      });
      expect(sent.status).toBe(303);
      const view = await t.services.reports.teamView(ref);
      expect(view.messages.at(-1)?.body).toBe(`Please send a proof of concept for ${ref}.\n\nThanks, Alice`);
    });

    it("does not expand placeholders that come from the report itself", async () => {
      const ref = await submit({
        name: "{{org.name}}",
        credit: "handle",
        title: "{{report.reference}} <i>x</i>",
      });
      const template = await t.services.templates.create(team.admin.id, {
        name: "Title echo",
        purpose: "general",
        body: "Hi {{reporter.name}}: {{report.title}}",
      });
      const res = await get(app, `/reports/${ref}?use=${template.id}&for=message`, alice);
      const html = await res.text();
      expect(textareaOf(html, "message-body")).toBe("Hi {{org.name}}: {{report.reference}} <i>x</i>");
      expect(html).not.toContain("<i>x</i>");
    });

    it("fills the reject form and chooses the reason the template is for", async () => {
      const ref = await submit();
      const row = (await byName("Rejection: out of scope"))!;
      const html = await (await get(app, `/reports/${ref}?use=${row.id}&for=reject`, alice)).text();
      expect(textareaOf(html, "reject-message")).toContain("outside the scope of our disclosure policy");
      expect(textareaOf(html, "reject-message")).toContain("http://embargo.test/");
      expect(html).toMatch(/<option value="out_of_scope" selected/);
      expect(html).toMatch(/<details class="action" open=""><summary>Reject<\/summary>/);
    });

    it("shows why a template cannot be filled in here instead of a blank", async () => {
      const ref = await submit();
      const template = await t.services.templates.create(team.admin.id, {
        name: "Needs an assignee",
        purpose: "general",
        body: "Your Response Manager is {{assignee.name}}.",
      });
      const res = await get(app, `/reports/${ref}?use=${template.id}&for=message`, alice);
      expect(res.status).toBe(200);
      const html = unescapeHtml(await res.text());
      expect(html).toContain("“Needs an assignee” cannot be used here:");
      expect(html).toContain(
        "{{assignee.name}} at line 1, column 26 cannot be filled: the report has no Response Manager yet.",
      );
      expect(textareaOf(html, "message-body")).toBe("");

      const json = await get(app, `/reports/${ref}/templates/${template.id}/render?for=message`, alice, {
        accept: "application/json",
      });
      expect(json.status).toBe(200);
      expect(await json.json()).toMatchObject({
        ok: false,
        problems: [expect.stringContaining("no Response Manager")],
      });
    });

    it("explains an unknown or inactive template and an unknown form", async () => {
      const ref = await submit();
      const missing = await (await get(app, `/reports/${ref}?use=nope&for=message`, alice)).text();
      expect(missing).toContain("That canned response does not exist or is no longer active.");
      const row = (await byName("Final feedback"))!;
      const badForm = await (await get(app, `/reports/${ref}?use=${row.id}&for=frobnicate`, alice)).text();
      expect(badForm).toContain("that reply form does not exist");
      const inactive = await t.services.templates.create(team.admin.id, {
        name: "Retired",
        purpose: "general",
        body: "Old",
        active: false,
      });
      const html = await (await get(app, `/reports/${ref}?use=${inactive.id}&for=message`, alice)).text();
      expect(html).toContain("That canned response does not exist or is no longer active.");
      expect(html).not.toContain(">Retired<");
    });

    it("renders as JSON for the in-place picker", async () => {
      const ref = await submit();
      const row = (await byName("Rejection: not reproducible"))!;
      const res = await get(app, `/reports/${ref}/templates/${row.id}/render?for=reject`, alice, {
        accept: "application/json",
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const body = (await res.json()) as { ok: boolean; text: string; reason: string };
      expect(body).toMatchObject({ ok: true, reason: "not_reproducible" });
      expect(body.text).toContain(`Thank you for report ${ref}.`);
      const unknown = await get(
        app,
        `/reports/${ref}/templates/00000000-0000-4000-8000-000000000000/render`,
        alice,
        {
          accept: "application/json",
        },
      );
      expect(unknown.status).toBe(404);
    });

    it("gives viewers no picker and refuses them the render route", async () => {
      const ref = await submit();
      const html = await (await get(app, `/reports/${ref}`, viewer)).text();
      expect(html).not.toContain("template-picker");
      const row = (await byName("Final feedback"))!;
      const res = await get(app, `/reports/${ref}/templates/${row.id}/render`, viewer, {
        accept: "application/json",
      });
      expect(res.status).toBe(403);
    });

    it("offers the needs-info template in the request-information form and fills it", async () => {
      const ref = await submit();
      await post(app, `/reports/${ref}/actions`, alice, { action: "acknowledge", message: "Thanks." });
      const row = (await byName("Need more information"))!;
      const html = await (await get(app, `/reports/${ref}?use=${row.id}&for=request_info`, alice)).text();
      const picker = /id="request_info-picker"[\s\S]*?<\/form>/.exec(html)![0];
      expect(picker).toContain("Need more information");
      expect(picker).not.toContain("Final feedback");
      expect(textareaOf(html, "request-info-message")).toBe(`Please send a proof of concept for ${ref}.`);
      expect(html).toMatch(
        /<details class="action" open=""><summary>Ask the reporter for information<\/summary><form method="get"/,
      );
    });

    it("offers the final feedback template in the close form", async () => {
      const ref = await submit();
      await post(app, `/reports/${ref}/actions`, alice, {
        action: "reject",
        reason: "invalid",
        message: "Not a bug.",
      });
      const row = (await byName("Final feedback"))!;
      const html = await (await get(app, `/reports/${ref}?use=${row.id}&for=close`, alice)).text();
      expect(html).toContain('id="close-picker"');
      expect(textareaOf(html, "close-message")).toContain(`The issue you reported in ${ref}`);
    });
  });

  describe("the acknowledgement", () => {
    it("sends the active acknowledgement template, filled in, when the team writes no message", async () => {
      const ref = await submit({ name: "Jane", credit: "name" });
      const res = await post(app, `/reports/${ref}/actions`, alice, { action: "acknowledge" });
      expect(res.status).toBe(303);
      const view = await t.services.reports.teamView(ref);
      const ack = view.messages.find((m) => m.kind === "acknowledgement")!;
      expect(ack.body).toMatch(new RegExp(`^Hello Jane,\\n\\nThank you for your report ${ref}, "Stored XSS`));
      expect(ack.body).not.toContain("{{");
      const [event] = await db()
        .select()
        .from(auditEvents)
        .where(sql`${auditEvents.action} = 'report.acknowledge' and ${auditEvents.reportId} = ${view.id}`);
      expect(
        (event!.data as { acknowledgementTemplate: { name: string } }).acknowledgementTemplate.name,
      ).toBe("Acknowledgement");
    });

    it("falls back to the built-in text when the template cannot render, and records why", async () => {
      const row = (await byName("Acknowledgement"))!;
      await t.services.templates.update(team.admin.id, row.id, {
        name: row.name,
        purpose: "acknowledgement",
        body: "Hi, {{assignee.name}} will handle {{report.reference}}.",
        active: true,
      });
      const ref = await submit();
      await post(app, `/reports/${ref}/actions`, alice, { action: "acknowledge" });
      const view = await t.services.reports.teamView(ref);
      const ack = view.messages.find((m) => m.kind === "acknowledgement")!;
      expect(ack.body).toContain(`Thank you for your report ${ref}. We have received it`);
      const [event] = await db()
        .select()
        .from(auditEvents)
        .where(sql`${auditEvents.action} = 'report.acknowledge' and ${auditEvents.reportId} = ${view.id}`);
      const fallback = (
        event!.data as { acknowledgementFallback: { reason: string; template: { id: string } } }
      ).acknowledgementFallback;
      expect(fallback.template.id).toBe(row.id);
      expect(fallback.reason).toContain("no Response Manager yet");
    });

    it("sends the team's own message when there is one", async () => {
      const ref = await submit();
      await post(app, `/reports/${ref}/actions`, alice, {
        action: "acknowledge",
        message: "Got it, thanks.",
      });
      const view = await t.services.reports.teamView(ref);
      expect(view.messages.find((m) => m.kind === "acknowledgement")?.body).toBe("Got it, thanks.");
    });

    it("uses the built-in text when no acknowledgement template is active", async () => {
      const row = (await byName("Acknowledgement"))!;
      await t.services.templates.setActive(team.admin.id, row.id, false);
      const ref = await submit();
      await post(app, `/reports/${ref}/actions`, alice, { action: "acknowledge" });
      const view = await t.services.reports.teamView(ref);
      expect(view.messages.find((m) => m.kind === "acknowledgement")?.body).toContain(
        `Thank you for your report ${ref}. We have received it`,
      );
    });
  });
});
