import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeActor, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { follow } from "../../../test/helpers/http.ts";
import { type App, appFor, formData, postForm, unescapeHtml } from "../../../test/helpers/public.ts";
import {
  advisories,
  advisoryReports,
  auditEvents,
  messages,
  reportCredits,
  reports,
} from "../../db/schema.ts";

const NAMED = {
  display: "name",
  name: "Ada Lovelace",
  handle: "ada",
  url: "https://ada.example/~ada",
  affiliation: "Engines Ltd",
  coFinders: "bob\ncarol",
  hallOfFame: "on",
};

describe.each(DB_KINDS)("credit as the researcher chooses it on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let alice: Actor;
  let advisoryNo = 0;

  const submit = async (overrides: Record<string, unknown> = {}) => {
    const r = await t.services.reports.submit(reportFields(overrides), [], "web");
    return { id: r.report.id, reference: r.report.reference, token: r.token };
  };
  const page = async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, html: unescapeHtml(await res.text()), res };
  };
  const postCredit = (token: string, fields: Record<string, string>) =>
    postForm(app, `/r/${token}/credit`, formData(fields));
  const events = async (reportId: string, action: string) =>
    t.database.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.reportId} = ${reportId} and ${auditEvents.action} = ${action}`);
  /** An advisory covering the report, published at `at` (public once the clock passes it). */
  const publish = async (reportId: string, at: Date, state: "published" | "draft" = "published") => {
    advisoryNo++;
    const [a] = await t.database.db
      .insert(advisories)
      .values({
        publicId: `EMBSA-2026-${String(advisoryNo).padStart(4, "0")}`,
        idYear: 2026,
        idNumber: advisoryNo,
        state,
        title: `Advisory ${advisoryNo}`,
        summary: "Summary",
        lastEditorId: alice.id,
        createdBy: alice.id,
        publishedAt: state === "published" ? at : null,
        updatedAt: at,
      })
      .returning();
    await t.database.db.insert(advisoryReports).values({ advisoryId: a!.id, reportId });
    return a!;
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    alice = await makeActor(t, "responder", "Alice");
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it("records the intake's choice as the first credit: handle, name and anonymous", async () => {
    const handle = await submit({ name: "r3searcher", credit: "handle" });
    const named = await submit({ name: "Grace Hopper", credit: "name" });
    const anon = await submit({ name: "", credit: "anonymous" });
    const c = t.services.credits;
    expect(await c.creditChoiceFor(t.database.db, handle.id)).toMatchObject({
      display: "handle",
      handle: "r3searcher",
    });
    expect(await c.creditChoiceFor(t.database.db, named.id)).toMatchObject({
      display: "name",
      name: "Grace Hopper",
    });
    expect(await c.creditChoiceFor(t.database.db, anon.id)).toMatchObject({
      display: "anonymous",
      name: null,
    });
    expect(await c.creditConfirmed(t.database.db, handle.id)).toBe(false);
    expect((await page(`/r/${handle.token}`)).html).toContain('id="credit-line">r3searcher<');
    expect((await page(`/r/${anon.token}`)).html).toContain('id="credit-line">Anonymous<');
  });

  it("shows exactly the public line, confirms it, and clears the confirmation on any change", async () => {
    const r = await submit();
    const saved = await postCredit(r.token, NAMED);
    expect(saved.status).toBe(303);
    let { html } = await page(`/r/${r.token}`);
    expect(html).toContain(
      'You will be credited as: <strong id="credit-line">Ada Lovelace (Engines Ltd), with bob, carol</strong>',
    );
    expect(html).toContain("https://ada.example/~ada");
    expect(html).toContain(`action="/r/${r.token}/credit/confirm"`);

    expect((await postForm(app, `/r/${r.token}/credit/confirm`, formData({}))).status).toBe(303);
    expect(await t.services.credits.creditConfirmed(t.database.db, r.id)).toBe(true);
    ({ html } = await page(`/r/${r.token}`));
    expect(html).toContain('id="credit-confirmed"');

    await postCredit(r.token, { ...NAMED, display: "handle" });
    expect(await t.services.credits.creditConfirmed(t.database.db, r.id)).toBe(false);
    ({ html } = await page(`/r/${r.token}`));
    expect(html).toContain('id="credit-line">ada (Engines Ltd), with bob, carol<');
    // Every change is an audit event and a timeline entry on both sides.
    expect(await events(r.id, "credit.changed")).toHaveLength(2);
    expect(await events(r.id, "credit.confirmed")).toHaveLength(1);
    expect(html).toContain("You confirmed your credit: Ada Lovelace (Engines Ltd), with bob, carol");
    const team = await t.services.reports.teamView(r.reference);
    expect(JSON.stringify(team)).toContain(
      "The reporter changed their credit to: ada (Engines Ltd), with bob, carol",
    );
  });

  it.each([
    ["http://ada.example", "must start with https://"],
    ["javascript:alert(1)", "must start with https://"],
    ["https://user:pw@ada.example", "user name or password"],
    ["not a url", "spaces"],
  ])(
    "refuses the link %j with a field error and keeps what was typed, storing nothing",
    async (url, message) => {
      const r = await submit({ name: "keepme", credit: "handle" });
      const res = await postCredit(r.token, { ...NAMED, url });
      const back = await follow(app, res);
      const html = unescapeHtml(await back.text());
      expect(html).toContain(message);
      expect(html).toContain(`value="${url}"`);
      expect(html).toContain('id="credit-line">keepme<');
      const [row] = await t.database.db.select().from(reportCredits).where(eq(reportCredits.reportId, r.id));
      expect(row).toMatchObject({ display: "handle", handle: "keepme", url: null });
    },
  );

  it("requires the name or handle that the display shows", async () => {
    const r = await submit();
    const back = await follow(
      app,
      await postCredit(r.token, { display: "name", name: "", hallOfFame: "false" }),
    );
    expect(unescapeHtml(await back.text())).toContain("Give a name.");
  });

  it("locks the reporter's credit once an advisory covering the report is public; the team changes it only with a reason", async () => {
    const r = await submit();
    await postCredit(r.token, NAMED);
    await publish(r.id, new Date(t.clock().getTime() - 1000));
    let { html } = await page(`/r/${r.token}`);
    expect(html).toContain('id="credit-locked"');
    expect(html).toContain("part of the published record");
    expect(html).not.toContain(`action="/r/${r.token}/credit"`);
    const refused = await follow(app, await postCredit(r.token, { ...NAMED, name: "Changed" }));
    expect(unescapeHtml(await refused.text())).toContain("part of the published record");
    expect(await t.services.credits.creditChoiceFor(t.database.db, r.id)).toMatchObject({
      name: "Ada Lovelace",
    });

    await expect(
      t.services.credits.setCreditAsTeam(alice, r.reference, { ...NAMED, name: "Ada King" }, ""),
    ).rejects.toMatchObject({ status: 400, fields: { reason: expect.stringContaining("reason") } });
    await t.services.credits.setCreditAsTeam(
      alice,
      r.reference,
      { ...NAMED, name: "Ada King" },
      "Legal name",
    );
    const [event] = await events(r.id, "credit.changed").then((e) =>
      e.filter((x) => (x.data as { by?: string }).by),
    );
    expect(event!.data).toMatchObject({ by: "team", published: true, reason: "Legal name" });
    ({ html } = await page(`/r/${r.token}`));
    expect(html).toContain("The security team changed your credit to: Ada King (Engines Ltd)");
  });

  it("does not lock for a draft or a publication still in the future", async () => {
    const r = await submit();
    await publish(r.id, new Date(t.clock().getTime() + 3600_000));
    await publish(r.id, new Date(), "draft");
    expect((await postCredit(r.token, NAMED)).headers.get("location")).toBe(`/r/${r.token}#credit`);
    expect(await t.services.credits.creditChoiceFor(t.database.db, r.id)).toMatchObject({
      name: "Ada Lovelace",
    });
  });

  describe("the hall of fame and its feed", () => {
    it("lists opted-in, named researchers after publication with link, advisories and count; never anonymous", async () => {
      t.clock.set("2026-05-01T09:00:00Z");
      const shown = await submit();
      await postCredit(shown.token, { ...NAMED, name: "Hedy Lamarr", affiliation: "" });
      const a1 = await publish(shown.id, new Date("2026-04-01T00:00:00Z"));
      const second = await submit();
      await postCredit(second.token, { ...NAMED, name: "Hedy Lamarr", affiliation: "" });
      await publish(second.id, new Date("2026-04-02T00:00:00Z"));
      const anon = await submit();
      await postCredit(anon.token, {
        ...NAMED,
        display: "anonymous",
        name: "Secret Person",
        handle: "s3cret",
        url: "https://secret.example",
      });
      await publish(anon.id, new Date("2026-04-01T00:00:00Z"));
      const optedOut = await submit();
      await postCredit(optedOut.token, { ...NAMED, name: "Not Listed", hallOfFame: "false" });
      await publish(optedOut.id, new Date("2026-04-01T00:00:00Z"));
      const future = await submit();
      await postCredit(future.token, { ...NAMED, name: "Future Person" });
      await publish(future.id, new Date("2026-06-01T00:00:00Z"));

      const { status, html } = await page("/hall-of-fame");
      expect(status).toBe(200);
      expect(html).toContain('<h2 id="year-2026">2026</h2>');
      expect(html).toContain(
        '<a href="https://ada.example/~ada" rel="nofollow noopener ugc">Hedy Lamarr</a>',
      );
      expect(html).toContain("2 credits");
      expect(html).toContain(a1.publicId);
      for (const hidden of ["Secret Person", "s3cret", "secret.example", "Not Listed", "Future Person"])
        expect(html).not.toContain(hidden);

      const feed = await app.request("/hall-of-fame.atom");
      expect(feed.headers.get("content-type")).toContain("application/atom+xml");
      const xml = await feed.text();
      expect(xml).toContain("<title>Hedy Lamarr: EMBSA-");
      for (const hidden of ["Secret Person", "s3cret", "secret.example", "Not Listed", "Future Person"])
        expect(xml).not.toContain(hidden);

      // The JSON API says anonymous too.
      const api = await (await app.request(`/api/v1/r/${anon.token}`)).json();
      expect(api.credit).toMatchObject({ display: "anonymous", line: "Anonymous" });
    });

    it("shows a thanks entry once the team granted it and the reporter accepted it", async () => {
      const r = await submit();
      await postCredit(r.token, { ...NAMED, name: "Thankful Person" });
      await t.services.credits.grantThanks(alice, r.reference);
      expect((await page("/hall-of-fame")).html).not.toContain("Thankful Person");
      let { html } = await page(`/r/${r.token}`);
      expect(html).toContain(`action="/r/${r.token}/thanks/accept"`);
      expect((await postForm(app, `/r/${r.token}/thanks/accept`, formData({}))).status).toBe(303);
      html = (await page("/hall-of-fame")).html;
      expect(html).toContain("Thankful Person");
      expect(html).toContain("Thanked for a valid report that needed no advisory.");
      expect(await t.services.credits.grantThanks(alice, r.reference)).toEqual({ granted: false });
      expect(await events(r.id, "credit.thanks_granted")).toHaveLength(1);
    });
  });

  describe("final feedback and the reporter's rating", () => {
    it("appends what was fixed, the advisory and the credit when closing a fixed report; none on a rejection", async () => {
      const r = await submit();
      await postCredit(r.token, NAMED);
      await t.database.db
        .update(reports)
        .set({
          state: "disclosed",
          advisoryUrl: "https://example.org/advisories/EMBSA-1",
          resolvedAt: t.clock(),
        })
        .where(eq(reports.id, r.id));
      await t.services.reports.act(alice, r.id, { action: "close", message: "Thank you for your help." });
      const [m] = await t.database.db
        .select()
        .from(messages)
        .where(sql`${messages.reportId} = ${r.id} and ${messages.kind} = 'final_feedback'`);
      const body = t.cipher.decryptText(m!.bodyEnc);
      expect(body).toContain("Thank you for your help.\n\nSummary of the resolution:");
      expect(body).toContain("- Fixed: Stored XSS in the comment preview");
      expect(body).toContain("- Advisory: https://example.org/advisories/EMBSA-1");
      expect(body).toContain(
        "- Credit: Ada Lovelace (Engines Ltd), with bob, carol <https://ada.example/~ada>",
      );

      const rejected = await submit();
      await t.services.reports.act(alice, rejected.id, {
        action: "reject",
        reason: "invalid",
        message: "Not a bug.",
      });
      await t.services.reports.act(alice, rejected.id, { action: "close", message: "Closing." });
      const [m2] = await t.database.db
        .select()
        .from(messages)
        .where(sql`${messages.reportId} = ${rejected.id} and ${messages.kind} = 'final_feedback'`);
      expect(t.cipher.decryptText(m2!.bodyEnc)).toBe("Closing.");
    });

    it("asks for a rating once the report is closed, once; the team sees it and the average counts it", async () => {
      const r = await submit();
      expect((await page(`/r/${r.token}`)).html).not.toContain(`action="/r/${r.token}/feedback"`);
      await expect(t.services.credits.giveFeedback(r.token, { rating: 5 })).rejects.toMatchObject({
        status: 409,
      });
      await t.services.reports.act(alice, r.id, {
        action: "reject",
        reason: "informative",
        message: "Thanks.",
      });
      await t.services.reports.act(alice, r.id, { action: "close", message: "Closing." });
      expect((await page(`/r/${r.token}`)).html).toContain(`action="/r/${r.token}/feedback"`);
      const bad = await follow(
        app,
        await postForm(app, `/r/${r.token}/feedback`, formData({ rating: "9", comment: "x" })),
      );
      expect(unescapeHtml(await bad.text())).toContain("Choose a rating from 1 to 5.");
      const ok = await postForm(
        app,
        `/r/${r.token}/feedback`,
        formData({ rating: "4", comment: "Quick and clear" }),
      );
      expect(ok.status).toBe(303);
      expect((await page(`/r/${r.token}`)).html).toContain("Thank you for your feedback (4/5)");
      await expect(t.services.credits.giveFeedback(r.token, { rating: 1 })).rejects.toMatchObject({
        status: 409,
      });
      const team = await t.services.credits.teamCredit(r.id);
      expect(team.feedback).toMatchObject({ rating: 4, comment: "Quick and clear" });
      const avg = await t.services.credits.averageRating(t.database.db);
      expect(avg.count).toBeGreaterThanOrEqual(1);
      expect(avg.average).toBeGreaterThanOrEqual(1);
      expect(
        await t.services.credits.averageRating(t.database.db, new Date(t.clock().getTime() + 1000)),
      ).toEqual({
        average: null,
        count: 0,
      });
    });
  });
});
