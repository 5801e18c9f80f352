import { describe, expect, it } from "vitest";
import { importAdvisory } from "./advisory-import.ts";
import type { AdvisoryRecord, Publisher } from "./advisory-record.ts";
import { toCve5 } from "./export-cve.ts";
import { toOsv } from "./export-osv.ts";

const PUBLISHER: Publisher = {
  name: "Example Project Security Team",
  namespace: "https://security.example.org",
  vendor: "Example Project",
  cnaOrgId: "b3476cb9-2e3d-41a6-98d0-0f47421a65b6",
  cnaShortName: "example",
};
const FIX = "c0ffee0000000000000000000000000000000001";
const INTRO = "deadbeef00000000000000000000000000000002";

const record = (over: Partial<AdvisoryRecord> = {}): AdvisoryRecord => ({
  id: "EMBSA-2026-0001",
  title: "Stored XSS in the comment preview",
  summary: "Comment previews render unescaped HTML.",
  details: "An attacker who can post a comment can run script.",
  cveId: "CVE-2026-12345",
  cwe: ["CWE-79"],
  cvss: "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N",
  affected: [
    {
      product: "example-web",
      package: { ecosystem: "npm", name: "example-web" },
      ranges: [
        { introduced: "2.0.0", fixed: "2.4.1" },
        { introduced: "3.0.0", lastAffected: "3.0.2" },
      ],
    },
  ],
  workarounds: "Turn off comment previews.",
  solution: "Upgrade to 2.4.1.",
  references: [
    { type: "FIX", url: "https://github.com/example/web/commit/c0ffee" },
    { type: "WEB", url: "https://example.org/blog/xss" },
  ],
  credits: [{ name: "Ada Lovelace", role: "finder", contact: ["https://ada.example"] }],
  published: new Date("2026-11-02T10:00:00Z"),
  modified: new Date("2026-11-02T10:00:00Z"),
  withdrawn: null,
  revisions: [{ number: 1, date: new Date("2026-11-02T10:00:00Z"), summary: "Initial publication." }],
  url: "https://security.example.org/advisories/EMBSA-2026-0001",
  ...over,
});

describe("importing an OSV record", () => {
  it("reads back what our own OSV export wrote: text, CVE, CWE, CVSS, ranges, references and credits", () => {
    const result = importAdvisory(JSON.parse(JSON.stringify(toOsv(record()))));
    if (!result.ok) throw new Error(result.problem);
    expect(result.advisory.references).toEqual(expect.arrayContaining(record().references));
    expect(result.advisory).toMatchObject({
      format: "osv",
      title: "Comment previews render unescaped HTML.",
      cveId: "CVE-2026-12345",
      cwe: ["CWE-79"],
      cvss: "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N",
      affected: [
        {
          product: "example-web",
          package: { ecosystem: "npm", name: "example-web" },
          ranges: [
            { introduced: "2.0.0", fixed: "2.4.1" },
            { introduced: "3.0.0", lastAffected: "3.0.2" },
          ],
        },
      ],
      credits: [{ name: "Ada Lovelace", role: "finder", contact: ["https://ada.example"] }],
    });
  });

  it("reads a git range and a CVSS 4.0 vector", () => {
    const osv = toOsv(
      record({
        cveId: null,
        cvss: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        affected: [
          {
            product: "core",
            repository: "https://git.example.org/core.git",
            ranges: [{ introduced: INTRO, fixed: FIX }],
          },
        ],
      }),
    );
    const result = importAdvisory(JSON.parse(JSON.stringify(osv)));
    if (!result.ok) throw new Error(result.problem);
    expect(result.advisory.cveId).toBeNull();
    expect(result.advisory.cvss).toMatch(/^CVSS:4\.0\//);
    expect(result.advisory.affected).toEqual([
      {
        product: "core",
        repository: "https://git.example.org/core.git",
        ranges: [{ introduced: INTRO, fixed: FIX }],
      },
    ]);
  });

  it("keeps hostile input in bounds: bad links dropped, unknown types mapped, junk ignored", () => {
    const result = importAdvisory({
      id: "GHSA-xxxx-yyyy-zzzz",
      modified: "2026-01-01T00:00:00Z",
      summary: "x".repeat(10_000),
      details: 42,
      aliases: ["CVE-26-1", { evil: true }, "CVE-2026-9999"],
      severity: [{ type: "CVSS_V3", score: "not a vector" }, "junk"],
      affected: [
        {
          package: { ecosystem: "npm", name: "a" },
          ranges: [{ type: "SEMVER", events: [{ fixed: "1" }, null] }],
        },
        { ranges: [{ type: "GIT", repo: "javascript:alert(1)", events: [] }] },
        ...Array.from({ length: 500 }, () => ({ package: { ecosystem: "npm", name: "b" }, ranges: [] })),
      ],
      references: [
        { type: "WEB", url: "javascript:alert(1)" },
        { type: "NOPE", url: "https://ok.example" },
        { type: "FIX", url: "https://x.example/a b" },
      ],
      credits: [{ name: "<b>Eve</b>", type: "OVERLORD" }, { name: "" }, "x"],
      database_specific: { cwe_ids: ["CWE-79", "CWE-79", "79", "CWE-1; drop"] },
    });
    if (!result.ok) throw new Error(result.problem);
    const a = result.advisory;
    expect(a.title.length).toBe(200);
    expect(a.summary.length).toBe(500);
    expect(a.details).toBe("");
    expect(a.cveId).toBe("CVE-2026-9999");
    expect(a.cvss).toBeNull();
    expect(a.affected.length).toBeLessThanOrEqual(100);
    expect(a.affected[0]?.ranges).toEqual([]);
    expect(a.references).toEqual([{ type: "WEB", url: "https://ok.example" }]);
    expect(a.credits).toEqual([{ name: "<b>Eve</b>", role: "other" }]);
    expect(a.cwe).toEqual(["CWE-79"]);
    expect(result.notes).toContain("A GIT range without an http(s) repository was left out.");
  });

  it("refuses what is neither OSV nor CVE, with a clear reason", () => {
    for (const bad of [null, 42, "text", [], {}, { id: 3, modified: "x" }, { dataType: "CVE_RECORD" }])
      expect(importAdvisory(bad)).toMatchObject({ ok: false, problem: expect.any(String) });
    expect(importAdvisory({ dataType: "CVE_RECORD", cveMetadata: { cveId: "CVE-2026-1234" } })).toEqual({
      ok: false,
      problem: expect.stringContaining("containers.cna"),
    });
  });
});

describe("importing a CVE JSON 5 record", () => {
  it("reads back what our own CVE export wrote", () => {
    const cve = toCve5(record(), PUBLISHER);
    if (!cve.ok) throw new Error(cve.problem);
    const result = importAdvisory(JSON.parse(JSON.stringify(cve.record)));
    if (!result.ok) throw new Error(result.problem);
    expect(result.advisory.references).toEqual(expect.arrayContaining(record().references));
    expect(result.advisory).toMatchObject({
      format: "cve",
      sourceId: "CVE-2026-12345",
      cveId: "CVE-2026-12345",
      title: "Stored XSS in the comment preview",
      cwe: ["CWE-79"],
      cvss: "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N",
      workarounds: "Turn off comment previews.",
      solution: "Upgrade to 2.4.1.",
      credits: [{ name: "Ada Lovelace", role: "finder" }],
    });
    expect(result.advisory.affected[0]).toMatchObject({
      product: "example-web",
      ranges: [
        { introduced: "2.0.0", fixed: "2.4.1" },
        { introduced: "3.0.0", lastAffected: "3.0.2" },
      ],
    });
    expect(result.advisory.details).toContain("Comment previews render unescaped HTML.");
  });
});
