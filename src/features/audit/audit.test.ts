import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";

describe.each(DB_KINDS)("audit chain on %s", (kind) => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb(kind);
    for (let i = 0; i < 4; i++) {
      await t.services.team.createMember(null, {
        email: `m${i}@example.org`,
        name: `M${i}`,
        role: "responder",
      });
    }
  });
  afterEach(async () => {
    await t?.close();
  });
  const exec = (q: ReturnType<typeof sql>) => t.database.db.execute(q);

  it("is intact after audited changes", async () => {
    expect(await t.services.audit.verify()).toMatchObject({ ok: true, count: 4 });
  });

  it("fails on an edited event and names it", async () => {
    await exec(sql`update audit_events set data = jsonb_set(data, '{role}', '"admin"') where seq = 2`);
    expect(await t.services.audit.verify()).toMatchObject({ ok: false, seq: 2 });
  });

  it("fails on a deleted event in the middle", async () => {
    await exec(sql`delete from audit_events where seq = 2`);
    expect(await t.services.audit.verify()).toMatchObject({
      ok: false,
      seq: 3,
      problem: expect.stringMatching(/missing/),
    });
  });

  it("fails on the last event deleted", async () => {
    await exec(sql`delete from audit_events where seq = 4`);
    expect(await t.services.audit.verify()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/removed/),
    });
  });

  it("fails on reordered events", async () => {
    await exec(sql`update audit_events set seq = 100 where seq = 2`);
    await exec(sql`update audit_events set seq = 2 where seq = 3`);
    await exec(sql`update audit_events set seq = 3 where seq = 100`);
    const verdict = await t.services.audit.verify();
    expect(verdict.ok).toBe(false);
    expect(verdict).toMatchObject({ seq: 2 });
  });

  it("keeps the chain linear under concurrent writers", async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.services.team.createMember(null, { email: `c${i}@example.org`, name: `C${i}`, role: "viewer" }),
      ),
    );
    expect(await t.services.audit.verify()).toMatchObject({ ok: true, count: 12 });
  });

  it("stays intact when events are appended while it streams, and still catches a removed tail", async () => {
    // Enough events for several pages, so the writers below land while the chain is being read.
    for (let i = 0; i < 30; i++) {
      await Promise.all(
        Array.from({ length: 40 }, (_, j) =>
          t.services.team.createMember(null, { email: `p${i}-${j}@example.org`, name: "P", role: "viewer" }),
        ),
      );
    }
    const writers = Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.services.team.createMember(null, { email: `w${i}@example.org`, name: "W", role: "viewer" }),
      ),
    );
    const [verdict] = await Promise.all([t.services.audit.verify(), writers]);
    expect(verdict.ok, JSON.stringify(verdict)).toBe(true);
    expect(await t.services.audit.verify()).toMatchObject({ ok: true, count: 4 + 1200 + 20 });
    await exec(sql`delete from audit_events where seq = (select max(seq) from audit_events)`);
    expect(await t.services.audit.verify()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/removed/),
    });
  });
});
