import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { roundTripCounter } from "../../../test/helpers/round-trips.ts";

/**
 * The statements an intake and an acknowledgement send, counted at the drivers (BEGIN and COMMIT included), so
 * waste cannot creep back unnoticed. Each bound is the count today plus two; a change that needs more round
 * trips raises the bound here, on purpose, with the reason in its commit. A failure lists every statement.
 */
const BOUNDS = {
  /** Settings, reporter with the report number, report, the reporter's credit choice, tracking link, duplicate
   * ranking in a savepoint (3), receipt mail and its job, the team alert's job, the audit chain's append (2). */
  intake: 15 + 2,
  /** The same, and automatic assignment at intake: one read of the candidates, the assignee, the member's
   * last assignment and the assignee's alert. */
  intakeAssigning: 19 + 2,
  /** Lock with the reporter, facts, acknowledgement template, settings, the message, its mail and job, the
   * update, automatic assignment (one read, two writes, one alert job) and the audit chain's append. */
  acknowledgeAssigning: 16 + 2,
};

const listed = (statements: string[]) => statements.map((s, i) => `${i + 1}. ${s.slice(0, 160)}`).join("\n");

describe.each(DB_KINDS)("round trips of the write paths on %s", (kind) => {
  let t: TestDb;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let counter: ReturnType<typeof roundTripCounter>;

  beforeAll(async () => {
    // Wrapped here, not at collection, so each engine's block wraps the drivers only while it runs.
    counter = roundTripCounter();
    t = await createTestDb(kind);
    team = await makeTeam(t);
    // One report already in, so the duplicate ranking has something to rank.
    const { report } = await t.services.reports.submit(
      reportFields({ title: "An earlier report" }),
      [],
      "api",
    );
    await t.services.reports.act(team.alice, report.id, { action: "acknowledge" });
  });
  afterAll(async () => {
    counter?.restore();
    await t?.close();
  });

  it("takes a report in, and acknowledges it with automatic assignment, in a bounded number of statements", async () => {
    const intake = await counter.count(() => t.services.reports.submit(reportFields(), [], "api"));
    expect(intake.statements.length, listed(intake.statements)).toBeLessThanOrEqual(BOUNDS.intake);
    expect(intake.statements[0]).toMatch(/^begin$/i);
    expect(intake.statements.at(-1)).toMatch(/^commit$/i);

    const id = intake.result.report.id;
    const ack = await counter.count(() => t.services.reports.act(team.alice, id, { action: "acknowledge" }));
    expect(ack.statements.length, listed(ack.statements)).toBeLessThanOrEqual(BOUNDS.acknowledgeAssigning);
    expect(ack.result.state).toBe("acknowledged");
    expect((await t.services.reports.teamView(id)).assignee).not.toBeNull();
  });

  it("assigns at intake in a bounded number of statements", async () => {
    await t.services.settings.updateOrg(team.admin.id, {
      ...(await t.services.settings.org()),
      autoAssign: "at_intake",
    });
    const intake = await counter.count(() => t.services.reports.submit(reportFields(), [], "api"));
    expect(intake.statements.length, listed(intake.statements)).toBeLessThanOrEqual(BOUNDS.intakeAssigning);
    expect((await t.services.reports.teamView(intake.result.report.id)).assignee).not.toBeNull();
  });
});
