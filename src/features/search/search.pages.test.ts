import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  inboxReferences,
  post,
  signedInTeam,
} from "../../../test/helpers/http.ts";
import { can } from "../../domain/permissions.ts";

describe.each(DB_KINDS)("search and duplicates on the team pages on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let s: Awaited<ReturnType<typeof signedInTeam>>;
  let original: { id: string; reference: string };
  let duplicate: { id: string; reference: string };

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    s = await signedInTeam(app, t);
    original = (
      await t.services.reports.submit(
        reportFields({
          title: "Token leak in password reset",
          description:
            'The password reset page puts the <b>reset token</b> & "user id" in the Referer sent to analytics.',
          steps: "Request a reset, open the link, watch the Referer header sent to the analytics host.",
          name: "Pat Finder",
          credit: "name",
        }),
        [],
        "web",
      )
    ).report;
    t.clock.advance(3_600_000);
    duplicate = (
      await t.services.reports.submit(
        reportFields({
          title: "Password reset token leaks via Referer",
          description:
            "Reset token ends up in the Referer header that the reset page sends to the analytics host.",
          steps: "Open a password reset link and look at the Referer sent to the analytics host by the page.",
          credit: "anonymous",
        }),
        [],
        "web",
      )
    ).report;
    await t.services.reports.postMessage(s.team.alice, original.id, {
      body: "Internal: the analytics vendor is Quillmetrics; <script>alert(1)</script> in their SDK.",
      visibility: "internal",
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const inbox = async (session: typeof s.alice, q: string, extra = "") => {
    const res = await get(app, `/inbox?state=all&q=${encodeURIComponent(q)}${extra}`, session);
    return { status: res.status, html: await res.text() };
  };

  it("finds body text in the inbox and shows an escaped, highlighted snippet from the report", async () => {
    const { status, html } = await inbox(s.alice, "referer analytics");
    expect(status).toBe(200);
    expect(inboxReferences(html).sort()).toEqual([original.reference, duplicate.reference].sort());
    expect(html).toContain("In the report:");
    expect(html).toContain("<mark>Referer</mark>");
    expect(html).toContain("&lt;b&gt;reset token&lt;/b&gt; &amp; &quot;user id&quot;");
    expect(html).not.toContain("<b>reset token</b>");
  });

  it("finds internal notes for roles that may read them, and says the snippet is from an internal note", async () => {
    for (const session of [s.alice, s.viewer]) {
      const role = session === s.alice ? s.team.alice.role : s.team.viewer.role;
      const { html } = await inbox(session, "quillmetrics");
      if (can(role, "report.read_internal")) {
        expect(inboxReferences(html)).toEqual([original.reference]);
        expect(html).toContain("In an internal note:");
        expect(html).toContain("<mark>Quillmetrics</mark>");
        expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        expect(html).not.toContain("<script>alert(1)</script>");
      } else {
        expect(inboxReferences(html)).toEqual([]);
      }
    }
  });

  it("answers hostile queries with a normal page", async () => {
    for (const q of ["&|!():*", "'\"", "<script>", "referer & !analytics", "%00", "\\"]) {
      const { status, html } = await inbox(s.alice, q);
      expect(status).toBe(200);
      expect(html).not.toContain("<script>alert");
    }
    const { html } = await inbox(s.alice, "<script>x</script>");
    expect(html).toContain('value="&lt;script&gt;x&lt;/script&gt;"');
  });

  it("searches through the JSON API with the same access rules and snippets", async () => {
    const res = await app.request("/api/v1/reports?state=all&q=quillmetrics", {
      headers: { authorization: `Bearer ${s.team.alice.token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      items: { reference: string; snippet: { from: string; visibility: string; html: string } | null }[];
      total: number;
    };
    expect(body.total).toBe(1);
    expect(body.items[0]!.reference).toBe(original.reference);
    expect(body.items[0]!.snippet).toMatchObject({ from: "message", visibility: "internal" });
    expect(body.items[0]!.snippet!.html).toContain("<mark>Quillmetrics</mark>");
  });

  it("shows similar reports with scores on the report page and a link that fills the mark-duplicate form", async () => {
    const res = await get(app, `/reports/${duplicate.reference}`, s.alice);
    const html = await res.text();
    expect(html).toContain("Similar reports");
    const panel = html.slice(html.indexOf('id="similar"'));
    expect(panel).toContain(original.reference);
    expect(panel).toMatch(/\d{1,3}%/);
    const link = `/reports/${duplicate.reference}?duplicate_of=${original.reference}#action-mark_duplicate`;
    expect(html).toContain(`href="${link}"`);
    expect(html).toContain(`Possible duplicate of ${original.reference}`);

    const filled = await (await get(app, link.replace(/#.*/, ""), s.alice)).text();
    expect(filled).toMatch(/<details class="action" open="">\s*<summary>Mark as duplicate/);
    expect(filled).toContain(`id="duplicate-of" name="of" value="${original.reference}"`);

    // A viewer sees the panel but is offered no marking.
    const asViewer = await (await get(app, `/reports/${duplicate.reference}`, s.viewer)).text();
    expect(asViewer).toContain("Similar reports");
    expect(asViewer).not.toContain("?duplicate_of=");
  });

  it("links both ways after marking and shows who reported first on the original", async () => {
    const res = await post(app, `/reports/${duplicate.reference}/actions`, s.alice, {
      action: "mark_duplicate",
      of: original.reference,
      message: "Thanks; this was reported before.",
    });
    expect(res.status).toBe(303);
    const dupPage = await (await get(app, `/reports/${duplicate.reference}`, s.alice)).text();
    expect(dupPage).toContain(
      `Duplicate of <a href="/reports/${original.reference}">${original.reference}</a>`,
    );
    const origPage = await (await get(app, `/reports/${original.reference}`, s.alice)).text();
    expect(origPage).toContain("Duplicates of this report");
    expect(origPage).toContain(`href="/reports/${duplicate.reference}"`);
    expect(origPage).toMatch(/First reported by <strong>Pat Finder<\/strong> on [^<]+ \(this report\)\./);
    expect(origPage).toContain(`${duplicate.reference} was marked as a duplicate of this report.`);
  });

  it("refuses a loop with a message at the field", async () => {
    const res = await post(app, `/reports/${original.reference}/actions`, s.alice, {
      action: "mark_duplicate",
      of: duplicate.reference,
      message: "Loop attempt.",
    });
    expect(res.status).toBe(303);
    const html = await (await follow(app, res, s.alice)).text();
    expect(html).toContain(
      `${duplicate.reference} is already marked as a duplicate of ${original.reference}`,
    );
    expect(html).toContain(`value="${duplicate.reference}"`); // what was typed is kept
  });

  it("lets admins choose whether the original's reference is revealed, and rejects nonsense", async () => {
    const page = await (await get(app, "/admin/settings", s.admin)).text();
    expect(page).toContain('name="revealDuplicateReference" value="false" checked=""');
    const saved = await post(app, "/admin/settings", s.admin, { revealDuplicateReference: "true" });
    expect(saved.status).toBe(303);
    expect((await t.services.settings.org()).revealDuplicateReference).toBe("true");
    const bad = await post(app, "/admin/settings", s.admin, { revealDuplicateReference: "maybe" });
    expect(bad.status).toBe(303);
    expect(await (await follow(app, bad, s.admin)).text()).toContain("Choose whether to tell the reference.");
    expect((await t.services.settings.org()).revealDuplicateReference).toBe("true");
  });
});
