import { desc, eq, sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  get,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import { auditEvents } from "../../db/schema.ts";
import { createMaintenanceHandler, registerMaintenance } from "./maintenance.jobs.ts";
import { DB_MAINTENANCE, NIGHTLY_KEY } from "./maintenance-queue.jobs.ts";

const silent = pino({ level: "silent" });

describe.each(DB_KINDS)("database maintenance on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let admin: Session;
  let alice: Session;
  let viewer: Session;
  let adminId: string;
  const operation = kind === "pglite" ? "VACUUM (ANALYZE)" : "ANALYZE";

  const waitingJobs = async () => {
    const result = (await t.database.db.execute(
      sql`select singleton_key as key, state, start_after from pgboss.job where name = ${DB_MAINTENANCE} order by created_on`,
    )) as unknown as { rows: { key: string; state: string; start_after: string | Date }[] };
    return result.rows;
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    const team = await signedInTeam(app, t);
    ({ admin, alice, viewer } = team);
    adminId = team.team.admin.id;
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it("refuses the page and Run now to everyone but admins", async () => {
    for (const session of [alice, viewer]) {
      expect((await get(app, "/admin/maintenance", session)).status).toBe(403);
      expect((await post(app, "/admin/maintenance/run", session, {})).status).toBe(403);
    }
    expect((await get(app, "/admin/maintenance", null)).status).not.toBe(200);
    expect((await post(app, "/admin/maintenance/run", null, {})).status).not.toBe(303);
    // An admin's post without the page's CSRF token is refused too.
    expect((await post(app, "/admin/maintenance/run", admin, {}, { csrf: "wrong" })).status).toBe(403);
    expect(await waitingJobs()).toEqual([]);
  });

  it("says no run has happened yet, when the next is, and links from the admin navigation", async () => {
    const html = unescapeHtml(await (await get(app, "/admin/maintenance", admin)).text());
    expect(html).toContain("No maintenance has run yet.");
    expect(html).toContain("every night at 03:30 server local time");
    expect(html).toContain('href="/admin/maintenance" aria-current="page"');
    expect(await (await get(app, "/admin/team", admin)).text()).toContain('href="/admin/maintenance"');
  });

  it("runs every table one at a time and records what ran, how long, and the size before and after", async () => {
    const run = await t.services.maintenance.run("schedule");
    expect(run.operation).toBe(operation);
    expect(run.engine).toBe(kind);
    expect(run.failed).toBe(0);
    expect(run.error).toBeNull();
    expect(run.tables).toBeGreaterThan(15); // ours and pg-boss's
    expect(run.sizeBeforeBytes).toBeGreaterThan(1_000_000);
    expect(run.sizeAfterBytes).toBeGreaterThan(1_000_000);
    expect(run.longestStepMs).toBeLessThanOrEqual(run.durationMs + 1);
    expect(await t.services.maintenance.lastRun()).toEqual(run);
    // ANALYZE has filled the planner's statistics of a table with rows.
    const analyzed = (await t.database.db.execute(
      sql`select last_analyze from pg_stat_user_tables where relname = 'users'`,
    )) as unknown as { rows: { last_analyze: unknown }[] };
    expect(analyzed.rows[0]?.last_analyze).not.toBeNull();
  });

  it("runs from Run now through the job queue, audits who asked, and shows the result", async () => {
    await registerMaintenance({
      db: t.database.db,
      jobs: t.jobs,
      maintenance: t.services.maintenance,
      logger: silent,
    });
    t.clock.advance(60_000);
    const res = await post(app, "/admin/maintenance/run", admin, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/maintenance?done=queued#last-run");
    const [audit] = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "maintenance.requested"))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    expect(audit).toMatchObject({ actorType: "user", actorId: adminId, data: { operation } });

    const deadline = Date.now() + 20_000;
    let last = await t.services.maintenance.lastRun();
    while (last?.trigger !== "admin" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      last = await t.services.maintenance.lastRun();
    }
    expect(last?.trigger).toBe("admin");
    const html = unescapeHtml(await (await get(app, "/admin/maintenance?done=queued", admin)).text());
    expect(html).toContain("Maintenance is queued");
    expect(html).toContain(`<code>${operation}</code> on ${last!.tables} tables`);
    expect(html).toContain(`${last!.startedAt.slice(0, 16).replace("T", " ")} UTC (run by an admin)`);
    expect(html).toMatch(/\d+(\.\d)? (kB|MB) before, \d+(\.\d)? (kB|MB) after/);

    // The nightly run waits for the next 03:30 server local time, and only one waits.
    await registerMaintenance({
      db: t.database.db,
      jobs: t.jobs,
      maintenance: t.services.maintenance,
      logger: silent,
    });
    const nightly = (await waitingJobs()).filter((j) => j.key === NIGHTLY_KEY && j.state === "created");
    expect(nightly).toHaveLength(1);
    const due = new Date(nightly[0]!.start_after);
    expect([due.getHours(), due.getMinutes()]).toEqual([3, 30]);
    expect(due.getTime() - Date.now()).toBeLessThanOrEqual(25 * 3600_000);
  }, 60_000);

  it("skips a nightly run that comes more than an hour late, and queues the next night", async () => {
    const before = await t.services.maintenance.lastRun();
    const handler = createMaintenanceHandler({
      db: t.database.db,
      jobs: t.jobs,
      maintenance: t.services.maintenance,
      logger: silent,
    });
    await handler({ trigger: "schedule", due: new Date(Date.now() - 2 * 3600_000).toISOString() });
    expect(await t.services.maintenance.lastRun()).toEqual(before);
    await handler({ trigger: "schedule", due: new Date(Date.now() - 60_000).toISOString() });
    expect((await t.services.maintenance.lastRun())?.trigger).toBe("schedule");
    expect((await waitingJobs()).filter((j) => j.key === NIGHTLY_KEY && j.state === "created")).toHaveLength(
      1,
    );
    await expect(handler({ trigger: "sometime" })).rejects.toThrow();
  });
});
