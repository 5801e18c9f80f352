import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeTeam } from "../../../test/helpers/actors.ts";
import { advisoryBody, CVSS, confirmedReportWithCvss } from "../../../test/helpers/advisory-drafts.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { appFor } from "../../../test/helpers/http.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { transaction } from "../../core/db.ts";
import { AppError } from "../../core/errors.ts";
import { advisories, advisoryRevisions, auditEvents } from "../../db/schema.ts";

describe.each(DB_KINDS)("advisories on %s", (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof appFor>;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let report: { id: string; ref: string; token: string };

  const api = (method: string, path: string, actor: Actor | null, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        ...(actor ? { authorization: `Bearer ${actor.token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const rows = async (q: ReturnType<typeof sql>) =>
    ((await t.database.db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;
  const snapshot = async () => ({
    advisories: await t.database.db.select().from(advisories).orderBy(advisories.publicId),
    revisions: await t.database.db.select().from(advisoryRevisions),
  });
  const refusal = async (p: Promise<unknown>) => {
    const error = await p.then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof AppError)) throw new Error(`Expected a refusal, got ${String(error)}`);
    return error;
  };
  const confirmedReport = () => confirmedReportWithCvss(t, team.alice);
  const create = async (overrides: Record<string, unknown> = {}, by: Actor = team.alice) =>
    t.services.advisories.create(by, advisoryBody([report.ref], overrides));

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    team = await makeTeam(t);
    await raiseIntakeLimits(t);
    report = await confirmedReport();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it("drafts an advisory through the API with a public id, the report's CVSS vector, and audit events", async () => {
    const res = await api("POST", "/api/v1/advisories", team.alice, advisoryBody([report.ref]));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toEqual({
      id: expect.any(String),
      publicId: expect.stringMatching(/^EMBSA-2026-\d{4}$/),
      state: "draft",
    });
    const one = await (await api("GET", `/api/v1/advisories/${body.publicId}`, team.viewer)).json();
    expect(one).toMatchObject({
      id: body.id,
      cvss: CVSS,
      cwe: ["CWE-79"],
      reports: [{ id: report.id, reference: report.ref }],
      lastEditor: { id: team.alice.id, name: "Alice" },
      approvedBy: null,
      revisions: [],
    });
    expect((await api("GET", `/api/v1/advisories/${body.id}`, team.viewer)).status).toBe(200);
    const list = await (await api("GET", "/api/v1/advisories?state=draft", team.viewer)).json();
    expect(list.items.map((a: { id: string }) => a.id)).toContain(body.id);
    expect((await api("GET", "/api/v1/advisories?state=nonsense", team.viewer)).status).toBe(400);
    expect((await api("GET", "/api/v1/advisories/EMBSA-1999-0001", team.viewer)).status).toBe(404);
    expect((await api("GET", "/api/v1/advisories/'; drop", team.viewer)).status).toBe(404);
    const [event] = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "advisory.created"));
    expect(event).toMatchObject({
      reportId: report.id,
      data: expect.objectContaining({ advisoryId: body.id }),
    });
    const view = await t.services.reports.teamView(report.ref);
    expect(view.timeline.map((e) => e.text).join("\n")).toContain(body.publicId);
  });

  it("refuses a viewer and an anonymous caller", async () => {
    expect((await api("POST", "/api/v1/advisories", team.viewer, advisoryBody([report.ref]))).status).toBe(
      403,
    );
    expect((await api("POST", "/api/v1/advisories", null, advisoryBody([report.ref]))).status).toBe(401);
  });

  it.each([
    ["an unknown report", { reports: ["EMB-2020-9999"] }, "reports.0"],
    ["no report", { reports: [] }, "reports"],
    ["a bad CVSS vector", { cvss: "CVSS:3.1/AV:X" }, "cvss"],
    ["a malformed CVE ID", { cveId: "CVE-26-1" }, "cveId"],
    ["a CVE year before 1999", { cveId: "CVE-1998-1234" }, "cveId"],
    ["a bad CWE id", { cwe: ["XSS"] }, "cwe.0"],
    [
      "an unknown ecosystem",
      { affected: [{ product: "A", package: { ecosystem: "npmjs", name: "a" }, ranges: [] }] },
      "affected.0.package.ecosystem",
    ],
    [
      "a bad ecosystem suffix",
      { affected: [{ product: "A", package: { ecosystem: "Debian:<x>", name: "a" }, ranges: [] }] },
      "affected.0.package.ecosystem",
    ],
    [
      "a short SHA in a git range",
      {
        affected: [
          {
            product: "A",
            repository: "https://git.example/a.git",
            ranges: [{ introduced: "0", fixed: "abc123" }],
          },
        ],
      },
      "affected.0.ranges.0.fixed",
    ],
    [
      "fixed and last affected together",
      { affected: [{ product: "A", ranges: [{ introduced: "1", fixed: "2", lastAffected: "3" }] }] },
      "affected.0.ranges.0.lastAffected",
    ],
    [
      "a javascript: reference",
      { references: [{ type: "WEB", url: "javascript:alert(1)" }] },
      "references.0.url",
    ],
    [
      "an unknown reference type",
      { references: [{ type: "BLOG", url: "https://a.example" }] },
      "references.0.type",
    ],
    ["an unknown credit role", { teamCredits: [{ name: "X", role: "hacker" }] }, "teamCredits.0.role"],
    [
      "a credit URL that is not https",
      { teamCredits: [{ name: "X", role: "tool", url: "ftp://x.example" }] },
      "teamCredits.0.url",
    ],
    ["no title", { title: "" }, "title"],
    ["an unknown field", { secret: 1 }, "_"],
  ])("refuses %s with a field error and stores nothing", async (_what, overrides, field) => {
    const before = await snapshot();
    const res = await api("POST", "/api/v1/advisories", team.alice, {
      ...advisoryBody([report.ref]),
      ...overrides,
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(Object.keys(body.error.fields)).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a CVE ID another advisory has, as a field error", async () => {
    await create({ cveId: "CVE-2026-31337" });
    const error = await refusal(create({ cveId: "cve-2026-31337" }));
    expect(error.status).toBe(400);
    expect(error.fields?.cveId).toMatch(/already the CVE ID of EMBSA-2026-/);
  });

  it("gives concurrent creations distinct consecutive numbers", async () => {
    const before = (await t.database.db.select().from(advisories)).length;
    const made = await Promise.all(Array.from({ length: 6 }, () => create()));
    const numbers = made.map((m) => Number(m.publicId.slice(-4))).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(6);
    expect(numbers.at(-1)! - numbers[0]!).toBe(5);
    expect((await t.database.db.select().from(advisories)).length).toBe(before + 6);
  });

  it("takes the id prefix from the advisoryPrefix setting", async () => {
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, advisoryPrefix: "ACME" });
    try {
      expect((await create()).publicId).toMatch(/^ACME-2026-\d{4}$/);
    } finally {
      await t.services.settings.updateOrg(team.admin.id, { ...org, advisoryPrefix: "EMBSA" });
    }
    await expect(
      t.services.settings.updateOrg(team.admin.id, { ...org, advisoryPrefix: "acme" }),
    ).rejects.toMatchObject({
      fields: { advisoryPrefix: expect.stringMatching(/capital letters/) },
    });
  });

  it("needs a member other than the last editor to approve; an edit after approval returns it to draft", async () => {
    const { id } = await create();
    const act = (who: Actor, body: unknown) => api("POST", `/api/v1/advisories/${id}/actions`, who, body);
    expect((await act(team.alice, { action: "approve" })).status).toBe(409);
    expect((await act(team.alice, { action: "submit" })).status).toBe(200);
    const self = await act(team.alice, { action: "approve" });
    expect(self.status).toBe(400);
    expect((await self.json()).error.message).toMatch(/another member must approve/);
    expect((await act(team.bob, { action: "dance" })).status).toBe(400);
    const approved = await act(team.bob, { action: "approve" });
    expect(await approved.json()).toMatchObject({ state: "approved" });
    expect((await t.services.advisories.get(team.viewer, id)).approvedBy).toEqual({
      id: team.bob.id,
      name: "Bob",
    });
    const edit = await api("PATCH", `/api/v1/advisories/${id}`, team.bob, { summary: "A changed summary." });
    expect(await edit.json()).toMatchObject({ state: "draft", revision: null });
    const after = await t.services.advisories.get(team.viewer, id);
    expect(after).toMatchObject({
      approvedBy: null,
      lastEditor: { id: team.bob.id },
      summary: "A changed summary.",
    });
    // Bob is now the last editor: Alice may approve, Bob may not.
    await t.services.advisories.act(team.bob, id, { action: "submit" });
    expect((await refusal(t.services.advisories.act(team.bob, id, { action: "approve" }))).status).toBe(400);
    expect(
      (await refusal(t.services.advisories.act(team.alice, id, { action: "request_changes" }))).fields,
    ).toHaveProperty("message");
    await t.services.advisories.act(team.alice, id, {
      action: "request_changes",
      message: "Name the fixed version.",
    });
    expect((await t.services.advisories.get(team.viewer, id)).state).toBe("draft");
    const events = await rows(
      sql`select action from audit_events where data->>'advisoryId' = ${id} order by seq`,
    );
    expect(events.map((e) => e.action)).toEqual([
      "advisory.created",
      "advisory.submit",
      "advisory.approve",
      "advisory.edited",
      "advisory.submit",
      "advisory.request_changes",
    ]);
  });

  it("refuses a PATCH with a bad field and keeps the advisory as it was", async () => {
    const { id } = await create();
    const before = await snapshot();
    const res = await api("PATCH", `/api/v1/advisories/${id}`, team.alice, { cvss: "nope", cwe: ["CWE-x"] });
    expect(res.status).toBe(400);
    expect(Object.keys((await res.json()).error.fields).sort()).toEqual(["cvss", "cwe.0"]);
    expect(await snapshot()).toEqual(before);
  });

  describe("publication by a release", () => {
    it("publishes all or nothing: one unpublishable advisory rolls every one back", async () => {
      const other = await confirmedReport();
      const good = await t.services.advisories.create(team.alice, advisoryBody([other.ref]));
      await t.services.advisories.act(team.alice, good.id, { action: "submit" });
      await t.services.advisories.act(team.bob, good.id, { action: "approve" });
      const bad = await t.services.advisories.create(team.alice, advisoryBody([other.ref], { affected: [] }));
      await t.services.advisories.act(team.alice, bad.id, { action: "submit" });
      await t.services.advisories.act(team.bob, bad.id, { action: "approve" });
      const at = new Date("2026-03-10T12:00:00Z");
      const before = await snapshot();
      const publish = () =>
        transaction(t.services.db, (tx) =>
          t.services.advisories.publishInTx(tx, [other.id], at, team.admin.id),
        );
      const error = await refusal(publish());
      expect(error.userMessage).toContain(bad.publicId);
      expect(error.userMessage).toMatch(/no affected product/);
      expect(await snapshot()).toEqual(before);

      expect(
        (await t.services.advisories.forReports(t.services.db, [other.id])).map((a) => a.publicId),
      ).toEqual([good.publicId, bad.publicId]);
      expect((await t.services.advisories.approvedText(t.services.db, [other.id]))[0]?.text).toMatch(
        /Acme Forum \(npm: acme-forum\): from 1\.0\.0, fixed in 1\.4\.2/,
      );
      // With the bad one withdrawn from the release's reports (edited to cover another report), the good one goes out.
      await t.services.advisories.edit(team.alice, bad.id, { reports: [report.ref] });
      const published = await publish();
      expect(published.map((a) => a.publicId)).toEqual([good.publicId]);
      const row = (await t.database.db.select().from(advisories).where(eq(advisories.id, good.id)))[0]!;
      expect(row).toMatchObject({ state: "published", publishedAt: at, modifiedAt: at });
      const revisions = await t.database.db
        .select()
        .from(advisoryRevisions)
        .where(eq(advisoryRevisions.advisoryId, good.id));
      expect(revisions).toEqual([
        expect.objectContaining({
          number: 1,
          content: expect.objectContaining({ title: row.title, cvss: CVSS }),
        }),
      ]);

      // A published advisory changes only with a revision summary, and stays published.
      const silent = await api("PATCH", `/api/v1/advisories/${good.id}`, team.alice, {
        solution: "Upgrade to 1.4.3.",
      });
      expect(silent.status).toBe(400);
      expect((await silent.json()).error.fields).toHaveProperty("revisionSummary");
      const revised = await api("PATCH", `/api/v1/advisories/${good.id}`, team.alice, {
        solution: "Upgrade to 1.4.3.",
        revisionSummary: "1.4.2 was incomplete; 1.4.3 fixes it.",
      });
      expect(await revised.json()).toMatchObject({ state: "published", revision: 2 });
      const view = await t.services.advisories.get(team.viewer, good.id);
      expect(view.revisions.map((r) => [r.number, r.summary])).toEqual([
        [1, "Initial publication."],
        [2, "1.4.2 was incomplete; 1.4.3 fixes it."],
      ]);
      const [second] = await rows(
        sql`select content from advisory_revisions where advisory_id = ${good.id} and number = 2`,
      );
      expect(second?.content).toMatchObject({ solution: "Upgrade to 1.4.3." });

      // Withdrawal needs a reason; a withdrawn advisory cannot change.
      const act = (body: unknown) => api("POST", `/api/v1/advisories/${good.id}/actions`, team.bob, body);
      expect((await act({ action: "withdraw" })).status).toBe(400);
      expect(
        await (await act({ action: "withdraw", message: "Not a vulnerability after all." })).json(),
      ).toMatchObject({
        state: "withdrawn",
      });
      expect((await api("PATCH", `/api/v1/advisories/${good.id}`, team.alice, { title: "X" })).status).toBe(
        409,
      );
      expect(await t.services.advisories.forReports(t.services.db, [other.id])).toEqual([]);
    });

    it("refuses an advisory that is not approved", async () => {
      const r = await confirmedReport();
      const draft = await t.services.advisories.create(team.alice, advisoryBody([r.ref]));
      const error = await refusal(
        transaction(t.services.db, (tx) => t.services.advisories.publishInTx(tx, [r.id], new Date(), null)),
      );
      expect(error.userMessage).toMatch(new RegExp(`${draft.publicId} cannot be published: it is draft`));
    });
  });

  describe("the reporter sees a shared draft", () => {
    it("shows nothing until a member shares it, then takes the reporter's comment and alerts the Response Manager", async () => {
      const r = await confirmedReport();
      const { id, publicId } = await t.services.advisories.create(team.alice, advisoryBody([r.ref]));
      expect(await t.services.advisories.reporterDrafts(r.token)).toEqual([]);
      expect(
        (await refusal(t.services.advisories.commentAsReporter(r.token, id, { body: "Hi" }))).status,
      ).toBe(404);
      expect((await refusal(t.services.advisories.share(team.viewer, id))).status).toBe(403);
      await t.services.advisories.share(team.alice, id);
      const [draft] = await t.services.advisories.reporterDrafts(r.token);
      expect(draft).toMatchObject({ publicId, content: { title: "Stored XSS in the comment preview" } });
      // Another report's reporter does not see it.
      expect(await t.services.advisories.reporterDrafts(report.token)).toEqual([]);
      expect(
        (await refusal(t.services.advisories.commentAsReporter(report.token, id, { body: "Hi" }))).status,
      ).toBe(404);
      expect(
        (await refusal(t.services.advisories.commentAsReporter(r.token, id, { body: "  " }))).fields,
      ).toHaveProperty("body");

      const comment = await t.services.advisories.commentAsReporter(r.token, id, {
        body: "Please credit my handle.",
      });
      const alerts = (await rows(sql`select data from pgboss.job where name = 'team-alert'`))
        .map((x) => (typeof x.data === "string" ? JSON.parse(x.data) : x.data) as Record<string, unknown>)
        .filter((d) => d.occurrence === `advisory-comment:${comment.id}`);
      expect(alerts).toEqual([
        expect.objectContaining({ event: "reporter_replied", reportId: r.id, userIds: [team.alice.id] }),
      ]);
      t.clock.advance(60_000);
      await t.services.advisories.commentAsMember(team.bob, id, { body: "Done, thanks." });
      const view = await t.services.advisories.get(team.viewer, id);
      expect(view.comments.map((c) => [c.from, c.body])).toEqual([
        ["reporter", "Please credit my handle."],
        ["member", "Done, thanks."],
      ]);
      expect((await t.services.advisories.reporterDrafts(r.token))[0]?.comments.map((c) => c.from)).toEqual([
        "you",
        "team",
      ]);
      const events = await rows(
        sql`select action, actor_type from audit_events where data->>'advisoryId' = ${id} order by seq`,
      );
      expect(events.map((e) => e.action)).toEqual([
        "advisory.created",
        "advisory.shared",
        "advisory.commented",
        "advisory.commented",
      ]);
    });
  });
});
