import { readChain, readHead } from "../../audit/audit-log.ts";
import type { Db } from "../../core/db.ts";
import { type ChainVerdict, verifyChainStream } from "../../domain/audit-chain.ts";

export function createAuditService(deps: { db: Db }) {
  return {
    /**
     * Recomputes every hash; used by `embargo audit verify` and the admin audit page. The chain is read in pages
     * by seq and checked as it streams, so memory stays flat however long the chain is.
     */
    async verify(): Promise<ChainVerdict> {
      const head = await readHead(deps.db);
      return verifyChainStream(readChain(deps.db), head ? { seq: head.seq, hash: head.hash } : null);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
