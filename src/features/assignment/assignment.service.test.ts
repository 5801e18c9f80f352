import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { giveKey } from "../../../test/helpers/pgp.ts";
import { reports, users } from "../../db/schema.ts";

type Team = Awaited<ReturnType<typeof makeTeam>>;

describe.each(DB_KINDS)("automatic Response Manager assignment on %s", (kind) => {
  let t: TestDb;
  let team: Team;

  beforeAll(async () => {
    t = await createTestDb(kind);
    team = await makeTeam(t);
    for (const m of [team.admin, team.alice, team.bob]) await giveKey(t, m.id);
  });
  afterAll(async () => {
    await t?.close();
  });
  // Each case starts from an idle team: earlier reports closed, no expertise, available any time, never assigned.
  beforeEach(async () => {
    t.clock.set("2026-03-02T09:00:00Z"); // a Monday
    await t.database.db.update(reports).set({ state: "closed" });
    await t.database.db.update(users).set({
      expertise: [],
      timeZone: "UTC",
      workingHours: null,
      awayPeriods: [],
      awayUntil: null,
      lastAssignedAt: null,
    });
    await setAutoAssign("on_acknowledge");
  });

  const rows = async (q: ReturnType<typeof sql>) =>
    ((await t.database.db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;
  const alerts = async (event: string, reportId: string) =>
    (await rows(sql`select data from pgboss.job where name = 'team-alert'`))
      .map((r) => (typeof r.data === "string" ? JSON.parse(r.data) : r.data) as Record<string, unknown>)
      .filter((d) => d.event === event && d.reportId === reportId);
  const events = async (reportId: string, actions: string[]) =>
    (
      await rows(sql`select action, data from audit_events where report_id = ${reportId} order by seq`)
    ).filter((r) => actions.includes(String(r.action)));
  const assigneeOf = async (reportId: string) =>
    (await t.services.reports.teamView(reportId)).assigneeUser?.name;
  const setExpertise = (id: string, expertise: string) =>
    t.services.team.updateMember(team.admin.id, id, { expertise });
  const setAvailability = (id: string, input: Record<string, unknown>) =>
    t.services.team.updateAvailability(team.admin, id, {
      timeZone: "UTC",
      workingHours: null,
      awayPeriods: [],
      ...input,
    });
  const setAutoAssign = async (mode: string) => {
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: mode });
  };
  const submit = async () => (await t.services.reports.submit(reportFields(), [], "web")).report;
  /** Acknowledges the report and answers with the team's view of it. */
  const acknowledge = async (id: string) => {
    await t.services.reports.act(team.admin, id, { action: "acknowledge" });
    return t.services.reports.teamView(id);
  };
  const AUTO = ["report.auto_assign", "report.nobody_available"];

  it("assigns on acknowledgement by default, explains it on the timeline and alerts the assignee", async () => {
    await setExpertise(team.alice.id, "web, xss");
    await setExpertise(team.bob.id, "crypto");
    const report = await submit();
    expect(await assigneeOf(report.id)).toBeUndefined();
    expect(await events(report.id, AUTO)).toEqual([]);

    t.clock.advance(3_600_000);
    const view = await acknowledge(report.id);
    expect(view.assigneeUser?.name).toBe("Alice");
    const text =
      "Assigned to Alice automatically: expertise web+xss, 0 open reports (load 0), never assigned before.";
    expect(view.timeline.map((e) => e.text)).toContain(text);
    expect(view.timeline.at(-1)).toMatchObject({ action: "report.auto_assign", actor: "Embargo", text });
    const [event] = await events(report.id, AUTO);
    expect(event?.data).toMatchObject({
      trigger: "acknowledge",
      assignee: { id: team.alice.id, name: "Alice" },
      matchedTags: ["web", "xss"],
      openReports: 0,
    });
    expect((await t.services.team.byId(team.alice.id))?.lastAssignedAt?.toISOString()).toBe(
      "2026-03-02T10:00:00.000Z",
    );
    const assigned = await alerts("report_assigned", report.id);
    expect(assigned).toEqual([expect.objectContaining({ reportId: report.id, userIds: [team.alice.id] })]);
    expect(assigned[0]!.occurrence).toEqual(expect.any(String));
  });

  it("assigns at intake when configured, and does not assign again on acknowledgement", async () => {
    await setAutoAssign("at_intake");
    await setExpertise(team.bob.id, "web");
    const report = await submit();
    expect(await assigneeOf(report.id)).toBe("Bob");
    const [event] = await events(report.id, AUTO);
    expect(event?.data).toMatchObject({ trigger: "intake" });
    await acknowledge(report.id);
    expect(await events(report.id, AUTO)).toHaveLength(1);
    expect(await assigneeOf(report.id)).toBe("Bob");
  });

  it("never assigns when switched off", async () => {
    await setAutoAssign("off");
    const report = await submit();
    await acknowledge(report.id);
    expect(await assigneeOf(report.id)).toBeUndefined();
    expect(await events(report.id, AUTO)).toEqual([]);
    expect(await alerts("report_assigned", report.id)).toEqual([]);
    expect(await alerts("nobody_available", report.id)).toEqual([]);
    expect((await t.services.reports.teamView(report.id)).nobodyAvailable).toBeNull();
  });

  it("lets a manual assignment win and records when that member was last assigned", async () => {
    await setExpertise(team.alice.id, "web, xss, frontend");
    const report = await submit();
    t.clock.advance(60_000);
    await t.services.reports.act(team.admin, report.id, { action: "assign", assignee: team.bob.email });
    expect((await t.services.team.byId(team.bob.id))?.lastAssignedAt?.toISOString()).toBe(
      "2026-03-02T09:01:00.000Z",
    );
    expect(await alerts("report_assigned", report.id)).toEqual([
      expect.objectContaining({ reportId: report.id, userIds: [team.bob.id] }),
    ]);
    await acknowledge(report.id);
    expect(await assigneeOf(report.id)).toBe("Bob");
    expect(await events(report.id, AUTO)).toEqual([]);
  });

  it("reads away periods and working hours in each member's time zone, and tells the admins when nobody is free", async () => {
    // 12:00 UTC on Monday: 21:00 in Tokyo, 07:00 in New York, already 01:00 on Tuesday in Auckland.
    t.clock.set("2026-03-02T12:00:00Z");
    await setAvailability(team.admin.id, {
      timeZone: "Pacific/Auckland",
      awayPeriods: [{ start: "2026-03-03", end: "2026-03-03" }],
    });
    await setAvailability(team.alice.id, {
      timeZone: "Asia/Tokyo",
      workingHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" },
    });
    await setAvailability(team.bob.id, {
      timeZone: "America/New_York",
      awayPeriods: [{ start: "2026-03-02", end: "2026-03-06" }],
    });
    const report = await submit();
    const view = await acknowledge(report.id);
    expect(view.assigneeUser).toBeNull();
    const reasons =
      "Nobody was available to assign: Ada (away until 2026-03-03), Alice (outside working hours (Mon–Fri 09:00–17:00 Asia/Tokyo)), Bob (away until 2026-03-06). The admins were alerted.";
    expect(view.timeline.at(-1)).toMatchObject({ action: "report.nobody_available", text: reasons });
    expect(view.nobodyAvailable).toBe(reasons);
    const told = await alerts("nobody_available", report.id);
    expect(told).toEqual([expect.objectContaining({ reportId: report.id, userIds: [team.admin.id] })]);
    const inbox = await t.services.reports.inbox({});
    expect(inbox.items.find((i) => i.id === report.id)?.nobodyAvailable).toBe(true);

    // 01:00 UTC on Tuesday is 10:00 in Tokyo: Alice is at work, the others are still away.
    t.clock.set("2026-03-03T01:00:00Z");
    const next = await submit();
    expect((await acknowledge(next.id)).assigneeUser?.name).toBe("Alice");
    // A person assigning the first report clears its badge.
    await t.services.reports.act(team.admin, report.id, { action: "assign", assignee: team.alice.email });
    expect((await t.services.reports.teamView(report.id)).nobodyAvailable).toBeNull();
    const after = await t.services.reports.inbox({});
    expect(after.items.find((i) => i.id === report.id)?.nobodyAvailable).toBe(false);
  });

  it("weighs open reports by severity when expertise ties", async () => {
    await setExpertise(team.alice.id, "web");
    await setExpertise(team.bob.id, "web");
    const give = async (who: string, severity: string) => {
      const r = await submit();
      await t.services.reports.act(team.admin, r.id, { action: "assign", assignee: who });
      await t.database.db.update(reports).set({ severity }).where(eq(reports.id, r.id));
      return r;
    };
    const aliceCritical = await give(team.alice.email, "critical");
    await give(team.bob.email, "low");
    await give(team.bob.email, "low");
    t.clock.advance(86_400_000);
    const report = await submit();
    const view = await acknowledge(report.id);
    expect(view.assigneeUser?.name).toBe("Bob");
    expect(view.timeline.at(-1)?.text).toBe(
      "Assigned to Bob automatically: expertise web, 2 open reports (load 4), last assigned 1 day ago.",
    );
    // Alice's critical report turns out to be a note: her load drops below Bob's three reports.
    await t.database.db.update(reports).set({ severity: "note" }).where(eq(reports.id, aliceCritical.id));
    const another = await submit();
    expect((await acknowledge(another.id)).assigneeUser?.name).toBe("Alice");
    const suggestions = await t.services.assignment.suggest(another.reference);
    expect(suggestions.ranking.map((r) => r.name)).toEqual(["Alice", "Bob", "Ada"]);
    expect(suggestions.tags).toEqual(["web", "xss", "frontend", "cwe-79"]);
  });

  it("passes over members without an OpenPGP key, and says so", async () => {
    await setExpertise(team.alice.id, "web, xss");
    await t.services.keys.removeMemberKey(team.admin, team.alice.id);
    try {
      const report = await submit();
      const view = await acknowledge(report.id);
      expect(view.assigneeUser?.name).not.toBe("Alice");
      expect((await t.services.assignment.suggest(report.id)).unavailable).toEqual([
        expect.objectContaining({ name: "Alice", why: "ineligible", detail: "no OpenPGP key" }),
      ]);
    } finally {
      await giveKey(t, team.alice.id);
    }
  });

  it("honours the older away-until column until availability is saved", async () => {
    await t.database.db
      .update(users)
      .set({ awayUntil: new Date("2026-03-10T00:00:00Z") })
      .where(eq(users.id, team.alice.id));
    await setExpertise(team.alice.id, "web, xss");
    const report = await submit();
    const view = await acknowledge(report.id);
    expect(view.assigneeUser?.name).not.toBe("Alice");
    const suggestions = await t.services.assignment.suggest(report.id);
    expect(suggestions.unavailable).toEqual([
      expect.objectContaining({ name: "Alice", why: "away", detail: "away until 2026-03-09" }),
    ]);
    await setAvailability(team.alice.id, {});
    expect((await t.services.team.byId(team.alice.id))?.awayUntil).toBeNull();
  });
});
