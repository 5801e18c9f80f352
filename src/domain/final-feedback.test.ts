import { describe, expect, it } from "vitest";
import type { CreditChoice } from "./credit.ts";
import { finalFeedbackSummary, ratingProblem } from "./final-feedback.ts";

const named: CreditChoice = {
  display: "name",
  name: "Ada Lovelace",
  handle: "ada",
  url: "https://ada.example",
  affiliation: "Engines Ltd",
  coFinders: ["bob"],
  hallOfFame: true,
};

describe("final feedback summary", () => {
  it("states what was fixed, the release and version, the advisory, the credit and the bounty", () => {
    const text = finalFeedbackSummary({
      reference: "EMB-2026-0001",
      title: "XSS in search",
      release: { name: "libfoo", version: "2.4.1" },
      advisoryUrl: "https://example.org/advisories/EMBSA-2026-0001",
      credit: named,
      bountyState: "Offered: 500 EUR",
    });
    expect(text).toContain("- Fixed: XSS in search (EMB-2026-0001)");
    expect(text).toContain("- Release: libfoo, version 2.4.1");
    expect(text).toContain("- Advisory: https://example.org/advisories/EMBSA-2026-0001");
    expect(text).toContain("- Credit: Ada Lovelace (Engines Ltd), with bob <https://ada.example>");
    expect(text).toContain("- Bounty: Offered: 500 EUR");
  });

  it("leaves out facts that are missing instead of printing undefined", () => {
    const text = finalFeedbackSummary({ reference: "EMB-1", title: "T" });
    expect(text).not.toMatch(/undefined|null|Release|Advisory|Bounty/);
    expect(text).toContain("Credit: none recorded");
  });

  it("never names an anonymous reporter", () => {
    const text = finalFeedbackSummary({
      reference: "R",
      title: "T",
      credit: { ...named, display: "anonymous" },
    });
    expect(text).toContain("anonymous");
    expect(text).not.toContain("Ada");
    expect(text).not.toContain("ada.example");
  });

  it("credits by handle when the handle is chosen", () => {
    expect(
      finalFeedbackSummary({ reference: "R", title: "T", credit: { ...named, display: "handle" } }),
    ).toContain("- Credit: ada (Engines Ltd)");
  });

  it("does not repeat a version the release name already has, and flattens line breaks", () => {
    const text = finalFeedbackSummary({
      reference: "R",
      title: "a\nb",
      release: { name: "libfoo 2.4.1", version: "2.4.1" },
    });
    expect(text).toContain("- Release: libfoo 2.4.1\n");
    expect(text).toContain("- Fixed: a b (R)");
  });
});

describe("rating", () => {
  it.each([1, 2, 3, 4, 5, "3", " 5 "])("accepts %j", (v) => expect(ratingProblem(v)).toBeNull());
  it.each([0, 6, 2.5, "x", "", null, undefined, "10", [], {}, Number.NaN, "1e0"])("refuses %j", (v) =>
    expect(ratingProblem(v)).toBe("Choose a rating from 1 to 5."),
  );
});
