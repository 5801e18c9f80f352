import { describe, expect, it } from "vitest";
import {
  agreedDate,
  DISCLOSURE_MOVES,
  type DisclosureMove,
  decideMove,
  disclosureClock,
  disclosureTarget,
  extensionProblem,
  type NegotiationEntry,
  type NegotiationState,
  negotiationState,
  parseDisclosureDate,
} from "./disclosure.ts";

const NOW = new Date("2026-12-06T12:00:00Z");
const BY: Record<DisclosureMove, "reporter" | "team"> = {
  request: "reporter",
  agree: "team",
  propose: "team",
  decline: "team",
  accept: "reporter",
};

/** Plays moves from the start, each with valid parameters; returns the entries. */
function play(...moves: DisclosureMove[]): NegotiationEntry[] {
  const entries: NegotiationEntry[] = [];
  moves.forEach((move, i) => {
    const d = decideMove(
      entries,
      { move, by: BY[move], date: `2027-0${(i % 8) + 1}-15`, text: "Because." },
      NOW,
    );
    if (!d.ok) throw new Error(`${move}: ${d.message}`);
    entries.push(d.entry);
  });
  return entries;
}

// The table of moves: from each state (reached by a path), each move leads to a state or is refused.
const PATHS: Record<NegotiationState, DisclosureMove[]> = {
  none: [],
  requested: ["request"],
  countered: ["request", "propose"],
  agreed: ["request", "agree"],
  declined: ["request", "decline"],
};
const TABLE: Record<NegotiationState, Partial<Record<DisclosureMove, NegotiationState>>> = {
  none: { request: "requested" },
  requested: { agree: "agreed", propose: "countered", decline: "declined" },
  countered: { request: "requested", accept: "agreed" },
  agreed: { request: "requested", propose: "countered" },
  declined: { request: "requested" },
};

describe("the disclosure negotiation", () => {
  it("follows the table of moves from every state", () => {
    for (const [state, path] of Object.entries(PATHS) as [NegotiationState, DisclosureMove[]][]) {
      const entries = play(...path);
      expect(negotiationState(entries)).toBe(state);
      for (const move of DISCLOSURE_MOVES) {
        const d = decideMove(entries, { move, by: BY[move], date: "2027-03-01", text: "Reason" }, NOW);
        const to = TABLE[state][move];
        if (to) expect(d, `${state} --${move}`).toMatchObject({ ok: true, to });
        else expect(d, `${state} --${move}`).toMatchObject({ ok: false, code: "invalid_transition" });
      }
    }
  });

  it("lets each move be made only by its side", () => {
    const requested = play("request");
    expect(decideMove(requested, { move: "agree", by: "reporter" }, NOW)).toEqual({
      ok: false,
      code: "invalid_transition",
      message: "Only the team may agree to a date.",
    });
    expect(decideMove([], { move: "request", by: "team", date: "2027-01-01" }, NOW)).toMatchObject({
      ok: false,
      message: "Only the reporter may request disclosure.",
    });
  });

  it("agrees on the requested date, or on the counter-proposal the reporter accepts", () => {
    const agreed = play("request", "agree");
    expect(agreedDate(agreed)).toBe("2027-01-15");
    const accepted = play("request", "propose", "accept");
    expect(agreedDate(accepted)).toBe("2027-02-15");
    expect(agreedDate(play("request", "propose", "request"))).toBeNull();
    expect(agreedDate([])).toBeNull();
  });

  it("needs real future dates within two years", () => {
    for (const date of [
      "2026-12-06",
      "2026-12-05",
      "2027-02-30",
      "2027-2-01",
      "tomorrow",
      "",
      null,
      "2029-01-01",
      "2027-01-01T00:00:00Z",
    ])
      expect(decideMove([], { move: "request", by: "reporter", date }, NOW), String(date)).toMatchObject({
        ok: false,
        code: "guard_failed",
        field: "date",
      });
    expect(decideMove([], { move: "request", by: "reporter", date: "2026-12-07" }, NOW)).toMatchObject({
      ok: true,
    });
  });

  it("needs a reason to counter-propose or decline, and caps every message", () => {
    const requested = play("request");
    for (const text of [null, "", "  ", "\u200b"]) {
      expect(
        decideMove(requested, { move: "propose", by: "team", date: "2027-03-01", text }, NOW),
      ).toMatchObject({ ok: false, field: "text" });
      expect(decideMove(requested, { move: "decline", by: "team", text }, NOW)).toMatchObject({
        ok: false,
        field: "text",
      });
    }
    expect(
      decideMove([], { move: "request", by: "reporter", date: "2027-03-01", text: "x".repeat(5001) }, NOW),
    ).toMatchObject({ ok: false, field: "text" });
    expect(
      decideMove(
        [],
        {
          move: "request",
          by: "reporter",
          date: "2027-03-01",
          text: { toString: () => "x" } as unknown as string,
        },
        NOW,
      ),
    ).toMatchObject({ ok: false });
    expect(decideMove([], { move: "request", by: "reporter", date: "2027-03-01" }, NOW)).toMatchObject({
      ok: true,
      entry: { text: null },
    });
  });

  it("refuses unknown moves, including prototype keys", () => {
    for (const move of ["publish", "__proto__", "constructor", "toString"])
      expect(
        decideMove([], { move: move as DisclosureMove, by: "reporter", date: "2027-03-01" }, NOW),
      ).toMatchObject({ ok: false, code: "invalid_transition" });
  });

  it("parses only calendar dates that exist", () => {
    expect(parseDisclosureDate("2028-02-29")?.toISOString()).toBe("2028-02-29T00:00:00.000Z");
    for (const bad of ["2027-02-29", "2027-13-01", "2027-00-10", "99999-01-01", 20270101, undefined])
      expect(parseDisclosureDate(bad)).toBeNull();
  });
});

describe("the 90-day target", () => {
  const received = new Date("2026-10-01T09:00:00Z");

  it("is 90 days from receipt, moved on by pauses and by the latest extension", () => {
    expect(disclosureTarget({ receivedAt: received, pausedMs: 0, extensions: [] }).toISOString()).toBe(
      "2026-12-30T09:00:00.000Z",
    );
    expect(
      disclosureTarget({ receivedAt: received, pausedMs: 3 * 86_400_000, extensions: [] }).toISOString(),
    ).toBe("2027-01-02T09:00:00.000Z");
    expect(
      disclosureTarget({
        receivedAt: received,
        pausedMs: 0,
        extensions: [
          { until: new Date("2027-02-01T00:00:00Z"), reason: "Upstream library" },
          { until: new Date("2027-01-10T00:00:00Z"), reason: "earlier, ignored" },
        ],
      }).toISOString(),
    ).toBe("2027-02-01T00:00:00.000Z");
    expect(disclosureTarget({ receivedAt: received, pausedMs: -5, extensions: [] }).toISOString()).toBe(
      "2026-12-30T09:00:00.000Z",
    );
    expect(
      disclosureTarget({ receivedAt: received, pausedMs: Number.NaN, extensions: [] }).toISOString(),
    ).toBe("2026-12-30T09:00:00.000Z");
  });

  it("extends only later, and only with a reason", () => {
    const target = new Date("2026-12-30T09:00:00Z");
    expect(
      extensionProblem(target, new Date("2027-01-30T00:00:00Z"), "Waiting for the vendor of the parser"),
    ).toBeNull();
    expect(extensionProblem(target, new Date("2026-12-01T00:00:00Z"), "x")).toContain("later");
    expect(extensionProblem(target, new Date("2027-01-30T00:00:00Z"), " ")).toContain("reason");
    expect(extensionProblem(target, new Date("nope"), "x")).toContain("date");
  });

  it("is due soon within 14 days without a scheduled release, and overdue on the date once the reporter asked", () => {
    const target = new Date("2026-12-30T09:00:00Z");
    const at = (iso: string, f: Partial<Parameters<typeof disclosureClock>[2]> = {}) =>
      disclosureClock(target, new Date(iso), {
        disclosed: false,
        releaseScheduled: false,
        reporterRequested: false,
        ...f,
      });
    expect(at("2026-12-01T00:00:00Z")).toBe("on_track");
    expect(at("2026-12-16T09:00:00Z")).toBe("due_soon");
    expect(at("2026-12-20T00:00:00Z", { releaseScheduled: true })).toBe("on_track");
    expect(at("2026-12-30T09:00:00Z", { reporterRequested: true })).toBe("overdue");
    expect(at("2027-01-05T00:00:00Z", { reporterRequested: true, releaseScheduled: true })).toBe("overdue");
    expect(at("2027-01-05T00:00:00Z")).toBe("due_soon");
    expect(at("2027-01-05T00:00:00Z", { disclosed: true, reporterRequested: true })).toBe("done");
  });
});
