import fs from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../test/helpers/db.ts";
import { reports } from "./schema.ts";

const MIGRATIONS = path.resolve(import.meta.dirname, "../../migrations");

/** The backfill half of the inbox-activity migration (found by name: its number is given at merge). */
function backfillStatements(): string[] {
  const name = fs.readdirSync(MIGRATIONS).find((f) => f.endsWith("_inbox_activity.sql"));
  if (!name) throw new Error("The inbox-activity migration is missing.");
  return fs
    .readFileSync(path.join(MIGRATIONS, name), "utf8")
    .split("--> statement-breakpoint")
    .map((s) => s.trim())
    .filter((s) => s.startsWith("UPDATE"));
}

const HOUR = 3_600_000;

describe.each(DB_KINDS)("the inbox-activity migration backfills existing reports, on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("derives the reporter's last word and the team's wait from each report's conversation", async () => {
    const db = t.database.db;
    const team = await makeTeam(t);
    const submit = async (title: string) => {
      const { report, token } = await t.services.reports.submit(reportFields({ title }), [], "web");
      return { id: report.id, receivedAt: report.receivedAt, token };
    };
    const untouched = await submit("Never answered");
    const pending = await submit("Answered, then two replies");
    await t.services.reports.act(team.alice, pending.id, { action: "acknowledge" });
    t.clock.advance(HOUR);
    const firstReply = t.clock();
    await t.services.reports.replyAsReporter(pending.token, { body: "A first follow-up." });
    t.clock.advance(HOUR);
    await t.services.reports.replyAsReporter(pending.token, { body: "A second follow-up." });
    const settled = await submit("Reply answered");
    await t.services.reports.act(team.alice, settled.id, { action: "acknowledge" });
    t.clock.advance(HOUR);
    const settledReply = t.clock();
    await t.services.reports.replyAsReporter(settled.token, { body: "Any news?" });
    t.clock.advance(HOUR);
    await t.services.reports.postMessage(team.alice, settled.id, {
      body: "Fixed next week.",
      visibility: "reporter",
    });

    const expected = async () =>
      db
        .select({
          id: reports.id,
          last: reports.lastReporterMessageAt,
          awaiting: reports.awaitingTeamSince,
          title: reports.title,
        })
        .from(reports)
        .orderBy(reports.seq);
    const written = await expected();
    // As the services wrote them.
    expect(written.map((r) => [r.title, r.last?.getTime(), r.awaiting?.getTime() ?? null])).toEqual([
      ["Never answered", untouched.receivedAt.getTime(), untouched.receivedAt.getTime()],
      ["Answered, then two replies", firstReply.getTime() + HOUR, firstReply.getTime()],
      ["Reply answered", settledReply.getTime(), null],
    ]);

    // As an install before the migration had them, then the migration's backfill.
    await db.execute(sql`update reports set last_reporter_message_at = null, awaiting_team_since = null`);
    for (const statement of backfillStatements()) await db.execute(sql.raw(statement));
    expect(await expected()).toEqual(written);
    // Nothing else changed.
    const [row] = await db.select().from(reports).where(eq(reports.id, pending.id));
    expect(row!.state).toBe("acknowledged");
  });
});
