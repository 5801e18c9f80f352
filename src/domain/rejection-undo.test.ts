import { describe, expect, it } from "vitest";
import { decideUndoRejection, UNDO_WINDOW_MS, type UndoRejectionFacts } from "./rejection-undo.ts";
import { decide, type ReportFacts } from "./workflow.ts";
import {
  REJECTABLE_STATES,
  REJECTION_REASONS,
  REPORT_STATES,
  type RejectionReason,
  type ReportState,
} from "./workflow-states.ts";

const AT = new Date("2026-03-02T10:00:00.000Z");
const after = (ms: number) => new Date(AT.getTime() + ms);

/** A rejection as `reason`, recorded at AT from triage, asked about `ms` later, with nothing else happened. */
function undoFacts(
  reason: RejectionReason,
  ms = 60_000,
  over: Partial<UndoRejectionFacts> = {},
): UndoRejectionFacts {
  return {
    rejectionReason: reason,
    resolvedAt: AT,
    rejection: { reason, at: AT, previousState: "triage" },
    rejectionMail: reason === "spam" ? "none" : "unsent",
    reporterContactSince: false,
    now: after(ms),
    ...over,
  };
}

function refusal(d: ReturnType<typeof decideUndoRejection>) {
  if (d.ok) throw new Error(`expected a refusal, got ${JSON.stringify(d)}`);
  return d;
}

const TOLD = REJECTION_REASONS.filter((r) => r !== "spam");

describe("undo of a rejection: the state", () => {
  it.each(REPORT_STATES.filter((s) => s !== "rejected"))("refuses it in %s as an invalid transition", (s) => {
    const d = refusal(decideUndoRejection(s, undoFacts("spam")));
    expect(d.code).toBe("invalid_transition");
    expect(d.message).toMatch(/^Only a rejected report can have its rejection undone; this one is /);
  });

  it("refuses an unknown state without crashing", () => {
    const d = refusal(decideUndoRejection("archived" as ReportState, undoFacts("spam")));
    expect(d.message).toContain("in an unknown state");
    expect(refusal(decideUndoRejection("__proto__" as ReportState, undoFacts("spam"))).code).toBe(
      "invalid_transition",
    );
  });
});

describe("undo of a rejection: spam", () => {
  it.each(REJECTABLE_STATES)("returns a spam rejection from %s to exactly that state", (previous) => {
    const facts = undoFacts("spam", 60_000, {
      rejection: { reason: "spam", at: AT, previousState: previous },
    });
    expect(decideUndoRejection("rejected", facts)).toEqual({ ok: true, to: previous, cancelMail: false });
  });

  it("stays possible long after the window, because spam told no one", () => {
    const year = 365 * 24 * 3600 * 1000;
    expect(decideUndoRejection("rejected", undoFacts("spam", year)).ok).toBe(true);
    expect(decideUndoRejection("rejected", undoFacts("spam", UNDO_WINDOW_MS + 1)).ok).toBe(true);
  });

  it("stays possible after the sender wrote again: they were never told of the rejection", () => {
    expect(decideUndoRejection("rejected", undoFacts("spam", 1000, { reporterContactSince: true })).ok).toBe(
      true,
    );
  });
});

describe("undo of a rejection that told the reporter", () => {
  it.each(TOLD)("undoes %s within the window and cancels the unsent mail", (reason) => {
    expect(decideUndoRejection("rejected", undoFacts(reason, 5 * 60_000))).toEqual({
      ok: true,
      to: "triage",
      cancelMail: true,
    });
  });

  it("undoes a rejection of a reporter without an address: there is no mail to cancel", () => {
    const d = decideUndoRejection("rejected", undoFacts("invalid", 1000, { rejectionMail: "none" }));
    expect(d).toEqual({ ok: true, to: "triage", cancelMail: false });
  });

  it("allows it at exactly ten minutes and refuses it one millisecond later (window expired)", () => {
    expect(UNDO_WINDOW_MS).toBe(600_000);
    expect(decideUndoRejection("rejected", undoFacts("out_of_scope", UNDO_WINDOW_MS)).ok).toBe(true);
    const d = refusal(decideUndoRejection("rejected", undoFacts("out_of_scope", UNDO_WINDOW_MS + 1)));
    expect(d.code).toBe("guard_failed");
    expect(d.message).toBe(
      "A rejection as Out of scope can be undone only within 10 minutes; this one was 10 minutes ago. Close and reopen the report instead.",
    );
  });

  it("names the elapsed time in whole minutes once the window is over", () => {
    const d = refusal(decideUndoRejection("rejected", undoFacts("wont_fix", 3 * 3600 * 1000)));
    expect(d.message).toContain("this one was 180 minutes ago");
  });

  it.each(TOLD)("refuses %s once its mail was sent, even within the window", (reason) => {
    const d = refusal(decideUndoRejection("rejected", undoFacts(reason, 1000, { rejectionMail: "sent" })));
    expect(d.message).toMatch(/already been sent/);
  });

  it("refuses once the reporter and the team wrote to each other since", () => {
    const d = refusal(
      decideUndoRejection("rejected", undoFacts("informative", 1000, { reporterContactSince: true })),
    );
    expect(d.message).toMatch(/written to each other since the rejection/);
  });

  it("treats a rejection recorded a little in the future (clock skew between instances) as just made", () => {
    expect(decideUndoRejection("rejected", undoFacts("invalid", -5000)).ok).toBe(true);
  });

  it("refuses when the time of the request is not a valid date", () => {
    const d = refusal(
      decideUndoRejection("rejected", undoFacts("invalid", 0, { now: new Date(Number.NaN) })),
    );
    expect(d.message).toMatch(/time is unknown/);
  });

  it("refuses an unknown mail status instead of guessing that nothing was sent", () => {
    const facts = undoFacts("invalid", 1000, { rejectionMail: "maybe" as "none" });
    expect(refusal(decideUndoRejection("rejected", facts)).message).toMatch(/unknown whether the reporter/);
  });
});

describe("undo of a rejection: nothing to undo, or a report changed since", () => {
  it("refuses a double undo: the record is gone once undone", () => {
    const d = refusal(decideUndoRejection("rejected", undoFacts("spam", 1000, { rejection: null })));
    expect(d.code).toBe("guard_failed");
    expect(d.message).toMatch(/^There is no rejection to undo: it was already undone/);
  });

  it("refuses without any facts (null, undefined)", () => {
    expect(refusal(decideUndoRejection("rejected", null)).code).toBe("guard_failed");
    expect(refusal(decideUndoRejection("rejected", undefined)).code).toBe("guard_failed");
  });

  it("refuses when the report's rejection reason is no longer the recorded one", () => {
    const facts = undoFacts("spam", 1000, { rejectionReason: "invalid" });
    expect(refusal(decideUndoRejection("rejected", facts)).message).toMatch(/^The report changed after/);
  });

  it("refuses when the report was resolved at another time than the recorded rejection", () => {
    for (const resolvedAt of [after(1), null, new Date(Number.NaN)]) {
      const facts = undoFacts("spam", 1000, { resolvedAt });
      expect(refusal(decideUndoRejection("rejected", facts)).message).toMatch(/^The report changed after/);
    }
  });

  it.each([
    [
      "an unknown reason",
      { reason: "rude" as RejectionReason, at: AT, previousState: "triage" as ReportState },
    ],
    [
      "an invalid time",
      { reason: "spam" as const, at: new Date("nope"), previousState: "triage" as ReportState },
    ],
    [
      "a previous state that cannot be rejected",
      { reason: "spam" as const, at: AT, previousState: "closed" as ReportState },
    ],
    [
      "rejected as the previous state",
      { reason: "spam" as const, at: AT, previousState: "rejected" as ReportState },
    ],
    ["an unknown previous state", { reason: "spam" as const, at: AT, previousState: "gone" as ReportState }],
  ])("refuses a damaged record: %s", (_name, rejection) => {
    const facts = undoFacts("spam", 1000, { rejection });
    expect(refusal(decideUndoRejection("rejected", facts)).message).toMatch(
      /record of this rejection is damaged/,
    );
  });

  it("does not change the facts it is given", () => {
    const facts = Object.freeze(undoFacts("invalid", 1000));
    const copy = structuredClone(facts);
    decideUndoRejection("rejected", facts);
    expect(facts).toEqual(copy);
  });
});

describe("undo through decide()", () => {
  const base: ReportFacts = {
    state: "rejected",
    assigneeId: null,
    severity: null,
    fixes: [],
    fixVerifications: [],
  };

  it("leads back to the recorded state and says the state changed", () => {
    const d = decide({ ...base, undo: undoFacts("spam") }, { action: "undo_rejection" });
    expect(d).toEqual({ ok: true, from: "rejected", to: "triage", stateChanged: true });
  });

  it("passes the rule's refusal through unchanged", () => {
    const d = decide(
      { ...base, undo: undoFacts("invalid", UNDO_WINDOW_MS * 2) },
      { action: "undo_rejection" },
    );
    expect(d).toMatchObject({ ok: false, code: "guard_failed" });
  });

  it("refuses it outside rejected with the state table's message", () => {
    const d = decide({ ...base, state: "closed", undo: undoFacts("spam") }, { action: "undo_rejection" });
    expect(d).toEqual({
      ok: false,
      code: "invalid_transition",
      message:
        "Cannot undo the rejection of a report that is closed. Undo rejection is only possible when the report is Rejected.",
    });
  });

  it("refuses it when the facts carry no undo record", () => {
    expect(decide(base, { action: "undo_rejection" })).toMatchObject({ ok: false, code: "guard_failed" });
  });
});
