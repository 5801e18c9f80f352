import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { listReportEvents } from "../../audit/audit-log.ts";
import { AppError } from "../../core/errors.ts";
import { disclosurePlans, releaseReports, releases, reports } from "../../db/schema.ts";
import { listOutbox } from "../outbox/outbox.repo.ts";
import { runDisclosureSweep } from "./disclosure.jobs.ts";

const DAY = 86_400_000;

interface AlertJob {
  event: string;
  reportId: string;
  userIds?: string[];
  detail?: string;
}

async function queuedAlerts(t: TestDb, event: string, reportId: string): Promise<AlertJob[]> {
  const result = (await t.database.db.execute(
    sql`select data from pgboss.job where name = 'team-alert' order by created_on, id`,
  )) as unknown as { rows: { data: AlertJob }[] };
  return result.rows.map((r) => r.data).filter((a) => a.event === event && a.reportId === reportId);
}

/** The error a call is refused with: its status, code and fields. */
async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (error) {
    if (error instanceof AppError)
      return { status: error.status, code: error.code, fields: error.fields ?? {} };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe.each(DB_KINDS)("disclosure requests and the 90-day clock on %s", (kind) => {
  let t: TestDb;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let alice: Actor;

  const submit = async (title: string) => {
    const r = await t.services.reports.submit(reportFields({ title }), [], "web");
    return { id: r.report.id, reference: r.report.reference, token: r.token };
  };
  const mailsTo = async (reportId: string) =>
    (await listOutbox(t.database.db, 1000))
      .filter((m) => m.reportId === reportId && m.toAddress === "researcher@example.net")
      .reverse();

  beforeAll(async () => {
    t = await createTestDb(kind);
    t.clock.set("2026-03-02T09:00:00Z");
    team = await makeTeam(t);
    alice = team.alice;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it("walks a negotiation move by move: each a dated entry both sides see, audited, and told to the other side", async () => {
    const r = await submit("Negotiated disclosure");
    const d = t.services.disclosure;
    const mailsBefore = (await mailsTo(r.id)).length;
    // A table of moves: who makes it, with what, and where the negotiation then stands.
    const moves: {
      run: () => Promise<unknown>;
      state: string;
      alert?: boolean;
      mail?: boolean;
    }[] = [
      {
        run: () => d.requestAsReporter(r.token, { date: "2026-04-15", message: "Our talk is on 16 April." }),
        state: "requested",
        alert: true,
      },
      {
        run: async () =>
          d.answer(alice, r.id, (await d.teamView(r.id)).openRequestId!, {
            decision: "propose",
            date: "2026-05-06",
            reason: "The fix ships with 4.2 on 5 May.",
          }),
        state: "countered",
        mail: true,
      },
      {
        run: async () => d.acceptAsReporter(r.token, (await d.teamView(r.id)).openRequestId!),
        state: "agreed",
        alert: true,
      },
      {
        run: () => d.requestAsReporter(r.token, { date: "2026-04-20", message: "Could it be earlier?" }),
        state: "requested",
        alert: true,
      },
      {
        run: async () =>
          d.answer(alice, r.id, (await d.teamView(r.id)).openRequestId!, {
            decision: "decline",
            reason: "Downstream distributions need the time.",
          }),
        state: "declined",
        mail: true,
      },
      {
        run: () => d.requestAsReporter(r.token, { date: "2026-05-01", message: "" }),
        state: "requested",
        alert: true,
      },
      {
        run: async () =>
          d.answer(alice, r.id, (await d.teamView(r.id)).openRequestId!, { decision: "agree" }),
        state: "agreed",
        mail: true,
      },
    ];
    let alerts = 0;
    let mails = mailsBefore;
    for (const [i, m] of moves.entries()) {
      t.clock.advance(DAY);
      await m.run();
      const view = await d.teamView(r.id);
      expect(view.state, `move ${i}`).toBe(m.state);
      expect(view.entries).toHaveLength(i + 1);
      if (m.alert) alerts += 1;
      if (m.mail) mails += 1;
      expect((await queuedAlerts(t, "disclosure_requested", r.id)).length, `alerts after move ${i}`).toBe(
        alerts,
      );
      expect((await mailsTo(r.id)).length, `mails after move ${i}`).toBe(mails);
    }
    const view = await d.teamView(r.id);
    expect(view.entries.map((e) => [e.move, e.by, e.date])).toEqual([
      ["request", "reporter", "2026-04-15"],
      ["propose", "team", "2026-05-06"],
      ["accept", "reporter", "2026-05-06"],
      ["request", "reporter", "2026-04-20"],
      ["decline", "team", null],
      ["request", "reporter", "2026-05-01"],
      ["agree", "team", "2026-05-01"],
    ]);
    expect(view.entries[1]!.text).toBe("The fix ships with 4.2 on 5 May.");
    expect(view.plannedDate).toBe("2026-05-01");
    // The reporter sees the same entries through the provider the reporter API calls.
    const reporterSide = await d.disclosureForReporter(r.id);
    expect(reporterSide!.entries.map((e) => e.move)).toEqual(view.entries.map((e) => e.move));
    const actions = (await listReportEvents(t.database.db, r.id)).map((e) => e.action);
    expect(actions.filter((a) => a.startsWith("disclosure."))).toEqual([
      "disclosure.request",
      "disclosure.propose",
      "disclosure.accept",
      "disclosure.request",
      "disclosure.decline",
      "disclosure.request",
      "disclosure.agree",
    ]);
    // The mail says there is news, never the dates or reasons.
    for (const mail of await mailsTo(r.id)) expect(mail.body).not.toContain("Downstream");
  });

  it("refuses moves out of turn and bad input with a specific field, and stores nothing", async () => {
    const r = await submit("Refused moves");
    const d = t.services.disclosure;
    expect(await refusal(d.requestAsReporter(r.token, { date: "2026-02-30", message: "x" }))).toMatchObject({
      status: 400,
      fields: { date: expect.stringMatching(/YYYY-MM-DD/) },
    });
    expect(await refusal(d.requestAsReporter(r.token, { date: "2020-01-01" }))).toMatchObject({
      status: 400,
      fields: { date: expect.stringMatching(/after today/) },
    });
    expect(await refusal(d.requestAsReporter(r.token, { date: "2099-01-01" }))).toMatchObject({
      fields: { date: expect.stringMatching(/two years/) },
    });
    expect(
      await refusal(d.requestAsReporter(r.token, { date: "2026-06-01", message: "x".repeat(5001) })),
    ).toMatchObject({ status: 400, fields: { message: expect.any(String) } });
    expect(await refusal(d.requestAsReporter("A".repeat(22), { date: "2026-06-01" }))).toMatchObject({
      status: 404,
    });
    expect(await refusal(d.requestAsReporter(r.token, "not an object"))).toMatchObject({ status: 400 });
    expect((await d.teamView(r.id)).entries).toEqual([]);

    const first = await d.requestAsReporter(r.token, { date: "2026-06-01", message: "June?" });
    expect(
      await refusal(d.answer(alice, r.id, first.id, { decision: "propose", date: "2026-07-01" })),
    ).toMatchObject({
      status: 400,
      fields: { reason: expect.stringMatching(/why another date/) },
    });
    expect(
      await refusal(d.answer(alice, r.id, first.id, { decision: "decline", reason: "  " })),
    ).toMatchObject({
      status: 400,
      fields: { reason: expect.stringMatching(/why disclosure is declined/) },
    });
    expect(await refusal(d.answer(alice, r.id, first.id, { decision: "publish" }))).toMatchObject({
      status: 400,
      fields: { decision: expect.any(String) },
    });
    expect(await refusal(d.answer(team.viewer, r.id, first.id, { decision: "agree" }))).toMatchObject({
      status: 403,
    });
    expect(await refusal(d.acceptAsReporter(r.token, first.id))).toMatchObject({
      status: 409,
      code: "invalid_transition",
    });
    const second = await d.requestAsReporter(r.token, { date: "2026-06-02", message: "" }).catch((e) => e);
    // A request while one waits is refused: the team has not answered yet.
    expect(second).toBeInstanceOf(AppError);
    expect(
      await refusal(d.answer(alice, r.id, "00000000-0000-4000-8000-000000000000", { decision: "agree" })),
    ).toMatchObject({ status: 404 });
    expect((await d.teamView(r.id)).entries).toHaveLength(1);
  });

  it("links the agreed date to the release that covers the report", async () => {
    const r = await submit("Covered by a release");
    const [release] = await t.database.db
      .insert(releases)
      .values({
        version: "4.2.0",
        track: "security",
        state: "scheduled",
        publishAt: new Date("2026-06-10T12:00:00Z"),
        createdBy: team.admin.id,
        updatedAt: t.clock(),
      })
      .returning();
    await t.database.db.insert(releaseReports).values({ releaseId: release!.id, reportId: r.id });
    const req = await t.services.disclosure.requestAsReporter(r.token, { date: "2026-06-10" });
    await t.services.disclosure.answer(alice, r.id, req.id, { decision: "agree" });
    const [plan] = await t.database.db
      .select()
      .from(disclosurePlans)
      .where(eq(disclosurePlans.reportId, r.id));
    expect(plan).toMatchObject({ plannedDate: "2026-06-10", releaseId: release!.id });
    const view = await t.services.disclosure.teamView(r.id);
    expect(view.release).toMatchObject({ version: "4.2.0" });
    expect(view.clock).toBe("on_track");
  });

  it("needs a reason and a later date to extend the target, and tells the reporter", async () => {
    const r = await submit("Extended target");
    const d = t.services.disclosure;
    const before = await d.teamView(r.id);
    expect(before.target.getTime() - t.clock().getTime()).toBe(90 * DAY);
    const mails = (await mailsTo(r.id)).length;
    expect(await refusal(d.extendTarget(alice, r.id, { until: "2026-12-01" }))).toMatchObject({
      status: 400,
      fields: { reason: expect.stringMatching(/needs a reason/) },
    });
    expect(await refusal(d.extendTarget(alice, r.id, { until: "2026-03-10", reason: "x" }))).toMatchObject({
      status: 400,
      fields: { until: expect.stringMatching(/later/) },
    });
    expect(await refusal(d.extendTarget(alice, r.id, { until: "soon", reason: "x" }))).toMatchObject({
      fields: { until: expect.any(String) },
    });
    expect(
      await refusal(d.extendTarget(team.viewer, r.id, { until: "2026-12-01", reason: "x" })),
    ).toMatchObject({
      status: 403,
    });
    expect((await mailsTo(r.id)).length).toBe(mails);
    await d.extendTarget(alice, r.id, {
      until: "2026-12-01",
      reason: "The upstream library fix lands in November.",
    });
    const after = await d.teamView(r.id);
    expect(after.target.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(after.extensions).toMatchObject([{ reason: "The upstream library fix lands in November." }]);
    expect((await d.disclosureForReporter(r.id))!.extensions[0]!.reason).toMatch(/upstream/);
    const told = await mailsTo(r.id);
    expect(told.length).toBe(mails + 1);
    expect(told.at(-1)!.body).toContain("2026-12-01");
    expect((await listReportEvents(t.database.db, r.id)).map((e) => e.action)).toContain("disclosure.extend");
  });

  it("adds the SLA pause to the target", async () => {
    const r = await submit("Paused clock");
    await t.database.db
      .update(reports)
      .set({ pausedMs: 5 * DAY })
      .where(eq(reports.id, r.id));
    const view = await t.services.disclosure.teamView(r.id);
    expect(view.target.getTime() - t.clock().getTime()).toBe(95 * DAY);
  });

  it("warns the Response Manager and admins once, 14 days before the target with no release scheduled", async () => {
    t.clock.set("2026-03-02T09:00:00Z");
    const r = await submit("Sweep warning");
    await t.database.db.update(reports).set({ assigneeId: alice.id }).where(eq(reports.id, r.id));
    await runDisclosureSweep({ db: t.database.db, jobs: t.jobs, clock: t.clock, alerts: t.services.alerts });
    expect(await queuedAlerts(t, "disclosure_due", r.id)).toEqual([]);
    t.clock.advance(76 * DAY + 1000); // 14 days less a second before the target
    await runDisclosureSweep({ db: t.database.db, jobs: t.jobs, clock: t.clock, alerts: t.services.alerts });
    await runDisclosureSweep({ db: t.database.db, jobs: t.jobs, clock: t.clock, alerts: t.services.alerts });
    const warnings = await queuedAlerts(t, "disclosure_due", r.id);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.userIds).toEqual([alice.id, team.admin.id]);
    expect(warnings[0]!.detail).toMatch(/2026-05-31.*no release scheduled/);
    t.clock.advance(DAY);
    await runDisclosureSweep({ db: t.database.db, jobs: t.jobs, clock: t.clock, alerts: t.services.alerts });
    expect(await queuedAlerts(t, "disclosure_due", r.id)).toHaveLength(1);
    expect(
      (await listReportEvents(t.database.db, r.id)).filter((e) => e.action === "disclosure.warning"),
    ).toHaveLength(1);
    // A new target (an extension) is a new date: it warns again when that comes near.
    await t.services.disclosure.extendTarget(alice, r.id, { until: "2026-07-01", reason: "Vendor asked." });
    t.clock.set("2026-06-20T00:00:00Z");
    await runDisclosureSweep({ db: t.database.db, jobs: t.jobs, clock: t.clock, alerts: t.services.alerts });
    expect(await queuedAlerts(t, "disclosure_due", r.id)).toHaveLength(2);
    t.clock.set("2026-03-02T09:00:00Z");
  });

  it("shows the report overdue on the target date only when the reporter asked for disclosure", async () => {
    t.clock.set("2026-03-02T09:00:00Z");
    const asked = await submit("Overdue asked");
    const silent = await submit("Overdue silent");
    await t.services.disclosure.requestAsReporter(asked.token, { date: "2026-04-01" });
    t.clock.advance(90 * DAY);
    const clocks = await t.services.disclosure.clocks([asked.id, silent.id]);
    expect(clocks.get(asked.id)!.clock).toBe("overdue");
    expect(clocks.get(silent.id)!.clock).toBe("due_soon");
    expect((await t.services.disclosure.disclosureForReporter(asked.id))!.clock).toBe("overdue");
    expect((await t.services.disclosure.teamView(asked.id)).clock).toBe("overdue");
    t.clock.set("2026-03-02T09:00:00Z");
  });
});
