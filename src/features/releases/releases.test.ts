import { and, eq, sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  INVALID_TITLE,
  insertAdvisory,
  openReleaseWorld,
  testAdvisories,
} from "../../../test/helpers/release-world.ts";
import { AppError } from "../../core/errors.ts";
import { advisories, auditEvents, releases, reportLeaks, reports } from "../../db/schema.ts";
import { startJobQueue } from "../../jobs/queue.ts";
import { ALL_QUEUES } from "../../jobs/workers.ts";
import { createServices } from "../../services.ts";
import { createPublishHandler, registerReleaseWorkers, runReleaseSweep } from "./releases.jobs.ts";

const HOUR = 3_600_000;

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`Expected a refusal, got ${String(error)}`);
  return error;
}

describe.each(DB_KINDS)("releases on %s", (kind) => {
  let t: TestDb;
  let world: Awaited<ReturnType<typeof openReleaseWorld>>;
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    t = await createTestDb(kind);
    world = await openReleaseWorld(t);
    ({ alice, bob } = world.team);
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  const at = (ms: number) => new Date(t.clock().getTime() + ms).toISOString();
  const stateOf = async (id: string) =>
    (await t.database.db.select({ s: reports.state }).from(reports).where(eq(reports.id, id)))[0]?.s;
  const events = (action: string, releaseId: string) =>
    t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, action), sql`${auditEvents.data}->>'releaseId' = ${releaseId}`));
  /** A planned release of a new fix_ready report with an approved advisory, everything on its checklist done. */
  const readyRelease = async (version: string, publishIn = 48 * HOUR) => {
    const r = await world.fixReadyReport();
    await insertAdvisory(t, alice.id, [r.id]);
    const release = await t.services.releases.create(alice, {
      version,
      reports: [r.ref],
      publishAt: at(publishIn),
      prenotifyAt: at(publishIn / 2),
    });
    await t.services.releases.act(alice, release.id, {
      action: "waive_consultation",
      report: r.ref,
      reason: "Reporter unreachable",
    });
    await t.services.releases.act(alice, release.id, {
      action: "waive_package_verification",
      report: r.ref,
      reason: "Source-only project; no package",
    });
    return { report: r, release };
  };

  it("plans a security release from a critical report, pre-notifying 24 h before by default", async () => {
    const r = await world.fixReadyReport();
    const release = await t.services.releases.create(alice, {
      version: "1.0.1",
      reports: [r.ref],
      publishAt: at(48 * HOUR),
    });
    expect(release).toMatchObject({ version: "1.0.1", track: "security", state: "planned" });
    expect(release.prenotifyAt?.toISOString()).toBe(at(24 * HOUR));
    const keys = release.checklist.map((i) => [i.key, i.done]);
    expect(keys).toEqual([
      ["fixes", true],
      ["consultation", false],
      ["package_verification", false],
      ["advisories_approved", false],
      ["cve_ids", true],
      ["recipient_keys", true],
      ["credits", true],
    ]);
    expect(release.checklist.find((i) => i.key === "consultation")?.why).toBe(`Not yet: ${r.ref}.`);
    expect(await events("release.created", release.id)).toHaveLength(1);
    // The change is on the report's timeline, in words.
    const timeline = (await t.services.reports.teamView(r.ref)).timeline.map((e) => e.text);
    expect(timeline.some((s) => s.startsWith("Release 1.0.1 planned (Security release)"))).toBe(true);
  });

  it("refuses a bad plan with a specific error per field, and stores nothing", async () => {
    const r = await world.fixReadyReport();
    const before = (await t.database.db.select().from(releases)).length;
    const bad = await refusal(
      t.services.releases.create(alice, {
        version: "1.0.1",
        reports: [r.ref, "EMB-2099-9999"],
        publishAt: at(-HOUR),
        notify: ["00000000-0000-4000-8000-000000000000"],
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.fields).toMatchObject({
      reports: "No report EMB-2099-9999.",
      notify: "No notification list 00000000-0000-4000-8000-000000000000.",
    });
    expect(bad.fields?.publishAt).toMatch(/has passed/);
    const dup = await refusal(
      t.services.releases.create(alice, { version: "1.0.1", reports: [r.ref], publishAt: at(48 * HOUR) }),
    );
    expect(dup.fields?.version).toBe("There is a release 1.0.1 already.");
    const late = await refusal(
      t.services.releases.create(alice, {
        version: "1.0.2",
        reports: [r.ref],
        publishAt: at(48 * HOUR),
        prenotifyAt: at(49 * HOUR),
      }),
    );
    expect(late.fields?.prenotifyAt).toBe("The pre-notification must come before the publication time.");
    const track = await refusal(
      t.services.releases.create(alice, {
        version: "1.0.2",
        reports: [r.ref],
        publishAt: at(48 * HOUR),
        track: "regular",
      }),
    );
    expect(track.fields?.trackOverrideReason).toMatch(/gives this release the security track/);
    const shape = await refusal(
      t.services.releases.create(alice, {
        version: "no spaces!",
        reports: [],
        publishAt: "tomorrow",
        track: "fast",
      }),
    );
    expect(Object.keys(shape.fields ?? {}).sort()).toEqual(["publishAt", "reports", "track", "version"]);
    expect((await t.database.db.select().from(releases)).length).toBe(before);
    // A report in another open release cannot join a second one.
    await t.services.releases.create(alice, { version: "1.0.3", reports: [r.ref], publishAt: at(48 * HOUR) });
    const taken = await refusal(
      t.services.releases.create(alice, { version: "1.0.4", reports: [r.ref], publishAt: at(48 * HOUR) }),
    );
    expect(taken.fields?.reports).toBe(`${r.ref} is in release 1.0.3 already.`);
    // Viewers plan nothing.
    expect((await refusal(t.services.releases.create(world.team.viewer, { version: "9" }))).status).toBe(403);
  });

  it("overrides the track with a reason, and pre-notifies another track only when lists are named", async () => {
    const r = await world.fixReadyReport();
    const release = await t.services.releases.create(alice, {
      version: "1.1.0",
      reports: [r.ref],
      publishAt: at(48 * HOUR),
      track: "minor",
      trackOverrideReason: "The fix rides the minor release already due that day.",
    });
    expect(release).toMatchObject({
      track: "minor",
      trackOverrideReason: expect.stringMatching(/minor release/),
      prenotifyAt: null,
    });
  });

  it("computes the checklist from waivers, advisories and the members' own items", async () => {
    const { release, report } = await readyRelease("2.0.0");
    let view = await t.services.releases.get(release.id);
    expect(view.checklist.filter((i) => !i.done)).toEqual([]);
    expect(view.checklist.find((i) => i.key === "consultation")?.why).toBe(
      "Every reporter confirmed the fix or the consultation was waived.",
    );
    view = await t.services.releases.act(alice, release.id, {
      action: "add_item",
      label: "Tell the docs team",
    });
    const item = view.items[0]!;
    expect(view.checklist.at(-1)).toMatchObject({
      label: "Tell the docs team",
      done: false,
      why: "Not ticked yet.",
    });
    view = await t.services.releases.act(bob, release.id, {
      action: "tick_item",
      item: item.id,
      note: "Docs PR merged",
    });
    expect(view.checklist.at(-1)).toMatchObject({ done: true, why: "Docs PR merged" });
    view = await t.services.releases.act(bob, release.id, { action: "untick_item", item: item.id });
    expect(view.checklist.at(-1)?.done).toBe(false);
    const noItem = await refusal(
      t.services.releases.act(bob, release.id, { action: "tick_item", item: "nope" }),
    );
    expect(noItem.fields).toEqual({ item: "There is no such item." });
    const notHere = await refusal(
      t.services.releases.act(bob, release.id, {
        action: "waive_consultation",
        report: "EMB-2099-0001",
        reason: "x",
      }),
    );
    expect(notHere.fields).toEqual({ report: "The report is not in this release." });
    const noReason = await refusal(
      t.services.releases.act(bob, release.id, { action: "waive_consultation", report: report.ref }),
    );
    expect(noReason.fields?.reason).toMatch(/Give the reason/);
    expect((await refusal(t.services.releases.act(bob, release.id, { action: "fly" }))).fields?.action).toBe(
      "Unknown action.",
    );
  });

  it("schedules only with a done checklist or a reason, and asks the pre-notification sender for its time", async () => {
    const { release, report: planned } = await readyRelease("3.0.0");
    await t.services.releases.act(alice, release.id, { action: "add_item", label: "Rotate the signing key" });
    const open = await refusal(t.services.releases.act(alice, release.id, { action: "schedule" }));
    expect(open.fields?.openItemsReason).toBe(
      "Open: Rotate the signing key. Finish them, or give the reason to schedule anyway.",
    );
    const calls = world.prenotify.calls.length;
    const view = await t.services.releases.act(alice, release.id, {
      action: "schedule",
      openItemsReason: "The key is rotated after the release.",
    });
    expect(view).toMatchObject({
      state: "scheduled",
      openItemsReason: "The key is rotated after the release.",
    });
    expect(world.prenotify.calls.slice(calls)).toEqual([
      { hook: "schedule", releaseId: release.id, at: release.prenotifyAt?.toISOString() },
    ]);
    // Rescheduling before the notice went out moves its time; after it went out, the lists get an update.
    await t.services.releases.act(alice, release.id, { action: "reschedule", publishAt: at(72 * HOUR) });
    expect(world.prenotify.calls.at(-1)).toEqual({
      hook: "schedule",
      releaseId: release.id,
      at: at(48 * HOUR),
    });
    await t.database.db.update(releases).set({ prenotifiedAt: t.clock() }).where(eq(releases.id, release.id));
    const moved = await t.services.releases.act(alice, release.id, {
      action: "reschedule",
      publishAt: at(96 * HOUR),
    });
    expect(world.prenotify.calls.at(-1)).toEqual({
      hook: "update",
      releaseId: release.id,
      kind: "reschedule",
    });
    expect(moved.prenotifyAt?.toISOString()).toBe(at(48 * HOUR));
    const past = await refusal(
      t.services.releases.act(alice, release.id, { action: "reschedule", publishAt: at(-1000) }),
    );
    expect(past.fields?.publishAt).toMatch(/has passed/);
    const cancelled = await t.services.releases.act(alice, release.id, {
      action: "cancel",
      reason: "Superseded by 3.0.1",
    });
    expect(cancelled).toMatchObject({ state: "cancelled", cancelReason: "Superseded by 3.0.1" });
    expect(world.prenotify.calls.at(-1)).toEqual({ hook: "update", releaseId: release.id, kind: "cancel" });
    expect((await refusal(t.services.releases.act(alice, release.id, { action: "ship" }))).status).toBe(409);
    // The reporter's tracking page shows the planned date and every change to it.
    const steps = (await t.services.reports.reporterView(planned.token))?.timeline.map((s) => s.text) ?? [];
    expect(steps).toContain(
      `Public disclosure planned for ${release.publishAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    );
    expect(steps).toContain(
      `Public disclosure moved to ${at(96 * HOUR)
        .slice(0, 16)
        .replace("T", " ")} UTC`,
    );
    expect(steps).toContain("The planned disclosure date was withdrawn; a new one will follow");
    // The reporter's tracking page saw the planned date and its changes.
    const report = (await t.services.releases.get(release.id)).reports[0]!;
    const reporterEvents = await t.database.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(and(eq(auditEvents.reportId, report.id), sql`${auditEvents.action} like 'release.%'`));
    expect(reporterEvents.map((e) => e.action)).toContain("release.rescheduled");
  });

  it("publishes at publishAt and not a second early, in one transaction, and tells the reporter", async () => {
    const { release, report } = await readyRelease("4.0.0", 2 * HOUR);
    await t.services.releases.act(alice, release.id, { action: "schedule" });
    const handler = createPublishHandler({
      db: t.database.db,
      jobs: t.jobs,
      clock: t.clock,
      publish: t.services.releases.publish,
    });
    t.clock.advance(2 * HOUR - 1000);
    expect(await handler({ releaseId: release.id })).toMatchObject({ published: false, why: "early" });
    expect(
      await runReleaseSweep({
        db: t.database.db,
        jobs: t.jobs,
        clock: t.clock,
        publish: t.services.releases.publish,
      }),
    ).toEqual([]);
    expect((await t.services.releases.get(release.id)).state).toBe("scheduled");
    expect(await stateOf(report.id)).toBe("fix_ready");
    t.clock.advance(1000);
    expect(await handler({ releaseId: release.id })).toMatchObject({ published: true, lateSeconds: 0 });
    const view = await t.services.releases.get(release.id);
    expect(view.state).toBe("published");
    expect(view.publishedAt?.toISOString()).toBe(release.publishAt.toISOString());
    expect(await stateOf(report.id)).toBe("disclosed");
    const [adv] = await t.database.db
      .select()
      .from(advisories)
      .where(eq(advisories.id, view.advisories[0]!.id));
    expect(adv?.state).toBe("published");
    const [disclosed] = await t.database.db.select().from(reports).where(eq(reports.id, report.id));
    expect(disclosed?.advisoryUrl).toBe(`http://embargo.test/advisories/${adv?.publicId}`);
    const consultation = await t.services.reports.teamView(report.ref);
    expect(consultation.messages.some((m) => m.body.includes(`/advisories/${adv?.publicId}`))).toBe(true);
    // A second run (a retried job) changes nothing.
    expect(await handler({ releaseId: release.id })).toMatchObject({
      published: false,
      why: "not_scheduled",
    });
    expect(await events("release.published", release.id)).toHaveLength(1);
  });

  it("catches up after downtime and records how late, and publishes nothing when one advisory fails", async () => {
    const { release, report } = await readyRelease("5.0.0", 2 * HOUR);
    const bad = await insertAdvisory(t, alice.id, [report.id], { title: INVALID_TITLE });
    await t.services.releases.act(alice, release.id, { action: "schedule" });
    const sweep = { db: t.database.db, jobs: t.jobs, clock: t.clock, publish: t.services.releases.publish };
    t.clock.advance(3 * HOUR);
    const [failed] = await runReleaseSweep(sweep);
    expect(failed?.outcome).toMatchObject({ published: false, why: "failed" });
    const view = await t.services.releases.get(release.id);
    expect(view.state).toBe("scheduled");
    expect(view.lastFailure?.error).toBe(`Advisory ${bad.publicId} cannot be published.`);
    expect(await stateOf(report.id)).toBe("fix_ready");
    const covering = await testAdvisories.forReports(t.database.db, [report.id]);
    expect(covering.map((a) => a.state)).toEqual(["approved", "approved"]);
    const alertJobs = await t.database.executor.executeSql(
      "select count(*)::int as n from pgboss.job where name = 'team-alert' and data->>'event' = 'release_publication_failed'",
    );
    expect(Number((alertJobs.rows[0] as { n: number }).n)).toBe(1);
    // A second sweep with the same cause neither logs nor alerts again.
    await runReleaseSweep(sweep);
    expect(await events("release.publication_failed", release.id)).toHaveLength(1);
    // Fixed, the next sweep publishes, and the audit event says how late.
    await t.database.db.update(advisories).set({ title: "Fixed title" }).where(eq(advisories.id, bad.id));
    t.clock.advance(60_000);
    const [ok] = await runReleaseSweep(sweep);
    expect(ok?.outcome).toMatchObject({ published: true, lateSeconds: 3600 + 60 });
    const [published] = await events("release.published", release.id);
    expect((published!.data as { lateSeconds: number }).lateSeconds).toBe(3600 + 60);
  });

  it("ships (reports released) and publishes now on a leak, recording the reason", async () => {
    const { release, report } = await readyRelease("6.0.0");
    await t.services.releases.act(alice, release.id, { action: "ship" });
    expect(await stateOf(report.id)).toBe("released");
    const leak = await t.services.releases.recordLeak(bob, report.ref, {
      url: "https://forum.example/thread/1",
      note: "Posted on a forum",
    });
    expect(leak.release).toEqual({ id: release.id, version: "6.0.0" });
    expect(
      await t.database.db.select().from(reportLeaks).where(eq(reportLeaks.reportId, report.id)),
    ).toHaveLength(1);
    const badLeak = await refusal(
      t.services.releases.recordLeak(bob, report.ref, { url: "javascript:alert(1)", note: "" }),
    );
    expect(Object.keys(badLeak.fields ?? {}).sort()).toEqual(["note", "url"]);
    const noReason = await refusal(t.services.releases.act(alice, release.id, { action: "publish_now" }));
    expect(noReason.fields?.reason).toMatch(/Give the reason/);
    const view = await t.services.releases.act(alice, release.id, {
      action: "publish_now",
      reason: "Leaked on a forum",
    });
    expect(view).toMatchObject({ state: "published", publishNowReason: "Leaked on a forum" });
    expect(await stateOf(report.id)).toBe("disclosed");
    expect(await events("release.published_now", release.id)).toHaveLength(1);
  });

  it.runIf(kind === "postgres")(
    "publishes once with two job queues and two service instances on one database",
    async () => {
      const { release } = await readyRelease("7.0.0", HOUR);
      await t.services.releases.act(alice, release.id, { action: "schedule" });
      const jobs2 = await startJobQueue(t.database.executor, ALL_QUEUES, pino({ level: "silent" }), {
        pollingIntervalSeconds: 0.5,
      });
      try {
        const second = createServices({ ...t.services.deps, jobs: jobs2 });
        second.releasesDeps.advisories = testAdvisories;
        t.clock.advance(2 * HOUR);
        const outcomes = await Promise.all([
          t.services.releases.publish(release.id),
          second.releases.publish(release.id),
          t.services.releases.publish(release.id),
          second.releases.publish(release.id),
        ]);
        expect(outcomes.filter((o) => o.published)).toHaveLength(1);
        expect(await events("release.published", release.id)).toHaveLength(1);
        // The workers of both queues start after downtime: both start-up sweeps find the release due; one publishes.
        const late = await readyRelease("7.0.1", HOUR);
        await t.services.releases.act(alice, late.release.id, { action: "schedule" });
        t.clock.advance(2 * HOUR);
        const worker = (jobs: typeof t.jobs, s: typeof second) =>
          registerReleaseWorkers({
            db: t.database.db,
            jobs,
            clock: t.clock,
            publish: s.releases.publish,
            intervalSeconds: 3600,
          });
        await Promise.all([worker(t.jobs, t.services), worker(jobs2, second)]);
        expect((await t.services.releases.get(late.release.id)).state).toBe("published");
        const [once, ...more] = await events("release.published", late.release.id);
        expect(more).toEqual([]);
        expect((once!.data as { lateSeconds: number }).lateSeconds).toBe(3600);
      } finally {
        await jobs2.stop();
      }
    },
  );
});
