import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  offeredActions,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";

const SLA_FORM = {
  acknowledgeBusinessDays: "1",
  triageBusinessDays: "5",
  updateIntervalDays: "14",
  resolutionDays: "90",
  timeZone: "Europe/Berlin",
  weekendDays: ["0", "6"],
  holidays: "",
  reminderLeadHours: "12",
  needsInfoExpiryDays: "21",
};

describe.each(DB_KINDS)("needs-info and SLA settings over HTTP on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let admin: Session;
  let alice: Session;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ team, admin, alice } = await signedInTeam(app, t));
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A report acknowledged by Alice, with its tracking token. */
  async function acknowledged() {
    const { report, token } = await t.services.reports.submit(reportFields(), [], "web");
    await t.services.reports.act(team.alice, report.id, { action: "acknowledge" });
    return { id: report.id, ref: report.reference, token };
  }

  const page = async (ref: string) => unescapeHtml(await (await get(app, `/reports/${ref}`, alice)).text());

  it("offers the request_info form only when allowed, and explains a missing question keeping the page", async () => {
    const fresh = (await t.services.reports.submit(reportFields(), [], "web")).report.reference;
    expect(offeredActions(await page(fresh))).not.toContain("request_info");
    const refused = await post(app, `/reports/${fresh}/actions`, alice, {
      action: "request_info",
      message: "Which version?",
    });
    expect(refused.status).toBe(303);
    expect(unescapeHtml(await (await follow(app, refused, alice)).text())).toContain(
      "Request information is only possible when the report is Acknowledged",
    );

    const { ref } = await acknowledged();
    const html = await page(ref);
    expect(offeredActions(html)).toContain("request_info");
    expect(html).toContain('id="request-info-message"');

    const empty = await post(app, `/reports/${ref}/actions`, alice, {
      action: "request_info",
      message: "  ",
    });
    expect(empty.status).toBe(303);
    const emptyHtml = unescapeHtml(await (await follow(app, empty, alice)).text());
    expect(emptyHtml).toContain('id="request-info-message-error"');
    expect(emptyHtml).toContain('href="#action-request_info-error"');
    expect(emptyHtml).toContain('id="action-request_info-error"');
    expect(emptyHtml).toContain("Give the question for the reporter.");

    const long = "Which version? ".repeat(700);
    const tooLong = await post(app, `/reports/${ref}/actions`, alice, {
      action: "request_info",
      message: long,
    });
    expect(tooLong.status).toBe(303);
    const tooLongHtml = unescapeHtml(await (await follow(app, tooLong, alice)).text());
    expect(tooLongHtml).toContain("Use at most 10,000 characters.");
    expect(tooLongHtml).toContain(long.trim().slice(0, 200));
    expect((await t.services.reports.teamView(ref)).waitingSince).toBeNull();
  });

  it("asks the reporter from the report page: waiting shown to the team, the inbox and the reporter", async () => {
    const { ref, token } = await acknowledged();
    t.clock.advance(60 * 60 * 1000);
    const res = await post(app, `/reports/${ref}/actions`, alice, {
      action: "request_info",
      message: "Which browser <b>exactly</b>?",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/reports/${ref}?done=request_info#actions`);
    const html = unescapeHtml(await (await get(app, res.headers.get("location")!, alice)).text());
    expect(html).toContain("Your question is on the reporter's tracking page");
    expect(html).toContain('id="waiting-for-reporter"');
    expect(html).toMatch(/Waiting for the reporter<\/strong> since/);
    expect(html).toContain("rejected as not reproducible on");
    expect(offeredActions(html)).not.toContain("request_info");
    expect(html).toContain('<span class="badge sla-paused">Waiting for reporter</span>'); // the SLA badge
    expect(html).toContain('<span class="badge sla-paused">Paused</span>'); // each frozen deadline

    const again = await post(app, `/reports/${ref}/actions`, alice, {
      action: "request_info",
      message: "And?",
    });
    expect(again.status).toBe(303);
    expect(unescapeHtml(await (await follow(app, again, alice)).text())).toContain(
      "already waiting for the reporter",
    );

    const inbox = unescapeHtml(await (await get(app, "/inbox?sla=waiting", alice)).text());
    expect(inbox).toContain(`/reports/${ref}`);
    expect(inbox).toContain("Waiting for the reporter since");
    expect(inbox).toMatch(/<option value="waiting" selected="">/);
    const overdue = unescapeHtml(await (await get(app, "/inbox?sla=overdue", alice)).text());
    expect(overdue).not.toContain(`/reports/${ref}"`);

    const reporter = await get(app, `/r/${token}`);
    const reporterHtml = await reporter.text();
    expect(reporterHtml).toContain('id="needs-info"');
    expect(reporterHtml).toContain("The security team needs more information from you.");
    expect(reporterHtml).toContain("Answer the security team&#39;s question");
    expect(reporterHtml).toContain("Which browser &lt;b&gt;exactly&lt;/b&gt;?");
    expect(reporterHtml).not.toContain("<b>exactly</b>");

    const reply = await post(
      app,
      `/r/${token}/messages`,
      null,
      { body: "Firefox 128." },
      { multipart: true },
    );
    expect(reply.status).toBe(303);
    expect(await (await get(app, `/r/${token}`)).text()).not.toContain('id="needs-info"');
    expect(await page(ref)).not.toContain('id="waiting-for-reporter"');
  });

  it("refuses an unknown SLA filter with a clear message", async () => {
    const res = await get(app, "/inbox?sla=late", alice);
    expect(res.status).toBe(400);
    expect(unescapeHtml(await res.text())).toContain("sla must be one of overdue, team, waiting.");
  });

  it("runs request_info through the JSON API and lists waiting reports", async () => {
    const { id, ref } = await acknowledged();
    const call = (body: unknown) =>
      app.request(`/api/v1/reports/${ref}/actions`, {
        method: "POST",
        headers: { authorization: `Bearer ${team.alice.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const missing = await call({ action: "request_info" });
    expect(missing.status).toBe(400);
    expect(
      ((await missing.json()) as { error: { fields: Record<string, string> } }).error.fields,
    ).toHaveProperty("message");
    const ok = await call({ action: "request_info", message: "Which version?" });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { waitingSince: string | null; sla: { status: string } };
    expect(body.waitingSince).not.toBeNull();
    expect(body.sla.status).toBe("paused");
    const twice = await call({ action: "request_info", message: "Which version?" });
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as { error: { message: string } }).error.message).toMatch(/already waiting/);

    const list = await app.request("/api/v1/reports?sla=waiting", {
      headers: { authorization: `Bearer ${team.alice.token}` },
    });
    const items = ((await list.json()) as { items: { id: string; waitingSince: string | null }[] }).items;
    expect(items.map((i) => i.id)).toContain(id);
    expect(items.every((i) => i.waitingSince !== null)).toBe(true);

    const spec = (await (await app.request("/api/openapi.json")).json()) as Record<string, unknown>;
    expect(JSON.stringify(spec)).toContain('"request_info"');
  });

  it("saves the reminder lead time and the needs-info expiry, and names each wrong field keeping what was typed", async () => {
    const ok = await post(app, "/admin/settings/sla", admin, SLA_FORM);
    expect(ok.status).toBe(303);
    expect(await t.services.settings.sla()).toMatchObject({ reminderLeadHours: 12, needsInfoExpiryDays: 21 });
    const html = await (await get(app, "/admin/settings", admin)).text();
    expect(html).toContain('id="sla-reminder" name="reminderLeadHours" value="12"');
    expect(html).toContain('id="sla-needs-info" name="needsInfoExpiryDays" value="21"');

    const bad = await post(app, "/admin/settings/sla", admin, {
      ...SLA_FORM,
      reminderLeadHours: "0",
      needsInfoExpiryDays: "a month",
    });
    expect(bad.status).toBe(303);
    const badHtml = unescapeHtml(await (await follow(app, bad, admin)).text());
    expect(badHtml).toContain("Enter a whole number of hours from 1 to 720.");
    expect(badHtml).toContain("Enter a whole number of days from 1 to 365.");
    expect(badHtml).toContain('id="sla-reminder" name="reminderLeadHours" value="0"');
    expect(badHtml).toContain('id="sla-needs-info" name="needsInfoExpiryDays" value="a month"');
    expect(await t.services.settings.sla()).toMatchObject({ reminderLeadHours: 12, needsInfoExpiryDays: 21 });

    const tooMuch = await post(app, "/admin/settings/sla", admin, { ...SLA_FORM, reminderLeadHours: "721" });
    expect(tooMuch.status).toBe(303);
    expect(await t.services.settings.sla()).toMatchObject({ reminderLeadHours: 12 });
  });
});
