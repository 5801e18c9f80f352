import { describe, expect, it } from "vitest";
import { advisoryFeed } from "./advisory-feed.ts";
import type { AdvisoryRecord, Publisher } from "./advisory-record.ts";
import {
  CREDIT_DISPLAYS,
  type CreditChoice,
  creditLine,
  creditProblems,
  creditUrlProblem,
  inHallOfFame,
  publicCredits,
} from "./credit.ts";
import { toCsaf } from "./export-csaf.ts";
import { toCve5 } from "./export-cve.ts";
import { toOsv } from "./export-osv.ts";

const choice = (over: Partial<CreditChoice> = {}): CreditChoice => ({
  display: "name",
  name: "Ada Lovelace",
  handle: "countess",
  url: "https://ada.example/",
  affiliation: "Analytical Engines Ltd",
  coFinders: ["Charles B."],
  hallOfFame: true,
  ...over,
});

const PUBLISHER: Publisher = {
  name: "Sec",
  namespace: "https://sec.example.org",
  vendor: "Example",
  cnaOrgId: "b3476cb9-2e3d-41a6-98d0-0f47421a65b6",
  cnaShortName: null,
};
const record = (credits: AdvisoryRecord["credits"]): AdvisoryRecord => ({
  id: "EMBSA-2026-0001",
  title: "Bug",
  summary: "A bug.",
  details: "Details.",
  cveId: "CVE-2026-1234",
  cwe: [],
  cvss: null,
  affected: [],
  workarounds: null,
  solution: null,
  references: [],
  credits,
  published: new Date("2026-11-01T00:00:00Z"),
  modified: new Date("2026-11-01T00:00:00Z"),
  withdrawn: null,
  revisions: [],
  url: "https://sec.example.org/advisories/EMBSA-2026-0001",
});

describe("credit choices", () => {
  it("accepts each display with what it needs", () => {
    expect(creditProblems(choice())).toEqual({});
    expect(creditProblems(choice({ display: "handle", name: null }))).toEqual({});
    expect(
      creditProblems(
        choice({
          display: "anonymous",
          name: null,
          handle: null,
          url: null,
          affiliation: null,
          coFinders: [],
        }),
      ),
    ).toEqual({});
    expect(creditProblems(choice({ name: " " }))).toMatchObject({ name: "Give a name." });
    expect(creditProblems(choice({ display: "handle", handle: null }))).toMatchObject({
      handle: "Give a handle.",
    });
    expect(creditProblems(choice({ display: "famous" as never }))).toMatchObject({
      display: expect.any(String),
    });
  });

  it("refuses links that are not plain https URLs, naming why", () => {
    expect(creditUrlProblem("https://mastodon.social/@ada")).toBeNull();
    expect(creditUrlProblem("https://github.com/ada")).toBeNull();
    expect(creditUrlProblem(null)).toBeNull();
    expect(creditUrlProblem("http://ada.example")).toContain("https://");
    expect(creditUrlProblem("javascript:alert(1)")).toContain("https://");
    expect(creditUrlProblem("data:text/html,hi")).toContain("https://");
    expect(creditUrlProblem("https://user:pw@ada.example")).toContain("user name");
    expect(creditUrlProblem("https://ada")).toContain("full host");
    expect(creditUrlProblem("ada.example")).toContain("not a URL");
    expect(creditUrlProblem(" https://ada.example")).toContain("spaces");
    expect(creditUrlProblem(`https://ada.example/${"a".repeat(500)}`)).toContain("longer");
  });

  it("refuses hostile names: control and direction characters, too long, too many co-finders", () => {
    expect(creditProblems(choice({ name: "Ada\u202eecalevol" }))).toMatchObject({
      name: expect.stringContaining("direction"),
    });
    expect(creditProblems(choice({ name: "x".repeat(201) }))).toMatchObject({
      name: expect.stringContaining("longer"),
    });
    expect(
      creditProblems(choice({ coFinders: Array.from({ length: 11 }, (_, i) => `p${i}`) })),
    ).toMatchObject({ coFinders: expect.stringContaining("At most") });
    expect(creditProblems(choice({ coFinders: [""] }))).toMatchObject({ coFinders: expect.any(String) });
    expect(creditProblems(choice({ coFinders: "Bob" as never }))).toMatchObject({
      coFinders: expect.any(String),
    });
    expect(creditProblems(choice({ affiliation: 42 as never }))).toMatchObject({
      affiliation: expect.any(String),
    });
  });

  it("reads as one line", () => {
    expect(creditLine(choice())).toBe("Ada Lovelace (Analytical Engines Ltd), with Charles B.");
    expect(creditLine(choice({ display: "handle", affiliation: null, coFinders: [] }))).toBe("countess");
    expect(creditLine(choice({ display: "anonymous" }))).toBe("Anonymous");
  });
});

describe("public credits", () => {
  it("credits a named reporter, their co-finders and the team's credits", () => {
    expect(publicCredits(choice(), [{ name: "Fuzzer X", role: "tool", url: null }])).toEqual([
      { name: "Ada Lovelace (Analytical Engines Ltd)", role: "finder", contact: ["https://ada.example/"] },
      { name: "Charles B.", role: "finder" },
      { name: "Fuzzer X", role: "tool" },
    ]);
  });

  it("never names an anonymous reporter anywhere public: credits, OSV, CVE, CSAF, the feed, the hall of fame", async () => {
    const anonymous = choice({ display: "anonymous" });
    const credits = publicCredits(anonymous, [{ name: "Team analyst", role: "analyst", url: null }]);
    expect(credits).toEqual([{ name: "Team analyst", role: "analyst" }]);
    const adv = record(credits);
    const cve = toCve5(adv, PUBLISHER);
    const outputs = [
      JSON.stringify(toOsv(adv)),
      JSON.stringify(cve.ok ? cve.record : cve),
      JSON.stringify(toCsaf(adv, PUBLISHER)),
      advisoryFeed(
        { title: "t", publicUrl: "https://sec.example.org", feedPath: "/advisories.atom", author: "Sec" },
        [
          {
            id: adv.id,
            title: adv.title,
            summary: adv.summary,
            severity: null,
            cveId: null,
            url: adv.url,
            published: adv.published,
            updated: adv.modified,
            withdrawn: false,
          },
        ],
        new Date(),
      ),
    ];
    for (const out of outputs)
      for (const secret of ["Ada", "Lovelace", "countess", "ada.example", "Analytical", "Charles"])
        expect(out).not.toContain(secret);
    expect(inHallOfFame(anonymous, true)).toBe(false);
  });

  it("puts each display in every export", () => {
    for (const display of CREDIT_DISPLAYS) {
      const c = choice({ display, coFinders: [] });
      const credits = publicCredits(c, []);
      const adv = record(credits);
      const osv = JSON.stringify(toOsv(adv));
      const csaf = JSON.stringify(toCsaf(adv, PUBLISHER));
      const cve = toCve5(adv, PUBLISHER);
      const expected = display === "name" ? "Ada Lovelace" : display === "handle" ? "countess" : null;
      for (const out of [osv, csaf, JSON.stringify(cve.ok ? cve.record : null)]) {
        if (expected) expect(out).toContain(expected);
        else expect(out).not.toContain("Ada");
      }
    }
  });

  it("shows in the hall of fame only named, opted-in reporters after publication", () => {
    expect(inHallOfFame(choice(), true)).toBe(true);
    expect(inHallOfFame(choice(), false)).toBe(false);
    expect(inHallOfFame(choice({ hallOfFame: false }), true)).toBe(false);
    expect(inHallOfFame(choice({ display: "name", name: "  " }), true)).toBe(false);
  });

  it("drops team credits with blank names or unknown roles", () => {
    expect(
      publicCredits(null, [
        { name: " ", role: "tool", url: null },
        { name: "X", role: "boss" as never, url: null },
      ]),
    ).toEqual([]);
  });
});
