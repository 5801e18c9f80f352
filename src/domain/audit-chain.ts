import { createHash } from "node:crypto";

/** The content of one audit event that its hash covers. */
export interface AuditContent {
  seq: number;
  id: string;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  action: string;
  reportId: string | null;
  data: unknown;
}

export interface ChainedEvent extends AuditContent {
  prevHash: string;
  hash: string;
}

/** The hash that starts the chain, so the first event links to something fixed. */
export const GENESIS_HASH = "0".repeat(64);

/** JSON with object keys sorted at every depth, so the same content always hashes the same after a database round trip. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** Each event's hash covers its content and the previous hash, so changing, removing or reordering one breaks the chain. */
export function hashEvent(content: AuditContent, prevHash: string): string {
  return createHash("sha256")
    .update(prevHash)
    .update("\n")
    .update(
      canonicalJson({
        seq: content.seq,
        id: content.id,
        occurredAt: content.occurredAt,
        actorType: content.actorType,
        actorId: content.actorId,
        action: content.action,
        reportId: content.reportId,
        data: content.data,
      }),
    )
    .digest("hex");
}

export type ChainVerdict =
  | { ok: true; count: number; headHash: string }
  | { ok: false; count: number; seq: number | null; id: string | null; problem: string };

/**
 * Checks a chain one event at a time, so a caller can stream events through it and hold only the last hash.
 * `add` answers the failure verdict for the first event that does not fit (and null while all fit); `finish`
 * compares the end of the chain with `head`, the separately stored newest link, without which cutting events
 * off the end would go unnoticed.
 */
export function chainVerifier() {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  return {
    add(event: ChainedEvent): ChainVerdict | null {
      const fail = (problem: string): ChainVerdict => ({
        ok: false,
        count,
        seq: event.seq,
        id: event.id,
        problem,
      });
      if (event.seq !== expectedSeq) {
        return fail(
          event.seq > expectedSeq
            ? `event #${expectedSeq}${expectedSeq + 1 < event.seq ? `-#${event.seq - 1}` : ""} is missing before event #${event.seq}`
            : `event #${event.seq} is out of order`,
        );
      }
      if (event.prevHash !== prevHash)
        return fail(`event #${event.seq} does not link to the event before it (removed or reordered)`);
      if (hashEvent(event, event.prevHash) !== event.hash)
        return fail(`event #${event.seq} was changed after it was written`);
      prevHash = event.hash;
      expectedSeq += 1;
      count += 1;
      return null;
    },
    /** The seq of the last event that fit (0 before the first). */
    get lastSeq(): number {
      return expectedSeq - 1;
    },
    finish(head: { seq: number; hash: string } | null): ChainVerdict {
      if (head === null) {
        if (count === 0) return { ok: true, count, headHash: prevHash };
        return { ok: false, count, seq: null, id: null, problem: "the chain head record is missing" };
      }
      if (head.seq !== count || head.hash !== prevHash) {
        return {
          ok: false,
          count,
          seq: head.seq,
          id: null,
          problem:
            head.seq > count
              ? `events after #${count} were removed (the head records #${head.seq})`
              : `the chain head does not match event #${count}`,
        };
      }
      return { ok: true, count, headHash: prevHash };
    },
  };
}

/** Walks events in seq order and names the first one that does not fit (see chainVerifier). */
export function verifyChain(
  events: Iterable<ChainedEvent>,
  head: { seq: number; hash: string } | null,
): ChainVerdict {
  const verifier = chainVerifier();
  for (const event of events) {
    const failure = verifier.add(event);
    if (failure) return failure;
  }
  return verifier.finish(head);
}

/** verifyChain over a stream: events are checked as they arrive and dropped, so memory stays flat. */
export async function verifyChainStream(
  events: AsyncIterable<ChainedEvent>,
  head: { seq: number; hash: string } | null,
): Promise<ChainVerdict> {
  const verifier = chainVerifier();
  for await (const event of events) {
    const failure = verifier.add(event);
    if (failure) return failure;
  }
  return verifier.finish(head);
}
