import { describe, expect, it } from "vitest";
import {
  ADVISORY_ACTIONS,
  ADVISORY_STATES,
  type AdvisoryAction,
  type AdvisoryState,
  advisoryId,
  advisoryPrefixProblem,
  decideAdvisory,
  decideEdit,
} from "./advisory-review.ts";

const EXPECTED: Record<AdvisoryAction, Partial<Record<AdvisoryState, AdvisoryState>>> = {
  submit: { draft: "in_review" },
  approve: { in_review: "approved" },
  request_changes: { in_review: "draft", approved: "draft" },
  withdraw: { published: "withdrawn" },
};

describe("decideAdvisory", () => {
  it("allows exactly the table's transitions, for every state and action", () => {
    for (const state of ADVISORY_STATES)
      for (const action of ADVISORY_ACTIONS) {
        const d = decideAdvisory(
          { state, lastEditorId: "alice" },
          { action, actorId: "bob", message: "Needs a CVE." },
        );
        const to = EXPECTED[action][state];
        if (to) expect(d).toEqual({ ok: true, to });
        else expect(d).toMatchObject({ ok: false, code: "invalid_transition" });
      }
  });

  it("refuses an approval by the last editor, naming why", () => {
    expect(
      decideAdvisory({ state: "in_review", lastEditorId: "alice" }, { action: "approve", actorId: "alice" }),
    ).toEqual({
      ok: false,
      code: "guard_failed",
      message: "You made the last edit, so another member must approve this advisory.",
    });
    expect(
      decideAdvisory({ state: "in_review", lastEditorId: "alice" }, { action: "approve", actorId: " " }),
    ).toMatchObject({ ok: false });
  });

  it("needs a message to request changes and a reason to withdraw", () => {
    for (const message of [undefined, null, "", "  ", "\u200b"]) {
      expect(
        decideAdvisory(
          { state: "in_review", lastEditorId: "a" },
          { action: "request_changes", actorId: "b", message },
        ),
      ).toMatchObject({ ok: false, code: "guard_failed" });
      expect(
        decideAdvisory(
          { state: "published", lastEditorId: "a" },
          { action: "withdraw", actorId: "b", message },
        ),
      ).toMatchObject({ ok: false, code: "guard_failed" });
    }
  });

  it("refuses unknown actions and hostile messages", () => {
    expect(
      decideAdvisory(
        { state: "draft", lastEditorId: "a" },
        { action: "publish" as AdvisoryAction, actorId: "b" },
      ),
    ).toMatchObject({ ok: false, code: "invalid_transition" });
    expect(
      decideAdvisory(
        { state: "draft", lastEditorId: "a" },
        { action: "__proto__" as AdvisoryAction, actorId: "b" },
      ),
    ).toMatchObject({ ok: false });
    expect(
      decideAdvisory(
        { state: "draft", lastEditorId: "a" },
        { action: "submit", actorId: "b", message: "x".repeat(5001) },
      ),
    ).toMatchObject({ ok: false, code: "guard_failed" });
    expect(
      decideAdvisory(
        { state: "draft", lastEditorId: "a" },
        { action: "submit", actorId: "b", message: 42 as unknown as string },
      ),
    ).toMatchObject({ ok: false });
  });
});

describe("decideEdit", () => {
  it("sends a reviewed or approved advisory back to draft, and revises a published one only with a summary", () => {
    expect(decideEdit("draft", null)).toEqual({ ok: true, to: "draft", newRevision: false });
    expect(decideEdit("in_review", null)).toEqual({ ok: true, to: "draft", newRevision: false });
    expect(decideEdit("approved", null)).toEqual({ ok: true, to: "draft", newRevision: false });
    expect(decideEdit("published", "Added the 3.x range")).toEqual({
      ok: true,
      to: "published",
      newRevision: true,
    });
    expect(decideEdit("published", " ")).toMatchObject({ ok: false });
    expect(decideEdit("published", "x".repeat(5001))).toMatchObject({ ok: false });
    expect(decideEdit("withdrawn", "anything")).toMatchObject({ ok: false });
    expect(decideEdit("bogus" as AdvisoryState, null)).toMatchObject({ ok: false });
  });
});

describe("advisory ids", () => {
  it("pads the sequence to four digits and grows past it", () => {
    expect(advisoryId("EMBSA", 2026, 1)).toBe("EMBSA-2026-0001");
    expect(advisoryId("EMBSA", 2026, 12345)).toBe("EMBSA-2026-12345");
  });

  it("accepts only plain prefixes", () => {
    expect(advisoryPrefixProblem("EMBSA")).toBeNull();
    expect(advisoryPrefixProblem("DSA2")).toBeNull();
    for (const bad of ["", "E", "embsa", "EMB-SA", "1ABC", "EMBSA ", "A".repeat(17), "x_EMB"])
      expect(advisoryPrefixProblem(bad)).not.toBeNull();
  });
});
