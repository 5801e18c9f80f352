import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, type TestDb } from "../../../test/helpers/db.ts";

/**
 * Inside a transaction there is one connection. node-postgres queues a query sent while another runs and warns
 * that this will stop working ("client.query() when the client is already executing a query"): two queries at
 * once on one transaction is a bug even before pg 9 refuses it. The warning is emitted once per process, so
 * this file, run in its own process, listens for it across the lifecycle paths that read several things at once.
 */
describe("one query at a time on a PostgreSQL transaction", () => {
  let t: TestDb;
  const warnings: string[] = [];
  const listen = (w: Error) => warnings.push(w.message);

  beforeAll(async () => {
    process.on("warning", listen);
    t = await createTestDb("postgres");
  });
  afterAll(async () => {
    process.off("warning", listen);
    await t?.close();
  });

  it("acknowledges with a canned response and assigns automatically without overlapping queries", async () => {
    const team = await makeTeam(t);
    await t.services.templates.seedDefaults();
    await t.services.settings.updateOrg(team.admin.id, {
      ...(await t.services.settings.org()),
      autoAssign: "at_intake",
    });
    const { report } = await t.services.reports.submit(reportFields({ email: "r@example.net" }), [], "web");
    const view = await t.services.reports.act(team.alice, report.id, { action: "acknowledge" });
    expect(view.state).toBe("acknowledged");
    expect(view.assignee).not.toBeNull();
    expect(view.messages.some((m) => m.kind === "acknowledgement")).toBe(true);
    // Warnings are emitted on the next tick.
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => w.includes("already executing a query"))).toEqual([]);
  });
});
