import { readChain, readHead } from "../../audit/audit-log.ts";
import type { Db } from "../../core/db.ts";
import { type ChainVerdict, chainVerifier } from "../../domain/audit-chain.ts";

export function createAuditService(deps: { db: Db }) {
  return {
    /**
     * Recomputes every hash; used by `embargo audit verify` and the admin audit page. The chain is read in pages
     * by seq and checked as it streams, so memory stays flat however long the chain is.
     *
     * The head is read after the events, not before: writers keep appending while a long chain streams, and each
     * commits its events together with the head that names them. A head beyond what was read means events arrived
     * meanwhile, so reading goes on from there; a head that stays beyond the last event means events were removed.
     */
    async verify(): Promise<ChainVerdict> {
      const verifier = chainVerifier();
      for (let pass = 0; ; pass++) {
        const before = verifier.lastSeq;
        for await (const event of readChain(deps.db, 1000, before)) {
          const failure = verifier.add(event);
          if (failure) return failure;
        }
        const head = await readHead(deps.db);
        const moreArrived =
          head !== null && head.seq > verifier.lastSeq && (pass === 0 || verifier.lastSeq > before);
        if (!moreArrived) return verifier.finish(head ? { seq: head.seq, hash: head.hash } : null);
      }
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
