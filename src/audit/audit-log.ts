import { asc, eq, sql } from "drizzle-orm";
import { type Db, deferFinalWrite, type FinalWrite, type Tx } from "../core/db.ts";
import { auditEvents, auditHead } from "../db/schema.ts";
import { type ChainedEvent, GENESIS_HASH, hashEvent } from "../domain/audit-chain.ts";

export interface AuditInput {
  actorType: "user" | "reporter" | "system";
  actorId: string | null;
  action: string;
  reportId: string | null;
  data: Record<string, unknown>;
}

/** An appended event as its transaction's caller sees it: its id and time are fixed, its place in the chain is not yet. */
export interface AppendedEvent {
  id: string;
  occurredAt: string;
}

interface PendingEvent extends AppendedEvent {
  input: AuditInput;
  data: unknown;
}

/**
 * Appends one event to the chain when the caller's transaction commits (and never if it rolls back, or if the
 * savepoint it was appended in does). The id and time are fixed now; the chain position and hashes are given at
 * the end of the transaction, in append order, by chainPendingEvents.
 */
export async function appendAuditEvent(tx: Tx, input: AuditInput, now: Date): Promise<AppendedEvent> {
  const event: PendingEvent = {
    id: crypto.randomUUID(),
    occurredAt: now.toISOString(),
    input,
    // Copied now, so a caller changing its object afterwards cannot change what is recorded.
    data: JSON.parse(JSON.stringify(input.data)) as unknown,
  };
  deferFinalWrite(tx, chainAppend, event);
  return { id: event.id, occurredAt: event.occurredAt };
}

const chainAppend: FinalWrite<PendingEvent> = { name: "appendAuditEvent", write: chainPendingEvents };

/**
 * Links a transaction's events to the chain, last thing before it commits. The upsert on the head row locks it
 * (creating it for the first event ever) and returns its newest committed value even if another writer committed
 * while this one waited; the lock is held until the commit, so writers chain one after another in commit order,
 * and only for two round trips each.
 */
async function chainPendingEvents(tx: Tx, events: PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  const head = await tx
    .insert(auditHead)
    .values({ id: 1, seq: 0, hash: GENESIS_HASH })
    .onConflictDoUpdate({ target: auditHead.id, set: { seq: sql`${auditHead.seq}` } })
    .returning({ seq: auditHead.seq, hash: auditHead.hash });
  let { seq, hash } = head[0]!;
  const rows = events.map((event) => {
    seq += 1;
    const content = {
      seq,
      id: event.id,
      occurredAt: event.occurredAt,
      actorType: event.input.actorType,
      actorId: event.input.actorId,
      action: event.input.action,
      reportId: event.input.reportId,
      data: event.data,
    };
    const prevHash = hash;
    hash = hashEvent(content, prevHash);
    return { ...content, occurredAt: new Date(content.occurredAt), prevHash, hash };
  });
  await tx.execute(
    sql`with appended as ${tx.insert(auditEvents).values(rows)} update ${auditHead} set seq = ${seq}, hash = ${hash} where id = 1`,
  );
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
export async function* readChain(db: Db, pageSize = 1000, from = 0): AsyncGenerator<ChainedEvent> {
  let after = from;
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
