import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
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
import { advisories, advisoryReports } from "../../db/schema.ts";

describe.each(DB_KINDS)("the team's credit panel on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let alice: Session;
  let viewer: Session;
  let aliceId = "";

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    const team = await signedInTeam(app, t);
    ({ alice, viewer } = team);
    aliceId = team.team.alice.id;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it("shows the credit, offers thanks, and corrects a published credit only with a reason, keeping what was typed", async () => {
    const { report, token } = await t.services.reports.submit(reportFields(), [], "web");
    const ref = report.reference;
    let html = unescapeHtml(await (await get(app, `/reports/${ref}`, alice)).text());
    expect(html).toContain('id="team-credit-line">r3searcher<');
    expect(html).toContain(`action="/reports/${ref}/credit/thanks"`);
    // A viewer reads the credit but gets no forms.
    const seen = unescapeHtml(await (await get(app, `/reports/${ref}`, viewer)).text());
    expect(seen).toContain('id="team-credit-line">r3searcher<');
    expect(seen).not.toContain(`action="/reports/${ref}/credit"`);

    const [a] = await t.database.db
      .insert(advisories)
      .values({
        publicId: "EMBSA-2026-0700",
        idYear: 2026,
        idNumber: 700,
        state: "published",
        title: "T",
        summary: "S",
        lastEditorId: aliceId,
        createdBy: aliceId,
        publishedAt: new Date(t.clock().getTime() - 1),
        updatedAt: t.clock(),
      })
      .returning();
    await t.database.db.insert(advisoryReports).values({ advisoryId: a!.id, reportId: report.id });

    const refused = await post(app, `/reports/${ref}/credit`, alice, {
      display: "handle",
      handle: "r3s",
      reason: "",
    });
    html = unescapeHtml(await (await follow(app, refused, alice)).text());
    expect(html).toContain("Give the reason for changing a published credit");
    expect(html).toContain('value="r3s"');
    expect(await t.services.credits.creditChoiceFor(t.database.db, report.id)).toMatchObject({
      handle: "r3searcher",
    });

    const done = await post(app, `/reports/${ref}/credit`, alice, {
      display: "handle",
      handle: "r3s",
      reason: "Typo",
    });
    expect(done.headers.get("location")).toBe(`/reports/${ref}?done=credit#credit`);
    html = unescapeHtml(await (await get(app, `/reports/${ref}`, alice)).text());
    expect(html).toContain('id="team-credit-line">r3s<');
    expect(html).toContain("The team changed the credit to: r3s. Reason: Typo");
    // The reporter sees the change on their timeline and can no longer change it themselves.
    const page = unescapeHtml(await (await app.request(`/r/${token}`)).text());
    expect(page).toContain("The security team changed your credit to: r3s");
    expect(page).toContain('id="credit-locked"');

    expect((await post(app, `/reports/${ref}/credit/thanks`, alice, {})).status).toBe(303);
    html = unescapeHtml(await (await get(app, `/reports/${ref}`, alice)).text());
    expect(html).toContain("Offered, waiting for the reporter");
    expect((await post(app, `/reports/${ref}/credit/thanks`, viewer, {})).status).toBe(403);
  });
});
