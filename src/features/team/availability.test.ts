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
import { giveKey } from "../../../test/helpers/pgp.ts";
import { users } from "../../db/schema.ts";

const VALID = {
  timeZone: "europe/berlin",
  hours: "set",
  days: ["1", "2", "3", "4", "5"],
  start: "09:00",
  end: "17:00",
  awayStart: ["2026-03-10", ""],
  awayEnd: ["2026-03-12", ""],
};

describe.each(DB_KINDS)("availability forms on %s", (kind) => {
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
    for (const m of [team.admin, team.alice, team.bob]) await giveKey(t, m.id);
    t.clock.set("2026-03-02T09:00:00Z"); // Monday, 10:00 in Berlin
  });
  afterAll(async () => {
    await t?.close();
  });

  const stored = async (id: string) => {
    const u = await t.services.team.byId(id);
    return { timeZone: u?.timeZone, workingHours: u?.workingHours, awayPeriods: u?.awayPeriods };
  };

  it("lets an admin set a member's zone, weekly hours and away periods, and shows who is available now", async () => {
    const path = `/admin/team/${team.bob.id}/availability`;
    const res = await post(app, path, admin, VALID);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/admin/team?done=availability#availability-${team.bob.id}`);
    expect(await stored(team.bob.id)).toEqual({
      timeZone: "Europe/Berlin",
      workingHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" },
      awayPeriods: [{ start: "2026-03-10", end: "2026-03-12" }],
    });
    let html = unescapeHtml(await (await get(app, "/admin/team?done=availability", admin)).text());
    expect(html).toContain("The availability was saved.");
    expect(html).toContain("Mon–Fri 09:00–17:00 · Europe/Berlin");
    expect(html).toContain("next away 2026-03-10 to 2026-03-12");
    expect(html).toContain('value="2026-03-10"');

    // 20:00 in Berlin: outside hours. On 11 March: away.
    t.clock.set("2026-03-02T19:00:00Z");
    html = unescapeHtml(await (await get(app, "/admin/team", admin)).text());
    expect(html).toContain("outside working hours (Mon–Fri 09:00–17:00 Europe/Berlin)");
    t.clock.set("2026-03-02T09:00:00Z");
    const away = await post(app, path, admin, {
      ...VALID,
      awayStart: ["2026-03-10", "2026-03-01"],
      awayEnd: ["2026-03-12", "2026-03-04"],
    });
    expect(away.status).toBe(303);
    html = unescapeHtml(await (await get(app, "/admin/team", admin)).text());
    expect(html).toContain("away until 2026-03-04");
    expect((await stored(team.bob.id)).awayPeriods).toEqual([
      { start: "2026-03-01", end: "2026-03-04" },
      { start: "2026-03-10", end: "2026-03-12" },
    ]);

    // "Any time" and removing the period.
    const cleared = await post(app, path, admin, {
      ...VALID,
      hours: "any",
      awayStart: ["2026-03-01", "2026-03-10", ""],
      awayEnd: ["2026-03-04", "2026-03-12", ""],
      awayRemove: ["0", "1"],
    });
    expect(cleared.status).toBe(303);
    expect(await stored(team.bob.id)).toEqual({
      timeZone: "Europe/Berlin",
      workingHours: null,
      awayPeriods: [],
    });
    const events = await t.database.db.execute(
      sql`select data from audit_events where action = 'team.availability_updated'`,
    );
    expect(JSON.stringify(events)).toContain(team.bob.id);
  });

  it.each([
    [
      "an unknown time zone",
      { timeZone: "Mars/Olympus" },
      "zone",
      '"Mars/Olympus" is not a known time zone; use a name like Europe/Berlin.',
      'value="Mars/Olympus"',
    ],
    [
      "an away period ending before it starts",
      { awayStart: ["2026-04-10", ""], awayEnd: ["2026-04-01", ""] },
      "end",
      "The last day cannot be before the first day.",
      'value="2026-04-01"',
    ],
    [
      "a malformed start time",
      { start: "9am" },
      "start",
      "Use a 24-hour start time like 09:00.",
      'value="9am"',
    ],
    ["a malformed end time", { end: "25:00" }, "end", "Use a 24-hour end time like 09:00.", 'value="25:00"'],
    ["no working days", { days: [] }, "days", "Choose at least one working day.", 'value="09:00"'],
    [
      "a date that does not exist",
      { awayStart: ["2026-02-30", ""], awayEnd: ["2026-03-01", ""] },
      "start",
      "The first day is not a real date.",
      'value="2026-02-30"',
    ],
  ] as const)(
    "refuses %s, names the field, keeps what was typed and stores nothing",
    async (_label, change, field, message, kept) => {
      const before = await stored(team.alice.id);
      const res = await post(app, `/admin/team/${team.alice.id}/availability`, admin, {
        ...VALID,
        ...change,
      });
      expect(res.status).toBe(303);
      const html = unescapeHtml(await (await follow(app, res, admin)).text());
      expect(html).toContain(message);
      expect(html).toContain(kept);
      expect(html).toMatch(new RegExp(`id="av-${team.alice.id}-[a-z0-9-]*${field}-error"`));
      expect(html).toContain('id="availability-error"');
      expect(html).toMatch(
        new RegExp(`<details class="card member-edit" id="availability-${team.alice.id}" open="">`),
      );
      expect(await stored(team.alice.id)).toEqual(before);
    },
  );

  it("lets members set their own availability, but only their own", async () => {
    const page = await get(app, "/account/availability", alice);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("My availability");
    const saved = await post(app, "/account/availability", alice, { ...VALID, timeZone: "Asia/Tokyo" });
    expect(saved.status).toBe(303);
    expect((await stored(team.alice.id)).timeZone).toBe("Asia/Tokyo");
    const bad = await post(app, "/account/availability", alice, { ...VALID, timeZone: "Nowhere/City" });
    expect(bad.status).toBe(303);
    expect(unescapeHtml(await (await follow(app, bad, alice)).text())).toContain('value="Nowhere/City"');
    expect((await stored(team.alice.id)).timeZone).toBe("Asia/Tokyo");

    expect((await post(app, `/admin/team/${team.bob.id}/availability`, alice, VALID)).status).toBe(403);
    expect((await get(app, "/account/availability", viewer)).status).toBe(403);
    expect((await post(app, "/account/availability", alice, VALID, { csrf: null })).status).toBe(403);
    await expect(t.services.team.updateAvailability(team.alice, team.bob.id, VALID)).rejects.toMatchObject({
      status: 403,
    });
  });

  it("shows the older away-until value as an away period, and clears it when saved", async () => {
    await t.database.db
      .update(users)
      .set({ awayUntil: new Date("2026-03-05T00:00:00Z") })
      .where(eq(users.id, team.bob.id));
    const html = unescapeHtml(await (await get(app, "/admin/team", admin)).text());
    expect(html).toContain("away until 2026-03-04");
    const res = await post(app, `/admin/team/${team.bob.id}/availability`, admin, {
      timeZone: "UTC",
      hours: "any",
      awayStart: ["1970-01-01", ""],
      awayEnd: ["2026-03-04", ""],
    });
    expect(res.status).toBe(303);
    const bob = await t.services.team.byId(team.bob.id);
    expect(bob?.awayUntil).toBeNull();
    expect(bob?.awayPeriods).toEqual([{ start: "1970-01-01", end: "2026-03-04" }]);
  });

  it("saves when to assign automatically on the settings page, and refuses an unknown choice", async () => {
    const page = await (await get(app, "/admin/settings", admin)).text();
    expect(page).toContain('name="autoAssign" value="on_acknowledge" checked=""');
    const org = await t.services.settings.org();
    const ok = await post(app, "/admin/settings", admin, { name: org.name, autoAssign: "at_intake" });
    expect(ok.status).toBe(303);
    expect((await t.services.settings.org()).autoAssign).toBe("at_intake");
    const bad = await post(app, "/admin/settings", admin, { name: "Renamed", autoAssign: "sometimes" });
    expect(bad.status).toBe(303);
    expect(await (await follow(app, bad, admin)).text()).toContain(
      "Choose when to assign a Response Manager automatically.",
    );
    expect(await t.services.settings.org()).toMatchObject({ name: org.name, autoAssign: "at_intake" });
    await post(app, "/admin/settings", admin, { name: org.name, autoAssign: "on_acknowledge" });
  });

  it("shows the ranked suggestions on the assign form and the nobody-available badge", async () => {
    await t.services.team.updateMember(team.admin.id, team.bob.id, { expertise: "web, xss" });
    await t.services.team.updateAvailability(team.admin, team.bob.id, {
      timeZone: "UTC",
      workingHours: null,
      awayPeriods: [],
    });
    await t.services.team.updateAvailability(team.admin, team.alice.id, {
      timeZone: "Asia/Tokyo",
      workingHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" },
      awayPeriods: [],
    });
    const { report } = await t.services.reports.submit(reportFields(), [], "web");
    const html = unescapeHtml(await (await get(app, `/reports/${report.reference}`, admin)).text());
    expect(html).toContain('id="assign-suggestions"');
    expect(html).toMatch(/<strong>Bob<\/strong> would be picked: expertise web\+xss, 0 open reports/);
    expect(html).toContain("Unavailable: Alice (outside working hours (Mon–Fri 09:00–17:00 Asia/Tokyo))");

    // Everyone away: acknowledging leaves it visibly unassigned.
    for (const m of [team.admin, team.alice, team.bob]) {
      await t.services.team.updateAvailability(team.admin, m.id, {
        timeZone: "UTC",
        workingHours: null,
        awayPeriods: [{ start: "2026-03-01", end: "2026-03-08" }],
      });
    }
    const ack = await post(app, `/reports/${report.reference}/actions`, admin, { action: "acknowledge" });
    expect(ack.status).toBe(303);
    const after = unescapeHtml(await (await get(app, `/reports/${report.reference}`, admin)).text());
    expect(after).toContain("Nobody available</span>");
    expect(after).toContain("Nobody was available to assign: Ada (away until 2026-03-08)");
    const inbox = unescapeHtml(await (await get(app, "/inbox", admin)).text());
    expect(inbox).toContain("Nobody available</span>");
  });
});
