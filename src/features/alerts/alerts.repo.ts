import { and, asc, count, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { alertChannels, alertDeliveries, reports, users } from "../../db/schema.ts";

export type AlertChannelRow = typeof alertChannels.$inferSelect;
export type AlertDeliveryRow = typeof alertDeliveries.$inferSelect;
export type DeliveryAttempt = AlertDeliveryRow["attempts"][number];

export async function listChannels(db: Db): Promise<AlertChannelRow[]> {
  return db.select().from(alertChannels).orderBy(asc(alertChannels.createdAt), asc(alertChannels.id));
}

export async function findChannel(db: Db, id: string): Promise<AlertChannelRow | null> {
  const [row] = await db.select().from(alertChannels).where(eq(alertChannels.id, id));
  return row ?? null;
}

/** Active channels subscribed to an event. */
export async function channelsForEvent(db: Db, event: string): Promise<AlertChannelRow[]> {
  return db
    .select()
    .from(alertChannels)
    .where(and(eq(alertChannels.active, true), sql`${event} = any(${alertChannels.events})`))
    .orderBy(asc(alertChannels.createdAt), asc(alertChannels.id));
}

export async function insertChannel(tx: Tx, values: typeof alertChannels.$inferInsert) {
  const [row] = await tx.insert(alertChannels).values(values).returning();
  return row!;
}

export async function updateChannel(tx: Tx, id: string, values: Partial<typeof alertChannels.$inferInsert>) {
  await tx.update(alertChannels).set(values).where(eq(alertChannels.id, id));
}

/** Members who may be alerted by email: the given ids, or else every active responder and admin. */
export async function alertableMembers(db: Db, userIds: readonly string[] | undefined) {
  const base = and(eq(users.active, true), inArray(users.role, ["admin", "responder"]));
  const where = userIds ? and(base, inArray(users.id, [...userIds])) : base;
  if (userIds && userIds.length === 0) return [];
  return db
    .select({ id: users.id, email: users.email, name: users.name, alertPrefs: users.alertPrefs })
    .from(users)
    .where(where)
    .orderBy(asc(users.email));
}

/** Inserts a delivery unless one with the same dedupe key exists; returns the new id, or null for a repeat. */
export async function insertDeliveryOnce(
  tx: Tx,
  values: typeof alertDeliveries.$inferInsert,
): Promise<string | null> {
  const rows = await tx
    .insert(alertDeliveries)
    .values(values)
    .onConflictDoNothing({ target: alertDeliveries.dedupeKey })
    .returning({ id: alertDeliveries.id });
  return rows[0]?.id ?? null;
}

export async function findDelivery(db: Db, id: string): Promise<AlertDeliveryRow | null> {
  const [row] = await db.select().from(alertDeliveries).where(eq(alertDeliveries.id, id));
  return row ?? null;
}

/** Appends one attempt atomically, so two runs never overwrite each other's record. */
export async function recordAttempt(
  tx: Tx,
  id: string,
  attempt: DeliveryAttempt,
  status: "pending" | "sent" | "failed",
  sentAt: Date | null,
) {
  await tx
    .update(alertDeliveries)
    .set({
      attempts: sql`${alertDeliveries.attempts} || ${JSON.stringify([attempt])}::jsonb`,
      status,
      ...(sentAt ? { sentAt } : {}),
    })
    .where(eq(alertDeliveries.id, id));
}

export interface DeliveryLogRow {
  id: string;
  event: string;
  status: string;
  attempts: DeliveryAttempt[];
  createdAt: Date;
  sentAt: Date | null;
  channelName: string | null;
  channelKind: string | null;
  userName: string | null;
  userEmail: string | null;
  reference: string | null;
}

/** The delivery log, newest first. */
export async function listDeliveries(
  db: Db,
  page: { limit: number; offset: number },
): Promise<{ rows: DeliveryLogRow[]; total: number }> {
  const rows = await db
    .select({
      id: alertDeliveries.id,
      event: alertDeliveries.event,
      status: alertDeliveries.status,
      attempts: alertDeliveries.attempts,
      createdAt: alertDeliveries.createdAt,
      sentAt: alertDeliveries.sentAt,
      channelName: alertChannels.name,
      channelKind: alertChannels.kind,
      userName: users.name,
      userEmail: users.email,
      reference: reports.reference,
    })
    .from(alertDeliveries)
    .leftJoin(alertChannels, eq(alertChannels.id, alertDeliveries.channelId))
    .leftJoin(users, eq(users.id, alertDeliveries.userId))
    .leftJoin(reports, eq(reports.id, alertDeliveries.reportId))
    .orderBy(desc(alertDeliveries.createdAt), desc(alertDeliveries.id))
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await db.select({ n: count() }).from(alertDeliveries);
  return { rows, total: Number(total?.n ?? 0) };
}

export async function findUserPrefs(db: Db, userId: string) {
  const [row] = await db
    .select({ alertPrefs: users.alertPrefs, role: users.role })
    .from(users)
    .where(eq(users.id, userId));
  return row ?? null;
}

export async function updateUserPrefs(tx: Tx, userId: string, prefs: { email: boolean; events: string[] }) {
  await tx.update(users).set({ alertPrefs: prefs }).where(eq(users.id, userId));
}

export async function reportSummary(db: Db, reportId: string) {
  const [row] = await db
    .select({ id: reports.id, reference: reports.reference, title: reports.title })
    .from(reports)
    .where(eq(reports.id, reportId));
  return row ?? null;
}
