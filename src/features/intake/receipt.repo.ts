import { and, eq, isNotNull, lte } from "drizzle-orm";
import type { Tx } from "../../core/db.ts";
import { intakeReceipts } from "../../db/schema.ts";

/** A new receipt, sealed, for the report created in the same transaction. */
export async function insertReceipt(tx: Tx, row: typeof intakeReceipts.$inferInsert) {
  await tx.insert(intakeReceipts).values(row);
}

/** The receipt behind a URL token's hash, locked, so two loads at once cannot both show the link. */
export async function lockReceipt(tx: Tx, tokenHash: string) {
  const [row] = await tx
    .select()
    .from(intakeReceipts)
    .where(eq(intakeReceipts.tokenHash, tokenHash))
    .for("update");
  return row;
}

/** Drops the sealed link: once shown, or once expired, nothing of it stays at rest. */
export async function clearReceipt(tx: Tx, tokenHash: string, shownAt: Date | null) {
  await tx
    .update(intakeReceipts)
    .set({ sealed: null, ...(shownAt ? { shownAt } : {}) })
    .where(eq(intakeReceipts.tokenHash, tokenHash));
}

/**
 * Housekeeping on every new receipt: expired links are cleared even if nobody loads them again, and rows whose
 * "already shown" answer nobody needs any more are removed.
 */
export async function sweepReceipts(tx: Tx, now: Date, forgetBefore: Date) {
  await tx
    .update(intakeReceipts)
    .set({ sealed: null })
    .where(and(lte(intakeReceipts.expiresAt, now), isNotNull(intakeReceipts.sealed)));
  await tx.delete(intakeReceipts).where(lte(intakeReceipts.expiresAt, forgetBefore));
}
