import { and, eq, lte } from "drizzle-orm";
import type { Tx } from "../core/db.ts";
import { formStates } from "../db/schema.ts";

/** One stored form state, as the helper writes it: hashes only, the content sealed. */
export interface FormStateRow {
  idHash: string;
  bindingHash: string;
  pathHash: string;
  sealed: string;
  expiresAt: Date;
}

/**
 * Stores a form state. Expired rows of anyone are swept first, so the table holds only the last few minutes of
 * refused forms and needs no cleaning job.
 */
export async function insertFormState(tx: Tx, row: FormStateRow, now: Date): Promise<void> {
  await tx.delete(formStates).where(lte(formStates.expiresAt, now));
  await tx.insert(formStates).values(row);
}

/**
 * Reads and deletes a form state in one statement, so it is shown once even to two tabs racing. Only the browser
 * it is bound to, on the page it was made for, matches: another binding neither reads nor deletes it. An expired
 * row is deleted like a read one but not returned.
 */
export async function takeFormStateRow(
  tx: Tx,
  key: { idHash: string; bindingHash: string; pathHash: string },
  now: Date,
): Promise<string | null> {
  const [row] = await tx
    .delete(formStates)
    .where(
      and(
        eq(formStates.idHash, key.idHash),
        eq(formStates.bindingHash, key.bindingHash),
        eq(formStates.pathHash, key.pathHash),
      ),
    )
    .returning({ sealed: formStates.sealed, expiresAt: formStates.expiresAt });
  if (!row || row.expiresAt.getTime() <= now.getTime()) return null;
  return row.sealed;
}
