import { describe, expect, it } from "vitest";
import type { CreditChoice } from "./credit.ts";
import { hallOfFameFeed, hallOfFameYears } from "./hall-of-fame.ts";

const choice = (over: Partial<CreditChoice> = {}): CreditChoice => ({
  display: "name",
  name: "Ada",
  handle: "ada",
  url: "https://ada.example",
  affiliation: null,
  coFinders: [],
  hallOfFame: true,
  ...over,
});
const adv = (credit: CreditChoice, id: string, at: string, severity: string | null = "high") => ({
  credit,
  advisoryId: id,
  title: `Title ${id}`,
  severity,
  publishedAt: new Date(at),
});
const SITE = { title: "Acme: hall of fame", publicUrl: "https://sec.example/", author: "Acme" };

describe("hall of fame grouping", () => {
  it("groups by year (newest first) and researcher, counting advisories and thanks", () => {
    const years = hallOfFameYears(
      [
        adv(choice(), "A-1", "2025-12-31T23:00:00Z"),
        adv(choice(), "A-2", "2026-01-02T00:00:00Z"),
        adv(choice({ name: "ADA" }), "A-3", "2026-02-02T00:00:00Z"),
        adv(choice({ name: "Bob", url: null }), "A-4", "2026-03-02T00:00:00Z"),
      ],
      [{ credit: choice({ name: "Bob", url: null }), acceptedAt: new Date("2026-04-01T00:00:00Z") }],
    );
    expect(years.map((y) => y.year)).toEqual([2026, 2025]);
    const y2026 = years[0]!.researchers;
    expect(y2026.map((r) => [r.name, r.count])).toEqual([
      ["Ada", 2],
      ["Bob", 2],
    ]);
    expect(y2026[1]!.thanks).toBe(1);
    expect(years[1]!.researchers[0]!.advisories.map((a) => a.id)).toEqual(["A-1"]);
  });

  it("never lists an anonymous, unnamed or opted-out choice, whatever else it holds", () => {
    const hidden = [
      choice({ display: "anonymous", name: "Secret", handle: "s3cret", url: "https://secret.example" }),
      choice({ hallOfFame: false, name: "OptedOut" }),
      choice({ display: "name", name: "  " }),
      choice({ display: "handle", handle: null }),
    ];
    const rows = hidden.map((c, i) => adv(c, `H-${i}`, "2026-01-01T00:00:00Z"));
    const thanks = hidden.map((c) => ({ credit: c, acceptedAt: new Date("2026-01-01T00:00:00Z") }));
    expect(hallOfFameYears(rows, thanks)).toEqual([]);
    const xml = hallOfFameFeed(SITE, rows, thanks, new Date("2026-05-01T00:00:00Z"));
    for (const word of ["Secret", "s3cret", "secret.example", "OptedOut", "<entry>"])
      expect(xml).not.toContain(word);
  });

  it("lists a credited advisory once per researcher even if the rows repeat", () => {
    const years = hallOfFameYears(
      [adv(choice(), "A-1", "2026-01-01"), adv(choice(), "A-1", "2026-01-01")],
      [],
    );
    expect(years[0]!.researchers[0]!.count).toBe(1);
  });
});

describe("hall of fame feed", () => {
  it("escapes hostile names, titles and links into well-formed Atom", () => {
    const evil = choice({ name: `<script>&"x"</script>`, url: `https://e.example/?a=1&b="2"` });
    const xml = hallOfFameFeed(
      SITE,
      [{ ...adv(evil, "A-1", "2026-01-01T00:00:00Z"), title: "</title><x>" }],
      [],
      new Date("2026-05-01T00:00:00Z"),
    );
    expect(xml).not.toContain("<script>");
    expect(xml).not.toContain("</title><x>");
    expect(xml).toContain("&lt;script&gt;&amp;&quot;x&quot;&lt;/script&gt;");
    expect(xml).toContain('href="https://e.example/?a=1&amp;b=&quot;2&quot;"');
    expect(xml).toContain(
      '<link rel="self" type="application/atom+xml" href="https://sec.example/hall-of-fame.atom"/>',
    );
    expect(xml.match(/<entry>/g)).toHaveLength(1);
  });

  it("is valid with no entries, updated at now", () => {
    const xml = hallOfFameFeed(SITE, [], [], new Date("2026-05-01T00:00:00Z"));
    expect(xml).toContain("<updated>2026-05-01T00:00:00.000Z</updated>");
    expect(xml.trim().endsWith("</feed>")).toBe(true);
  });
});
