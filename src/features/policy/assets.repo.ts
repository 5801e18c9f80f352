import { eq } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { assets } from "../../db/schema.ts";

export type AssetRow = typeof assets.$inferSelect;

export async function listAssets(db: Db, opts: { activeOnly?: boolean } = {}): Promise<AssetRow[]> {
  const query = db.select().from(assets);
  const rows = opts.activeOnly ? await query.where(eq(assets.active, true)) : await query;
  return rows.sort((a, b) => Number(b.inScope) - Number(a.inScope) || a.name.localeCompare(b.name));
}

export async function insertAsset(tx: Tx, values: typeof assets.$inferInsert): Promise<AssetRow> {
  const [row] = await tx.insert(assets).values(values).returning();
  return row!;
}

export async function updateAsset(
  tx: Tx,
  id: string,
  values: Partial<typeof assets.$inferInsert>,
): Promise<AssetRow | null> {
  const [row] = await tx.update(assets).set(values).where(eq(assets.id, id)).returning();
  return row ?? null;
}
