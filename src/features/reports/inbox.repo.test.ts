import { or, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { listAssignableMembers } from "../assignment/assignment.repo.ts";
import { type InboxFilter, queryInbox } from "./inbox.repo.ts";

const RANK: Record<string, number> = { critical: 5, high: 4, medium: 3, low: 2, note: 1 };
type Column = InboxFilter["sort"]["column"];

// The inbox's paging, counting and sorting at the repository, against the same rows read back in full and ordered
// in TypeScript: the count stops past the page, and each sort breaks ties the sort's way.
describe.each(DB_KINDS)("inbox queries on %s", (kind) => {
  let t: TestDb;
  let userIds: string[];
  const base = (over: Partial<InboxFilter> = {}): InboxFilter => ({
    states: null,
    severity: null,
    assigneeId: null,
    text: null,
    sort: { column: "received", desc: true },
    limit: 50,
    offset: 0,
    ...over,
  });

  beforeAll(async () => {
    t = await createTestDb(kind);
    const { makeTeam } = await import("../../../test/helpers/actors.ts");
    const team = await makeTeam(t);
    userIds = [team.alice.id, team.bob.id];
    for (let i = 0; i < 12; i++) {
      await t.services.reports.submit(reportFields({ title: `Report number ${i}` }), [], "web");
      if (i % 3 !== 0) t.clock.advance(60_000); // some share a received time, so ties are real
    }
    // Severities, states, assignees and update times with ties, written directly.
    const severities = [
      "critical",
      null,
      "low",
      "low",
      "high",
      null,
      "medium",
      "low",
      "note",
      "critical",
      null,
      "high",
    ];
    const states = [
      "new",
      "triage",
      "closed",
      "new",
      "rejected",
      "remediation",
      "new",
      "triage",
      "new",
      "closed",
      "new",
      "triage",
    ];
    for (let i = 0; i < 12; i++) {
      await t.database.db.execute(
        sql`update reports set severity = ${severities[i]}, state = ${states[i]},
            assignee_id = ${i % 4 === 0 ? null : userIds[i % 2]!},
            updated_at = ${new Date(Date.UTC(2026, 2, 3, 0, i % 4)).toISOString()}::timestamptz
            where seq = ${i + 1}`,
      );
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  async function everything() {
    const result = await t.database.db.execute(
      sql`select id, seq, received_at, updated_at, severity, reference, state, assignee_id from reports`,
    );
    return (result as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({
      id: String(r.id),
      seq: Number(r.seq),
      received: new Date(r.received_at as string).getTime(),
      updated: new Date(r.updated_at as string).getTime(),
      severity: (r.severity as string | null) ?? null,
      state: String(r.state),
      assigneeId: (r.assignee_id as string | null) ?? null,
    }));
  }

  it("sorts each column both ways with ties broken by report number in the same direction", async () => {
    const all = await everything();
    const key: Record<Column, (r: (typeof all)[number]) => number | string> = {
      received: (r) => r.received,
      updated: (r) => r.updated,
      severity: (r) => RANK[r.severity ?? ""] ?? 0,
      reference: (r) => r.seq,
      state: (r) => r.state,
    };
    for (const column of Object.keys(key) as Column[]) {
      for (const desc of [false, true]) {
        const expected = [...all]
          .sort((a, b) => {
            const [x, y] = [key[column](a), key[column](b)];
            const c = x < y ? -1 : x > y ? 1 : a.seq - b.seq;
            return desc ? -c : c;
          })
          .map((r) => r.seq);
        const { rows } = await queryInbox(t.database.db, base({ sort: { column, desc } }));
        expect(
          rows.map((r) => r.report.seq),
          `${column} ${desc ? "desc" : "asc"}`,
        ).toEqual(expected);
        // A page further on is the same order's continuation.
        const page = await queryInbox(t.database.db, base({ sort: { column, desc }, limit: 5, offset: 5 }));
        expect(page.rows.map((r) => r.report.seq)).toEqual(expected.slice(5, 10));
      }
    }
  });

  it("counts exactly up to the page plus the count-ahead, and says when there are more", async () => {
    expect(await queryInbox(t.database.db, base({ limit: 5 }))).toMatchObject({
      total: 12,
      totalIsLowerBound: false,
    });
    expect(await queryInbox(t.database.db, base({ limit: 2, countAhead: 12 }))).toMatchObject({
      total: 12,
      totalIsLowerBound: false,
    });
    expect(await queryInbox(t.database.db, base({ limit: 2, countAhead: 11 }))).toMatchObject({
      total: 11,
      totalIsLowerBound: true,
    });
    expect(await queryInbox(t.database.db, base({ limit: 2, offset: 6, countAhead: 3 }))).toMatchObject({
      total: 9,
      totalIsLowerBound: true,
    });
    // Past the end: the count is what there is, so the page can say there is no such page.
    const past = await queryInbox(t.database.db, base({ limit: 5, offset: 20, countAhead: 3 }));
    expect(past).toMatchObject({ total: 12, totalIsLowerBound: false });
    expect(past.rows).toEqual([]);
    // With a filter: only matches are counted.
    const open = await queryInbox(t.database.db, base({ states: ["new"], countAhead: 100 }));
    expect(open).toMatchObject({ total: 5, totalIsLowerBound: false });
  });

  it("pages and counts text alternatives one by one exactly as their OR", async () => {
    // Overlapping alternatives, as a search's report words, message words and reference overlap.
    const alternatives = [sql`reports.seq % 2 = 0`, sql`reports.seq % 3 = 0`, sql`reports.state = 'new'`];
    const one = [sql`reports.seq % 4 = 1`];
    // A rare alternative counted first and read by its ids, then a common one past the count-ahead, walked.
    const mixed = [sql`reports.seq in (1, 7, 11)`, sql`reports.seq % 2 = 0`];
    for (const column of ["received", "updated", "severity", "reference", "state"] as Column[]) {
      for (const desc of [false, true]) {
        for (const [limit, offset, countAhead] of [
          [50, 0, 1000],
          [3, 0, 4],
          [3, 3, 2],
          [4, 8, 100],
          [5, 20, 3],
        ] as const) {
          for (const over of [{}, { states: ["new", "triage", "closed"] }, { severity: "low" }]) {
            const filter = base({ ...over, sort: { column, desc }, limit, offset, countAhead });
            const label = `${column} ${desc} ${limit}/${offset}/${countAhead} ${JSON.stringify(over)}`;
            for (const list of [alternatives, one, mixed]) {
              const expected = await queryInbox(t.database.db, { ...filter, textCondition: or(...list)! });
              const actual = await queryInbox(t.database.db, { ...filter, textAlternatives: list });
              expect(
                actual.rows.map((r) => r.report.seq),
                label,
              ).toEqual(expected.rows.map((r) => r.report.seq));
              expect(
                actual.rows.map((r) => r.assigneeName),
                label,
              ).toEqual(expected.rows.map((r) => r.assigneeName));
              expect({ total: actual.total, more: actual.totalIsLowerBound }, label).toEqual({
                total: expected.total,
                more: expected.totalIsLowerBound,
              });
            }
          }
        }
      }
    }
    // And the OR itself is what the rows say.
    const all = await everything();
    const { rows } = await queryInbox(t.database.db, base({ textAlternatives: alternatives }));
    expect(rows.map((r) => r.report.seq).sort((a, b) => a - b)).toEqual(
      all
        .filter((r) => r.seq % 2 === 0 || r.seq % 3 === 0 || r.state === "new")
        .map((r) => r.seq)
        .sort((a, b) => a - b),
    );
  });

  it("counts each member's open reports by severity in SQL, as the ranking had them one by one", async () => {
    const all = await everything();
    const expected = new Map<string, (string | null)[]>();
    for (const r of all) {
      if (!r.assigneeId || r.state === "closed" || r.state === "rejected") continue;
      expected.set(r.assigneeId, [...(expected.get(r.assigneeId) ?? []), r.severity]);
    }
    const members = await listAssignableMembers(t.database.db);
    const load = new Map(members.map((m) => [m.user.id, m.load]));
    for (const id of [...expected.keys()]) if (!load.has(id)) expected.delete(id);
    for (const id of load.keys()) if (!expected.has(id)) expected.set(id, []);
    const sorted = (m: Map<string, (string | null)[]>) =>
      [...m].map(([id, list]) => [id, [...list].map(String).sort()]).sort();
    expect(sorted(load)).toEqual(sorted(expected));
    expect([...load.values()].flat().length).toBeGreaterThan(0);
  });
});
