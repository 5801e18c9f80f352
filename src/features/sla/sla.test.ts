import { sql } from "drizzle-orm";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Actor, makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { listReportEvents } from "../../audit/audit-log.ts";
import { AppError } from "../../core/errors.ts";
import { startJobQueue } from "../../jobs/queue.ts";
import { ALL_QUEUES } from "../../jobs/workers.ts";
import { createServices } from "../../services.ts";
import { listOutbox } from "../outbox/outbox.repo.ts";
import { findReport } from "../reports/reports.repo.ts";
import { createSlaSweepHandler, runSlaSweep, SLA_SWEEP, scheduleSlaSweep } from "./sla.jobs.ts";
import { listSlaNotices } from "./sla.repo.ts";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

interface AlertJob {
  event: string;
  reportId: string;
  userIds?: string[];
  detail?: string;
  occurrence: string;
}

/** The team alerts queued so far (no worker runs in these tests, so they wait in the queue). */
async function queuedAlerts(t: TestDb, event?: string): Promise<AlertJob[]> {
  const result = (await t.database.db.execute(
    sql`select data from pgboss.job where name = 'team-alert' order by created_on, id`,
  )) as unknown as { rows: { data: AlertJob }[] };
  return result.rows.map((r) => r.data).filter((a) => event === undefined || a.event === event);
}

async function sweepJobs(t: TestDb) {
  const result = (await t.database.db.execute(
    sql`select state, start_after from pgboss.job where name = 'sla-sweep' order by created_on`,
  )) as unknown as { rows: { state: string; start_after: string | Date }[] };
  return result.rows;
}

function sweep(t: TestDb) {
  return runSlaSweep({
    db: t.database.db,
    jobs: t.jobs,
    clock: t.clock,
    reports: t.services.reports,
    settings: t.services.settings,
    alerts: t.services.alerts,
  });
}

// Generous limits: each test starts a fresh database and pg-boss, and the machine may be busy.
describe.each(DB_KINDS)("the SLA engine on %s", { timeout: 90_000 }, (kind) => {
  let t: TestDb;
  let team: Awaited<ReturnType<typeof makeTeam>>;

  beforeEach(async () => {
    t = await createTestDb(kind);
    team = await makeTeam(t);
  });
  afterEach(async () => {
    await t.close();
  });

  /** A report received Monday 2026-03-02 09:00 UTC, assigned to Alice and acknowledged at once. */
  async function handledReport(by: Actor = team.alice) {
    const { report, token } = await t.services.reports.submit(reportFields(), [], "web");
    await t.services.reports.act(team.admin, report.id, { action: "assign", assignee: by.email });
    await t.services.reports.act(by, report.id, { action: "acknowledge" });
    return { id: report.id, reference: report.reference, token };
  }

  const row = async (id: string) => (await findReport(t.database.db, id))!;

  it("reminds the Response Manager once before the triage deadline, even when the sweep runs twice", async () => {
    const { id } = await handledReport();
    t.clock.set("2026-03-08T08:59:59Z"); // triage due Mon 09 09:00: just over 24 h ahead
    expect(await sweep(t)).toEqual({ reminders: 0, breaches: 0, expired: 0 });
    t.clock.set("2026-03-08T10:00:00Z");
    expect(await sweep(t)).toEqual({ reminders: 1, breaches: 0, expired: 0 });
    expect(await sweep(t)).toEqual({ reminders: 0, breaches: 0, expired: 0 });

    const reminders = await queuedAlerts(t, "sla_reminder");
    expect(reminders).toEqual([
      {
        event: "sla_reminder",
        reportId: id,
        userIds: [team.alice.id],
        detail: "triage due 2026-03-09 09:00 UTC",
        occurrence: `${id}:triage:2026-03-09T09:00:00.000Z`,
      },
    ]);
    const notices = await listSlaNotices(t.database.db, id);
    expect(notices.map((n) => [n.item, n.kind, n.dueAt.toISOString()])).toEqual([
      ["triage", "reminder", "2026-03-09T09:00:00.000Z"],
    ]);
    const events = await listReportEvents(t.database.db, id);
    const audit = events.filter((e) => e.action === "sla.reminder");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorType: "system",
      data: { item: "triage", userIds: [team.alice.id] },
    });
  });

  it("escalates a missed deadline to the admins, once", async () => {
    const { id } = await handledReport();
    t.clock.set("2026-03-09T09:00:01Z");
    const first = await sweep(t);
    expect(first.breaches).toBe(1);
    await sweep(t);
    t.clock.advance(HOUR);
    await sweep(t);
    const breaches = await queuedAlerts(t, "sla_breach");
    expect(breaches).toEqual([
      {
        event: "sla_breach",
        reportId: id,
        userIds: [team.admin.id],
        detail: "triage was due 2026-03-09 09:00 UTC",
        occurrence: `${id}:triage:2026-03-09T09:00:00.000Z`,
      },
    ]);
    // The reminder was never sent on time (the sweep first ran after the deadline): only the escalation goes out.
    expect(await queuedAlerts(t, "sla_reminder")).toEqual([]);
    const events = await listReportEvents(t.database.db, id);
    expect(events.filter((e) => e.action === "sla.breach")).toHaveLength(1);
  });

  it("reminds the admins when nobody is assigned yet", async () => {
    const { report } = await t.services.reports.submit(reportFields(), [], "web");
    await sweep(t); // acknowledge due in 24 h: within the default lead time
    const reminders = await queuedAlerts(t, "sla_reminder");
    expect(reminders.map((r) => [r.userIds, r.detail])).toEqual([
      [[team.admin.id], "acknowledge due 2026-03-03 09:00 UTC"],
    ]);
    expect(reminders[0]?.reportId).toBe(report.id);
  });

  it("honours the configured lead time", async () => {
    await t.services.settings.updateSla(team.admin.id, { reminderLeadHours: 2 });
    await handledReport();
    t.clock.set("2026-03-09T06:59:00Z");
    await sweep(t);
    expect(await queuedAlerts(t, "sla_reminder")).toEqual([]);
    t.clock.set("2026-03-09T07:00:00Z");
    await sweep(t);
    expect((await queuedAlerts(t, "sla_reminder")).map((r) => r.detail)).toEqual([
      "triage due 2026-03-09 09:00 UTC",
    ]);
  });

  it("asks the reporter through request_info: a reporter-visible message, a mail, the flag and the paused clock", async () => {
    const { id, token } = await handledReport();
    t.clock.set("2026-03-04T09:00:00Z");
    const mailsBefore = (await listOutbox(t.database.db)).length;
    await t.services.reports.act(team.alice, id, {
      action: "request_info",
      message: "Which browser did you use?",
    });
    const view = await t.services.reports.teamView(id);
    expect(view.state).toBe("acknowledged");
    expect(view.waitingSince?.toISOString()).toBe("2026-03-04T09:00:00.000Z");
    expect(view.sla.status).toBe("paused");
    expect(view.availableActions).not.toContain("request_info");
    const r = await row(id);
    expect([r.needsInfo, r.needsInfoSince?.toISOString()]).toEqual([true, "2026-03-04T09:00:00.000Z"]);

    const reporter = await t.services.reports.reporterView(token);
    expect(reporter?.waitingSince?.toISOString()).toBe("2026-03-04T09:00:00.000Z");
    expect(reporter?.messages.at(-1)).toMatchObject({
      from: "Security team",
      body: "Which browser did you use?",
    });
    const mails = await listOutbox(t.database.db);
    expect(mails).toHaveLength(mailsBefore + 1);
    expect(
      mails.some((m) => m.toAddress === "researcher@example.net" && !m.body.includes("Which browser")),
    ).toBe(true);
    const events = await listReportEvents(t.database.db, id);
    expect(events.at(-1)).toMatchObject({
      action: "report.request_info",
      actorType: "user",
      actorId: team.alice.id,
    });
  });

  it("sends no reminders and no escalations for paused deadlines, however long the wait", async () => {
    const { id } = await handledReport();
    t.clock.set("2026-03-03T09:00:00Z");
    await t.services.reports.act(team.alice, id, { action: "request_info", message: "Which version?" });
    for (const at of ["2026-03-08T10:00:00Z", "2026-03-09T10:00:00Z", "2026-03-25T10:00:00Z"]) {
      t.clock.set(at);
      expect(await sweep(t)).toEqual({ reminders: 0, breaches: 0, expired: 0 });
    }
    expect(await listSlaNotices(t.database.db, id)).toEqual([]);
    const inbox = await t.services.reports.inbox({ sla: "overdue" });
    expect(inbox.items.map((i) => i.id)).toEqual([]);
  });

  it("restarts the clock when the reporter replies: the flag clears and the running deadlines move back", async () => {
    const { id, token } = await handledReport();
    t.clock.set("2026-03-04T09:00:00Z"); // Wednesday
    await t.services.reports.act(team.alice, id, { action: "request_info", message: "Which version?" });
    t.clock.set("2026-03-06T09:00:00Z"); // Friday: two business days later
    await t.services.reports.replyAsReporter(token, { body: "Version 2.3 on Firefox." });

    const r = await row(id);
    expect(r.needsInfo).toBe(false);
    expect(r.needsInfoSince).toBeNull();
    expect(r.pausedMs).toBe(2 * DAY);
    expect(r.triageBy.toISOString()).toBe("2026-03-11T09:00:00.000Z"); // was Mon 09, +2 business days
    expect(r.resolveBy.toISOString()).toBe("2026-06-02T09:00:00.000Z"); // was 05-31, +2 days
    expect(r.acknowledgeBy.toISOString()).toBe("2026-03-03T09:00:00.000Z"); // met: unchanged
    const reporter = await t.services.reports.reporterView(token);
    expect(reporter?.waitingSince).toBeNull();
    expect(reporter?.deadlines.triageBy?.toISOString()).toBe("2026-03-11T09:00:00.000Z");
    const resumed = (await listReportEvents(t.database.db, id)).filter((e) => e.action === "sla.resumed");
    expect(resumed).toHaveLength(1);
    expect(resumed[0]).toMatchObject({
      actorType: "reporter",
      data: { why: "reporter_replied", pausedMs: 2 * DAY },
    });

    // The reminder now comes before the moved deadline, not the old one.
    t.clock.set("2026-03-09T10:00:00Z");
    await sweep(t);
    expect(await queuedAlerts(t, "sla_breach")).toEqual([]);
    t.clock.set("2026-03-10T10:00:00Z");
    await sweep(t);
    expect((await queuedAlerts(t, "sla_reminder")).map((a) => a.detail)).toEqual([
      "triage due 2026-03-11 09:00 UTC",
    ]);
    // A second reply changes nothing more.
    await t.services.reports.replyAsReporter(token, { body: "Also on Chrome." });
    expect((await row(id)).pausedMs).toBe(2 * DAY);
    // And the team may ask again.
    await t.services.reports.act(team.alice, id, { action: "request_info", message: "Which OS?" });
    const again = await t.services.reports.teamView(id);
    expect(again.waitingSince).not.toBeNull();
  });

  it("rejects as not_reproducible after the expiry with no answer, tells the reporter and alerts the team", async () => {
    const { id, token } = await handledReport();
    t.clock.set("2026-03-03T09:00:00Z");
    await t.services.reports.act(team.alice, id, { action: "request_info", message: "Which version?" });
    t.clock.set(new Date(Date.parse("2026-03-03T09:00:00Z") + 30 * DAY - 1000));
    expect((await sweep(t)).expired).toBe(0);
    expect((await row(id)).state).toBe("acknowledged");

    const mailsBefore = (await listOutbox(t.database.db)).length;
    t.clock.advance(1000);
    expect(await sweep(t)).toEqual({ reminders: 0, breaches: 0, expired: 1 });
    expect(await sweep(t)).toEqual({ reminders: 0, breaches: 0, expired: 0 });

    const r = await row(id);
    expect([r.state, r.rejectionReason, r.needsInfo]).toEqual(["rejected", "not_reproducible", false]);
    const reporter = await t.services.reports.reporterView(token);
    expect(reporter?.state).toBe("rejected");
    expect(reporter?.waitingSince).toBeNull();
    expect(reporter?.messages.at(-1)?.body).toContain("closed the report as not reproducible");
    expect(reporter?.timeline.map((s) => s.text)).toContain("Closed without a fix: Not reproducible");
    const mails = await listOutbox(t.database.db);
    expect(mails).toHaveLength(mailsBefore + 1);
    expect(mails.at(-1)?.toAddress).toBe("researcher@example.net");
    const expired = await queuedAlerts(t, "needs_info_expired");
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({
      reportId: id,
      userIds: [team.alice.id, team.admin.id],
      occurrence: `${id}:2026-03-03T09:00:00.000Z`,
    });
    const reject = (await listReportEvents(t.database.db, id)).find((e) => e.action === "report.reject");
    expect(reject).toMatchObject({
      actorType: "system",
      actorId: null,
      data: { reason: "not_reproducible" },
    });
    const view = await t.services.reports.teamView(id);
    expect(view.messages.at(-1)).toMatchObject({
      author: "Embargo",
      authorType: "system",
      visibility: "reporter",
    });
  });

  it("does not expire a request the reporter answered", async () => {
    const { id, token } = await handledReport();
    await t.services.reports.act(team.alice, id, { action: "request_info", message: "Which version?" });
    t.clock.advance(29 * DAY);
    await t.services.reports.replyAsReporter(token, { body: "2.3" });
    t.clock.advance(5 * DAY);
    expect((await sweep(t)).expired).toBe(0);
    expect((await row(id)).state).toBe("acknowledged");
  });

  it("refuses request_info in the wrong states and without a question, and changes nothing", async () => {
    const { report } = await t.services.reports.submit(reportFields(), [], "web");
    const refused = async (raw: unknown, as: Actor = team.alice) => {
      try {
        await t.services.reports.act(as, report.id, raw);
      } catch (error) {
        if (error instanceof AppError)
          return { status: error.status, message: error.userMessage, fields: error.fields };
        throw error;
      }
      throw new Error("expected a refusal");
    };
    expect(await refused({ action: "request_info", message: "Which version?" })).toMatchObject({
      status: 409,
      message: expect.stringContaining(
        "Request information is only possible when the report is Acknowledged",
      ),
    });
    await t.services.reports.act(team.alice, report.id, { action: "acknowledge" });
    expect(await refused({ action: "request_info", message: "   " })).toMatchObject({
      status: 400,
      fields: { message: "Give the question for the reporter." },
    });
    expect(await refused({ action: "request_info" })).toMatchObject({ status: 400 });
    expect(await refused({ action: "request_info", message: "x".repeat(10_001) })).toMatchObject({
      status: 400,
      fields: { message: "Use at most 10,000 characters." },
    });
    expect(await refused({ action: "request_info", message: "Which?" }, team.viewer)).toMatchObject({
      status: 403,
    });
    await t.services.reports.act(team.alice, report.id, {
      action: "request_info",
      message: "Which version?",
    });
    const since = (await row(report.id)).needsInfoSince;
    t.clock.advance(HOUR);
    expect(await refused({ action: "request_info", message: "And the OS?" })).toMatchObject({
      status: 409,
      message: expect.stringMatching(/already waiting for the reporter/),
    });
    expect((await row(report.id)).needsInfoSince).toEqual(since);
    const view = await t.services.reports.teamView(report.id);
    expect(view.messages.filter((m) => m.body === "And the OS?")).toEqual([]);
  });

  it("stops waiting when the team rejects the report meanwhile", async () => {
    const { id, token } = await handledReport();
    await t.services.reports.act(team.alice, id, { action: "request_info", message: "Which version?" });
    t.clock.advance(3 * HOUR);
    await t.services.reports.act(team.alice, id, {
      action: "reject",
      reason: "informative",
      message: "Thanks.",
    });
    const r = await row(id);
    expect([r.needsInfo, r.needsInfoSince, r.pausedMs]).toEqual([false, null, 3 * HOUR]);
    expect((await t.services.reports.reporterView(token))?.waitingSince).toBeNull();
  });

  it("filters the inbox by overdue and by waiting for the reporter, combined with the other filters", async () => {
    const late = await handledReport();
    const waiting = await handledReport(team.bob);
    const fresh = (await t.services.reports.submit(reportFields({ title: "A fresh report" }), [], "web"))
      .report;
    t.clock.set("2026-03-05T09:00:00Z");
    await t.services.reports.act(team.bob, waiting.id, { action: "request_info", message: "Which version?" });
    const fresh2 = (await t.services.reports.submit(reportFields({ title: "Another fresh one" }), [], "web"))
      .report;
    t.clock.set("2026-03-10T09:00:00Z");
    const ids = async (query: Record<string, string>) =>
      (await t.services.reports.inbox(query)).items.map((i) => i.id).sort();
    // Overdue: triage missed (late, fresh), acknowledgement missed (fresh, fresh2); the waiting one is frozen.
    expect(await ids({ sla: "overdue" })).toEqual([late.id, fresh.id, fresh2.id].sort());
    expect(await ids({ sla: "overdue", assignee: team.alice.email })).toEqual([late.id]);
    expect(await ids({ sla: "overdue", assignee: "none" })).toEqual([fresh.id, fresh2.id].sort());
    expect(await ids({ sla: "waiting" })).toEqual([waiting.id]);
    expect(await ids({ sla: "waiting", assignee: team.alice.email })).toEqual([]);
    expect(await ids({ sla: "overdue", state: "new" })).toEqual([fresh.id, fresh2.id].sort());
    // The SQL agrees with the page's SLA picture.
    const all = await t.services.reports.inbox({});
    expect(
      all.items
        .filter((i) => i.sla.status === "overdue")
        .map((i) => i.id)
        .sort(),
    ).toEqual(await ids({ sla: "overdue" }));
    expect(all.items.find((i) => i.id === waiting.id)?.waitingSince?.toISOString()).toBe(
      "2026-03-05T09:00:00.000Z",
    );
    await expect(t.services.reports.inbox({ sla: "late" })).rejects.toMatchObject({
      status: 400,
      userMessage: "sla must be one of overdue, team, waiting.",
    });
  });

  it("the update cadence counts as overdue in the inbox filter exactly when the page says so (non-UTC zone)", async () => {
    await t.services.settings.updateSla(team.admin.id, {
      timeZone: "America/New_York",
      updateIntervalDays: 14,
    });
    const { id } = await handledReport();
    await t.services.reports.act(team.alice, id, { action: "start_triage" });
    // Acknowledged Mon 2026-03-02 09:00 UTC; 14 days later crosses the US DST change of 2026-03-08.
    for (const at of ["2026-03-16T07:59:00Z", "2026-03-16T08:01:00Z"]) {
      t.clock.set(at);
      const page = (await t.services.reports.inbox({})).items.find((i) => i.id === id)!;
      const filtered = (await t.services.reports.inbox({ sla: "overdue" })).items.map((i) => i.id);
      expect([at, filtered.includes(id)]).toEqual([at, page.sla.overdue.includes("update")]);
    }
    expect((await t.services.reports.inbox({ sla: "overdue" })).items.map((i) => i.id)).toEqual([id]);
  });

  it("runs as a durable job that survives a restart of the queue and queues its own next run", async () => {
    await t.services.reports.submit(reportFields(), [], "web"); // acknowledge due within the lead time
    await scheduleSlaSweep(t.database.db, t.jobs, 0);
    await scheduleSlaSweep(t.database.db, t.jobs, 0); // only one waits
    expect((await sweepJobs(t)).map((j) => j.state)).toEqual(["created"]);
    await t.jobs.stop();

    const jobs = await startJobQueue(t.database.executor, ALL_QUEUES, pino({ level: "silent" }), {
      pollingIntervalSeconds: 0.5,
    });
    try {
      // The restarted process builds its services on the new queue, as a new start would.
      const { reports, alerts } = createServices({ ...t.services.deps, jobs });
      await jobs.work(
        SLA_SWEEP,
        createSlaSweepHandler({
          db: t.database.db,
          jobs,
          clock: t.clock,
          reports,
          settings: t.services.settings,
          alerts,
        }),
      );
      const deadline = Date.now() + 15_000;
      while ((await queuedAlerts(t, "sla_reminder")).length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await queuedAlerts(t, "sla_reminder")).toHaveLength(1);
      // The next run waits about five minutes, and there is only one.
      let states: { state: string; start_after: string | Date }[] = [];
      while (Date.now() < deadline) {
        states = await sweepJobs(t);
        if (states.some((j) => j.state === "completed")) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const waitingJobs = states.filter((j) => j.state === "created");
      expect(waitingJobs).toHaveLength(1);
      const startsIn = new Date(waitingJobs[0]!.start_after).getTime() - Date.now();
      expect(startsIn).toBeGreaterThan(250_000);
      expect(startsIn).toBeLessThanOrEqual(300_000);
    } finally {
      await jobs.stop();
    }
  });
});
