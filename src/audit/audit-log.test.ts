import { asc, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { reportFields } from "../../test/helpers/actors.ts";
import { runConcurrently } from "../../test/helpers/concurrency.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../test/helpers/db.ts";
import { savepoint, type Tx, transaction } from "../core/db.ts";
import { auditEvents } from "../db/schema.ts";
import { type AuditInput, appendAuditEvent } from "./audit-log.ts";

const event = (action: string): AuditInput => ({
  actorType: "system",
  actorId: null,
  action,
  reportId: null,
  data: { action },
});

async function actionsInSeqOrder(t: TestDb): Promise<string[]> {
  const rows = await t.database.db
    .select({ action: auditEvents.action })
    .from(auditEvents)
    .orderBy(asc(auditEvents.seq));
  return rows.map((r) => r.action);
}

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Fails instead of hanging when a transaction waits for another that waits for the test. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} waited over ${ms} ms`)), ms)),
  ]);
}

let t: TestDb | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("the audit chain's lock on PostgreSQL", () => {
  it("is taken only at commit: a writer commits while another that appended earlier is still open", async () => {
    t = await createTestDb("postgres");
    const db = t.database.db;
    const appended = gate();
    const finishA = gate();
    const a = transaction(db, async (tx) => {
      await appendAuditEvent(tx, event("a.appended_first"), new Date());
      await tx.execute(sql`select 1`);
      appended.open();
      await finishA.opened;
    });
    await appended.opened;
    await within(
      5000,
      "transaction B",
      transaction(db, (tx) => appendAuditEvent(tx, event("b.committed_first"), new Date())),
    );
    finishA.open();
    await a;
    expect(await actionsInSeqOrder(t)).toEqual(["b.committed_first", "a.appended_first"]);
    expect(await t.services.audit.verify()).toMatchObject({ ok: true, count: 2 });
  });
});

describe.each(DB_KINDS)("the audit chain on %s", (kind) => {
  it("stays intact through a burst of 200 intakes eight at a time", async () => {
    t = await createTestDb(kind);
    const { services } = t;
    const ids: string[] = [];
    await runConcurrently(200, 8, async (i) => {
      const { report } = await services.reports.submit(
        reportFields({ title: `Burst report ${i}` }),
        [],
        "api",
      );
      ids.push(report.id);
    });
    expect(await t.services.audit.verify()).toMatchObject({ ok: true });
    const received = await t.database.db
      .select({ reportId: auditEvents.reportId })
      .from(auditEvents)
      .where(sql`${auditEvents.action} = 'report.received'`);
    expect(received.map((r) => r.reportId).sort()).toEqual([...ids].sort());
  }, 180_000);

  it("keeps append order in a transaction and drops what a rolled-back savepoint appended", async () => {
    t = await createTestDb(kind);
    const now = new Date("2026-03-02T09:00:00Z");
    await transaction(t.database.db, async (tx) => {
      await appendAuditEvent(tx, event("outer.first"), now);
      await savepoint(tx, async (sp) => {
        await appendAuditEvent(sp, event("kept.savepoint"), now);
        await savepoint(sp, async (inner) => {
          await appendAuditEvent(inner, event("dropped.nested"), now);
          throw new Error("nested savepoint fails");
        }).catch(() => undefined);
      });
      await savepoint(tx, async (sp: Tx) => {
        await appendAuditEvent(sp, event("dropped.savepoint"), now);
        throw new Error("savepoint fails");
      }).catch(() => undefined);
      await appendAuditEvent(tx, event("outer.last"), now);
    });
    expect(await actionsInSeqOrder(t)).toEqual(["outer.first", "kept.savepoint", "outer.last"]);
    expect(await t.services.audit.verify()).toMatchObject({ ok: true, count: 3 });
  });

  it("writes nothing for a transaction that rolls back, and refuses an append after the commit", async () => {
    t = await createTestDb(kind);
    const db = t.database.db;
    await expect(
      transaction(db, async (tx) => {
        await appendAuditEvent(tx, event("rolled.back"), new Date());
        throw new Error("the change fails");
      }),
    ).rejects.toThrow("the change fails");
    let leaked: Tx | undefined;
    const appended = await transaction(db, async (tx) => {
      leaked = tx;
      return appendAuditEvent(tx, event("committed"), new Date("2026-03-02T09:00:00Z"));
    });
    expect(appended.occurredAt).toBe("2026-03-02T09:00:00.000Z");
    await expect(appendAuditEvent(leaked!, event("too.late"), new Date())).rejects.toThrow(/finished/);
    expect(await actionsInSeqOrder(t)).toEqual(["committed"]);
    const [row] = await db.select().from(auditEvents);
    expect(row!.id).toBe(appended.id);
    expect(await t.services.audit.verify()).toMatchObject({ ok: true, count: 1 });
  });
});
