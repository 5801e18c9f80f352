import { asc, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "../core/db.ts";
import { auditEvents, auditHead } from "../db/schema.ts";
import { type ChainedEvent, GENESIS_HASH, hashEvent } from "../domain/audit-chain.ts";

export interface AuditInput {
  actorType: "user" | "reporter" | "system";
  actorId: string | null;
  action: string;
  reportId: string | null;
  data: Record<string, unknown>;
}

/** Any constant works; it serialises writers of the chain across connections and instances. */
const CHAIN_LOCK_KEY = 7_316_001;

/**
 * Appends one event to the chain. Must run inside the caller's transaction: the advisory lock is held until it
 * commits, so two writers can never link to the same previous event.
 */
export async function appendAuditEvent(tx: Tx, input: AuditInput, now: Date): Promise<ChainedEvent> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK_KEY})`);
  const [head] = await tx.select().from(auditHead).where(eq(auditHead.id, 1));
  const prevHash = head?.hash ?? GENESIS_HASH;
  const seq = (head?.seq ?? 0) + 1;
  const id = crypto.randomUUID();
  const content = {
    seq,
    id,
    occurredAt: now.toISOString(),
    actorType: input.actorType,
    actorId: input.actorId,
    action: input.action,
    reportId: input.reportId,
    data: JSON.parse(JSON.stringify(input.data)) as unknown,
  };
  const hash = hashEvent(content, prevHash);
  await tx.insert(auditEvents).values({
    seq,
    id,
    occurredAt: now,
    actorType: input.actorType,
    actorId: input.actorId,
    action: input.action,
    reportId: input.reportId,
    data: content.data,
    prevHash,
    hash,
  });
  await tx
    .insert(auditHead)
    .values({ id: 1, seq, hash })
    .onConflictDoUpdate({ target: auditHead.id, set: { seq, hash } });
  return { ...content, prevHash, hash };
}

function toChained(row: typeof auditEvents.$inferSelect): ChainedEvent {
  return {
    seq: row.seq,
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    reportId: row.reportId,
    data: row.data,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** Streams the whole chain in pages so verification does not hold the log in memory. */
export async function* readChain(db: Db, pageSize = 1000): AsyncGenerator<ChainedEvent> {
  let after = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.seq} > ${after}`)
      .orderBy(asc(auditEvents.seq))
      .limit(pageSize);
    for (const row of rows) yield toChained(row);
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.seq;
  }
}

export async function readHead(db: Db) {
  const [head] = await db.select().from(auditHead).where(eq(auditHead.id, 1));
  return head ?? null;
}

export async function listReportEvents(db: Db, reportId: string) {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.reportId, reportId))
    .orderBy(asc(auditEvents.seq));
  return rows.map(toChained);
}
