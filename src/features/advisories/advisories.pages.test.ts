import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CVSS, confirmedReportWithCvss } from "../../../test/helpers/advisory-drafts.ts";
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
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { advisories } from "../../db/schema.ts";

/** The editor's fields for a valid advisory covering `ref`. */
function editorFields(ref: string, overrides: Record<string, string> = {}) {
  return {
    reports: ref,
    title: "Stored XSS in the comment preview",
    summary: "The comment preview renders HTML from comments without escaping it.",
    details: "A comment's preview runs **script** in a reader's session.",
    cvss: CVSS,
    cwe: "CWE-79",
    "affected.0.product": "Acme Forum",
    "affected.0.package.ecosystem": "npm",
    "affected.0.package.name": "acme-forum",
    "affected.0.ranges.0.introduced": "1.0.0",
    "affected.0.ranges.0.fixed": "1.4.2",
    "references.0.type": "WEB",
    "references.0.url": "https://acme.example/security",
    "teamCredits.0.name": "",
    "teamCredits.0.role": "analyst",
    solution: "Upgrade to 1.4.2.",
    intent: "save",
    ...overrides,
  };
}

describe.each(DB_KINDS)("advisory pages on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let alice: Session;
  let bob: Session;
  let viewer: Session;
  let report: { id: string; ref: string; token: string };
  let advisoryId: string;

  const count = async () => (await t.database.db.select().from(advisories)).length;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    const team = await signedInTeam(app, t);
    ({ alice, bob, viewer } = team);
    await raiseIntakeLimits(t);
    report = await confirmedReportWithCvss(t, team.team.alice);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it("links a confirmed report to a new advisory prefilled with its title, CVSS and CWE", async () => {
    const page = await (await get(app, `/reports/${report.ref}`, alice)).text();
    expect(page).toContain(`/manage/advisories/new?report=${report.ref}`);
    const html = unescapeHtml(
      await (await get(app, `/manage/advisories/new?report=${report.ref}`, alice)).text(),
    );
    expect(html).toContain(`value="${report.ref}"`);
    expect(html).toContain(`value="Stored XSS in the comment preview"`);
    expect(html).toContain(`value="${CVSS}"`);
    expect(html).toContain(`value="CWE-79"`);
  });

  it("adds an empty product fieldset without JavaScript and keeps what was typed", async () => {
    const res = await post(
      app,
      "/manage/advisories",
      alice,
      editorFields(report.ref, { intent: "add_product" }),
    );
    const html = unescapeHtml(await (await follow(app, res, alice)).text());
    expect(html).toContain('name="affected.0.product" value="Acme Forum"');
    expect(html).toContain('name="affected.1.product"');
    expect(html).toContain('name="affected.2.product"');
    expect(html).toContain('value="The comment preview renders HTML from comments without escaping it."');
    expect(await count()).toBe(0);
  });

  it("previews the public page on the server, from the typed text, without saving", async () => {
    const res = await post(app, "/manage/advisories", alice, editorFields(report.ref, { intent: "preview" }));
    expect(res.headers.get("location")).toMatch(/#preview$/);
    const html = unescapeHtml(await (await follow(app, res, alice)).text());
    expect(html).toContain('id="preview"');
    expect(html).toContain("<strong>script</strong>");
    expect(html).toContain("Critical</span> 9.3 (CVSS 3.1)");
    expect(html).toContain("from 1.0.0, before 1.4.2");
    expect(await count()).toBe(0);
  });

  it("gives a refused form back with what was typed and an error at each wrong field", async () => {
    const res = await post(
      app,
      "/manage/advisories",
      alice,
      editorFields(report.ref, { cvss: "CVSS:3.1/AV:N", "affected.0.package.ecosystem": "npmjs" }),
    );
    const html = unescapeHtml(await (await follow(app, res, alice)).text());
    expect(html).toContain('id="adv-cvss-error"');
    expect(html).toContain('id="adv-affected-0-ecosystem-error"');
    expect(html).toContain('value="CVSS:3.1/AV:N"');
    expect(html).toContain('value="Stored XSS in the comment preview"');
    expect(await count()).toBe(0);
  });

  it("creates the draft, then reviews it with two members", async () => {
    const res = await post(app, "/manage/advisories", alice, editorFields(report.ref));
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/manage\/advisories\/[0-9a-f-]{36}\?done=created$/);
    advisoryId = location.split("/").at(-1)!.split("?")[0]!;
    let html = unescapeHtml(await (await get(app, location, alice)).text());
    expect(html).toMatch(/EMBSA-2026-0001/);
    expect(html).toContain("Last edited by</dt>");
    expect(html).toContain("<dd>Alice</dd>");
    const list = unescapeHtml(await (await get(app, "/manage/advisories", viewer)).text());
    expect(list).toContain("EMBSA-2026-0001");
    expect(list).toContain(report.ref);

    const base = `/manage/advisories/${advisoryId}`;
    expect((await post(app, `${base}/actions`, alice, { action: "submit", message: "" })).status).toBe(303);
    const self = await post(app, `${base}/actions`, alice, { action: "approve", message: "" });
    html = unescapeHtml(await (await follow(app, self, alice)).text());
    expect(html).toContain("another member must approve");
    await post(app, `${base}/actions`, bob, { action: "approve", message: "" });
    html = unescapeHtml(await (await get(app, base, alice)).text());
    expect(html).toMatch(/Approved by<\/dt>\s*<dd>Bob, /);

    // A viewer reads it but cannot change it.
    expect((await get(app, base, viewer)).status).toBe(200);
    expect(
      (await post(app, `${base}/actions`, viewer, { action: "request_changes", message: "x" })).status,
    ).toBe(403);
    expect((await get(app, "/manage/advisories/new", viewer)).status).toBe(403);
  });

  it("shares the draft with the reporter, who comments on their tracking page", async () => {
    const base = `/manage/advisories/${advisoryId}`;
    let tracking = await (await get(app, `/r/${report.token}`)).text();
    expect(tracking).not.toContain("Draft advisory");
    expect((await post(app, `${base}/share`, alice, {})).status).toBe(303);
    tracking = unescapeHtml(await (await get(app, `/r/${report.token}`)).text());
    expect(tracking).toContain("Draft advisory");
    expect(tracking).toContain("The comment preview renders HTML from comments without escaping it.");

    const action = `/r/${report.token}/advisories/${advisoryId}/comments`;
    const empty = await post(app, action, null, { body: "" });
    const refused = unescapeHtml(await (await follow(app, empty, null)).text());
    expect(refused).toContain(`id="draft-${advisoryId}-comment-error"`);
    expect((await post(app, action, null, { body: "Please name version 1.4.2 as fixed." })).status).toBe(303);
    expect(
      (
        await post(app, `/r/${report.token}/advisories/00000000-0000-4000-8000-000000000000/comments`, null, {
          body: "x",
        })
      ).status,
    ).toBe(404);

    let editor = unescapeHtml(await (await get(app, base, alice)).text());
    expect(editor).toContain("Please name version 1.4.2 as fixed.");
    expect(editor).toContain(`Reporter of ${report.ref}`);
    t.clock.advance(60_000);
    expect((await post(app, `${base}/comments`, bob, { body: "Done in the text." })).status).toBe(303);
    editor = unescapeHtml(await (await get(app, base, alice)).text());
    expect(editor).toContain("Done in the text.");
    tracking = unescapeHtml(await (await get(app, `/r/${report.token}`)).text());
    expect(tracking).toContain("Done in the text.");
  });

  it("returns an approved advisory to draft when it is saved again", async () => {
    const base = `/manage/advisories/${advisoryId}`;
    const res = await post(app, base, alice, editorFields(report.ref, { solution: "Upgrade to 1.4.3." }));
    expect(res.headers.get("location")).toBe(`${base}?done=saved`);
    const html = unescapeHtml(await (await get(app, base, alice)).text());
    expect(html).toMatch(/State<\/dt>\s*<dd>\s*<span class="state state-draft">Draft/);
    expect(html).toContain("nobody yet");
  });
});
