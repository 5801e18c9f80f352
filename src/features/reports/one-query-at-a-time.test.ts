import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, type TestDb } from "../../../test/helpers/db.ts";

/**
 * Inside a transaction there is one connection. node-postgres queues a query sent while another runs and warns
 * that this will stop working ("client.query() when the client is already executing a query"): two queries at
 * once on one transaction is a bug even before pg 9 refuses it. The warning comes only once per process, and
 * only from the third query in flight, so this file wraps the client instead: any query sent while the same
 * connection still runs another is recorded, with the statement that was running. The pool hands each of its own
 * queries an idle connection, so an overlap can only be two queries on one transaction.
 */
describe("one query at a time on a PostgreSQL transaction", () => {
  let t: TestDb;
  const overlaps: string[] = [];
  const query = pg.Client.prototype.query;

  beforeAll(async () => {
    type Internals = { _activeQuery: { text?: string } | null; _queryQueue: unknown[] };
    pg.Client.prototype.query = function (this: pg.Client & Internals, ...args: unknown[]) {
      if (this._activeQuery || this._queryQueue.length > 0) {
        const sent = args[0];
        const text = typeof sent === "string" ? sent : (sent as { text?: string } | undefined)?.text;
        overlaps.push(`${String(text).slice(0, 80)} while ${String(this._activeQuery?.text).slice(0, 80)}`);
      }
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    t = await createTestDb("postgres");
  });
  afterAll(async () => {
    pg.Client.prototype.query = query;
    await t?.close();
  });

  it("takes reports in and acts on them eight at a time without overlapping queries", async () => {
    const team = await makeTeam(t);
    await t.services.templates.seedDefaults();
    await t.services.settings.updateOrg(team.admin.id, {
      ...(await t.services.settings.org()),
      autoAssign: "at_intake",
    });
    const ids = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const fields = reportFields({ email: `r${i}@example.net`, title: `Overlap report ${i}` });
        return (await t.services.reports.submit(fields, [], "web")).report.id;
      }),
    );
    const views = await Promise.all(
      ids.map(async (id) => {
        await t.services.reports.act(team.alice, id, { action: "acknowledge" });
        return t.services.reports.teamView(id);
      }),
    );
    for (const view of views) {
      expect(view.state).toBe("acknowledged");
      expect(view.assignee).not.toBeNull();
      expect(view.messages.some((m) => m.kind === "acknowledgement")).toBe(true);
    }
    expect(overlaps).toEqual([]);
    expect(await t.services.audit.verify()).toMatchObject({ ok: true });
  });
});
