import { readChain, readHead } from "../../audit/audit-log.ts";
import type { Db } from "../../core/db.ts";
import { type ChainVerdict, verifyChain } from "../../domain/audit-chain.ts";

export function createAuditService(deps: { db: Db }) {
  return {
    /** Recomputes every hash; used by `embargo audit verify` and the admin audit page. */
    async verify(): Promise<ChainVerdict> {
      const head = await readHead(deps.db);
      const events = await collect(readChain(deps.db));
      return verifyChain(events, head ? { seq: head.seq, hash: head.hash } : null);
    },
  };
}

async function collect<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iter) out.push(item);
  return out;
}

export type AuditService = ReturnType<typeof createAuditService>;
