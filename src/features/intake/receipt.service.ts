import { z } from "zod";
import type { Clock } from "../../core/clock.ts";
import { type Db, transaction } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { randomToken, sha256Hex } from "../../crypto/tokens.ts";
import type { SubmitExtras } from "../reports/report-context.service.ts";
import { clearReceipt, insertReceipt, lockReceipt, sweepReceipts } from "./receipt.repo.ts";

/** How long a receipt can be opened for its first (and only) view. */
export const RECEIPT_TTL_MS = 30 * 60 * 1000;
/** How long a used or expired receipt still answers "already shown" instead of "not found". */
const RECEIPT_MEMORY_MS = 7 * 24 * 60 * 60 * 1000;

/** Receipt URL tokens are 128-bit base64url strings, like tracking tokens. */
export const RECEIPT_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/** Where a receipt is served; the token is a capability for one view. */
export const receiptPath = (token: string) => `/report/receipt/${token}`;

/** What the receipt shows; sealed under the data key until its one view. */
const receiptFacts = z.object({
  reference: z.string(),
  trackingUrl: z.string(),
  acknowledgeBy: z.coerce.date(),
  emailed: z.boolean(),
});
export type ReceiptFacts = z.infer<typeof receiptFacts>;

/** What loading a receipt URL finds. */
export type OpenedReceipt =
  | { status: "show"; receipt: ReceiptFacts }
  | { status: "shown"; reference: string; shownAt: Date }
  | { status: "expired"; reference: string }
  | { status: "unknown" };

export interface ReceiptDeps {
  db: Db;
  cipher: DataCipher;
  clock: Clock;
}

/**
 * The form's receipt behind a redirect: a reload or the Back button never sends the report again, and the
 * tracking link is shown once. The link waits sealed under the data key (like the outbox's sealed links), for
 * at most RECEIPT_TTL_MS, and the first view clears it.
 */
export function createReceiptService(deps: ReceiptDeps) {
  const { db, cipher, clock } = deps;

  /**
   * The submission's extras plus a receipt written in the report's own transaction: no report without its
   * receipt, no receipt without its report. `token()` is the receipt's URL token once the report is stored.
   */
  function withReceipt(base: SubmitExtras, emailed: boolean): { extras: SubmitExtras; token: () => string } {
    let token: string | null = null;
    const extras: SubmitExtras = {
      ...base,
      inTransaction: async (tx, created) => {
        await base.inTransaction?.(tx, created);
        const now = created.now;
        await sweepReceipts(tx, now, new Date(now.getTime() - RECEIPT_MEMORY_MS));
        const fresh = randomToken(16);
        const facts: ReceiptFacts = {
          reference: created.reference,
          trackingUrl: created.trackingUrl,
          acknowledgeBy: created.acknowledgeBy,
          emailed,
        };
        await insertReceipt(tx, {
          tokenHash: sha256Hex(fresh),
          reportId: created.reportId,
          reference: created.reference,
          sealed: cipher.encryptJson(facts),
          expiresAt: new Date(now.getTime() + RECEIPT_TTL_MS),
        });
        token = fresh;
      },
    };
    return {
      extras,
      token: () => {
        if (!token) throw new Error("The report was not stored, so it has no receipt.");
        return token;
      },
    };
  }

  /** Opens a receipt: the first load within its time shows it and clears the sealed link; later ones cannot. */
  async function open(token: string): Promise<OpenedReceipt> {
    if (!RECEIPT_TOKEN.test(token)) return { status: "unknown" };
    const hash = sha256Hex(token);
    return transaction(db, async (tx) => {
      const row = await lockReceipt(tx, hash);
      if (!row) return { status: "unknown" };
      if (row.shownAt) return { status: "shown", reference: row.reference, shownAt: row.shownAt };
      const now = clock();
      if (!row.sealed || row.expiresAt.getTime() <= now.getTime()) {
        await clearReceipt(tx, hash, null);
        return { status: "expired", reference: row.reference };
      }
      let receipt: ReceiptFacts;
      try {
        receipt = receiptFacts.parse(cipher.decryptJson(row.sealed));
      } catch {
        // Sealed under a data key that is no longer loaded: it cannot be shown, so it is treated as expired.
        await clearReceipt(tx, hash, null);
        return { status: "expired", reference: row.reference };
      }
      await clearReceipt(tx, hash, now);
      return { status: "show", receipt };
    });
  }

  return { withReceipt, open };
}

export type ReceiptService = ReturnType<typeof createReceiptService>;
