import { describe, expect, it } from "vitest";
import {
  type ChainedEvent,
  canonicalJson,
  GENESIS_HASH,
  hashEvent,
  verifyChain,
  verifyChainStream,
} from "./audit-chain.ts";

function chain(n: number): ChainedEvent[] {
  const events: ChainedEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content = {
      seq,
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(),
      actorType: "user",
      actorId: "u1",
      action: "report.acknowledge",
      reportId: "r1",
      data: { from: "new", to: "acknowledged", n: seq, nested: { b: 1, a: [1, { y: 2, x: 1 }] } },
    };
    const hash = hashEvent(content, prev);
    events.push({ ...content, prevHash: prev, hash });
    prev = hash;
  }
  return events;
}
const headOf = (events: ChainedEvent[]) => ({
  seq: events.length,
  hash: events.at(-1)?.hash ?? GENESIS_HASH,
});

describe("canonicalJson", () => {
  it("sorts keys at every depth so jsonb's key reordering does not change the hash", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
  it("drops undefined members like JSON does and keeps strings escaped", () => {
    expect(canonicalJson({ a: undefined, b: 'quo"te\n' })).toBe('{"b":"quo\\"te\\n"}');
  });
  it("handles a __proto__ key as data", () => {
    const value = JSON.parse('{"__proto__":{"x":1},"a":2}');
    expect(canonicalJson(value)).toBe('{"__proto__":{"x":1},"a":2}');
  });
});

describe("verifyChain", () => {
  it("accepts an intact chain and an empty one", () => {
    const events = chain(5);
    expect(verifyChain(events, headOf(events))).toEqual({ ok: true, count: 5, headHash: events[4]!.hash });
    expect(verifyChain([], null)).toMatchObject({ ok: true, count: 0 });
  });

  it("names an event whose content was edited", () => {
    const events = chain(5);
    events[2] = { ...events[2]!, data: { ...(events[2]!.data as object), to: "closed" } };
    expect(verifyChain(events, headOf(chain(5)))).toMatchObject({
      ok: false,
      seq: 3,
      problem: expect.stringMatching(/changed/),
    });
  });

  it("detects an edited event whose own hash was recomputed, at the next link", () => {
    const events = chain(5);
    const edited = { ...events[1]!, action: "report.close" };
    edited.hash = hashEvent(edited, edited.prevHash);
    events[1] = edited;
    expect(verifyChain(events, headOf(chain(5)))).toMatchObject({ ok: false, seq: 3 });
  });

  it("names the gap when an event in the middle is deleted", () => {
    const events = chain(5);
    events.splice(1, 1);
    expect(verifyChain(events, headOf(chain(5)))).toMatchObject({
      ok: false,
      seq: 3,
      problem: expect.stringMatching(/#2 is missing/),
    });
  });

  it("detects two events swapped, even with their seq numbers swapped too", () => {
    const events = chain(5);
    const a = events[1]!;
    const b = events[2]!;
    events[1] = { ...b, seq: 2 };
    events[2] = { ...a, seq: 3 };
    const verdict = verifyChain(events, headOf(chain(5)));
    expect(verdict.ok).toBe(false);
    expect(verdict).toMatchObject({ seq: 2 });
  });

  it("detects events cut off the end through the stored head", () => {
    const full = chain(5);
    const cut = full.slice(0, 3);
    expect(verifyChain(cut, headOf(full))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/removed/),
    });
  });

  it("detects a missing head record when events exist", () => {
    expect(verifyChain(chain(2), null)).toMatchObject({ ok: false, problem: expect.stringMatching(/head/) });
  });
});

describe("verifyChainStream", () => {
  async function* stream(events: ChainedEvent[], pulled: { n: number } = { n: 0 }) {
    for (const event of events) {
      pulled.n += 1;
      yield event;
    }
  }

  it("gives the same verdicts as verifyChain on intact, edited, cut and headless chains", async () => {
    const full = chain(6);
    const edited = chain(6);
    edited[3] = { ...edited[3]!, actorId: "u2" };
    const gap = chain(6);
    gap.splice(2, 1);
    const cases: [ChainedEvent[], { seq: number; hash: string } | null][] = [
      [full, headOf(full)],
      [[], null],
      [edited, headOf(full)],
      [gap, headOf(full)],
      [full.slice(0, 4), headOf(full)],
      [full, null],
      [full, { seq: 6, hash: GENESIS_HASH }],
    ];
    for (const [events, head] of cases) {
      expect(await verifyChainStream(stream(events), head)).toEqual(verifyChain(events, head));
    }
  });

  it("stops reading at the first event that does not fit", async () => {
    const events = chain(50);
    events[9] = { ...events[9]!, action: "report.close" };
    const pulled = { n: 0 };
    const verdict = await verifyChainStream(stream(events, pulled), headOf(chain(50)));
    expect(verdict).toMatchObject({ ok: false, seq: 10 });
    expect(pulled.n).toBe(10);
  });

  it("verifies a long generated chain that is never held in an array", async () => {
    async function* long(n: number) {
      let prev = GENESIS_HASH;
      for (let seq = 1; seq <= n; seq++) {
        const content = {
          seq,
          id: `e${seq}`,
          occurredAt: "2026-01-01T00:00:00.000Z",
          actorType: "system",
          actorId: null,
          action: "report.received",
          reportId: null,
          data: { n: seq },
        };
        const hash = hashEvent(content, prev);
        yield { ...content, prevHash: prev, hash };
        prev = hash;
      }
    }
    let last = GENESIS_HASH;
    for await (const e of long(20_000)) last = e.hash;
    expect(await verifyChainStream(long(20_000), { seq: 20_000, hash: last })).toEqual({
      ok: true,
      count: 20_000,
      headHash: last,
    });
  });
});
