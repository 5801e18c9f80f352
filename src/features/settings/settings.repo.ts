import { eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { settings } from "../../db/schema.ts";

export async function readSetting(db: Db, key: string): Promise<unknown> {
  const [row] = await db.select().from(settings).where(eq(settings.key, key));
  return row?.value;
}

/** Several keys in one query: the stored values by key (absent keys are missing from the map). */
export async function readSettings(db: Db, keys: readonly string[]): Promise<Map<string, unknown>> {
  const rows = await db
    .select({ key: settings.key, value: settings.value })
    .from(settings)
    .where(inArray(settings.key, [...keys]));
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function writeSetting(tx: Tx, key: string, value: unknown, now: Date): Promise<void> {
  await tx
    .insert(settings)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } });
}

/** Stores a value unless the key exists; two instances racing keep the first. */
export async function insertSettingIfAbsent(tx: Tx, key: string, value: unknown, now: Date): Promise<void> {
  await tx.insert(settings).values({ key, value, updatedAt: now }).onConflictDoNothing();
}
