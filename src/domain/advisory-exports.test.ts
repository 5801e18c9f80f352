// The exports checked by the independent tool of each format: OSV's and CVE's official JSON schemas with Ajv, and
// CSAF with @secvisogram/csaf-validator-lib (strict schema plus every mandatory test), for advisories with each
// kind of range, CVSS version and credit.

import fs from "node:fs";
import path from "node:path";
import * as basic from "@secvisogram/csaf-validator-lib/basic.js";
import validateStrict from "@secvisogram/csaf-validator-lib/validateStrict.js";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { describe, expect, it } from "vitest";
import { type AdvisoryRecord, CREDIT_ROLES, cveIdProblem, type Publisher } from "./advisory-record.ts";
import { csafFileName, csafPath, toCsaf } from "./export-csaf.ts";
import { toCve5 } from "./export-cve.ts";
import { toOsv } from "./export-osv.ts";

const VECTORS = path.resolve(import.meta.dirname, "../../../shared/vectors");
const readJson = (p: string) => JSON.parse(fs.readFileSync(path.join(VECTORS, p), "utf8"));
const addFormats = addFormatsPlugin as unknown as (ajv: object) => void;

const osvAjv = new Ajv2020({ strict: false, allErrors: true });
addFormats(osvAjv);
const validOsv = osvAjv.compile(readJson("osv/schema.json"));

const cveAjv = new Ajv({ strict: false, allErrors: true });
addFormats(cveAjv);
const validCve = cveAjv.compile(readJson("cve-json-5/CVE_JSON_bundled_5.1.1.json"));

const PUBLISHER: Publisher = {
  name: "Example Project Security Team",
  namespace: "https://security.example.org",
  vendor: "Example Project",
  cnaOrgId: "b3476cb9-2e3d-41a6-98d0-0f47421a65b6",
  cnaShortName: "example",
};

const FIX = "c0ffee0000000000000000000000000000000001";
const INTRO = "deadbeef00000000000000000000000000000002";

function advisory(over: Partial<AdvisoryRecord> = {}): AdvisoryRecord {
  return {
    id: "EMBSA-2026-0001",
    title: "Stored XSS in the comment preview",
    summary: "Comment previews render unescaped HTML.",
    details:
      "An attacker who can post a comment can run script in a moderator's browser.\n\n```\n<img src=x onerror=alert(1)>\n```",
    cveId: "CVE-2026-12345",
    cwe: ["CWE-79"],
    cvss: "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N",
    affected: [
      {
        product: "example-web",
        package: { ecosystem: "npm", name: "example-web", purl: "pkg:npm/example-web" },
        ranges: [{ introduced: "2.0.0", fixed: "2.4.1" }],
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
  };
}

const CASES: [string, AdvisoryRecord][] = [
  ["an npm package fixed in a version, CVSS 3.1", advisory()],
  [
    "a PyPI package with last_affected and an open range, CVSS 3.0, two CWEs",
    advisory({
      cvss: "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
      cwe: ["CWE-89", "CWE-1333"],
      affected: [
        {
          product: "example-py",
          package: { ecosystem: "PyPI", name: "example-py" },
          ranges: [{ introduced: "0", lastAffected: "1.9.3" }, { introduced: "3.0" }],
        },
      ],
    }),
  ],
  [
    "a git range, CVSS 4.0, no CVE",
    advisory({
      cveId: null,
      cvss: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
      affected: [
        {
          product: "example-core",
          repository: "https://git.example.org/core.git",
          ranges: [{ introduced: INTRO, fixed: FIX }],
        },
      ],
    }),
  ],
  [
    "no ranges, no CVSS, no CWE, every credit role, two revisions",
    advisory({
      cvss: null,
      cwe: [],
      affected: [],
      workarounds: null,
      solution: null,
      credits: CREDIT_ROLES.map((role, i) => ({ name: `Person ${i} <${role}>`, role })),
      modified: new Date("2026-11-20T08:00:00Z"),
      revisions: [
        { number: 1, date: new Date("2026-11-02T10:00:00Z"), summary: "Initial publication." },
        { number: 2, date: new Date("2026-11-20T08:00:00Z"), summary: "Added the 3.x range." },
      ],
    }),
  ],
  ["anonymous credit only: no credits at all", advisory({ credits: [] })],
];

describe.each(CASES)("exports of %s", (_name, record) => {
  it("is a valid OSV record", () => {
    const osv = toOsv(record);
    expect(validOsv(osv), JSON.stringify(validOsv.errors, null, 1)).toBe(true);
    expect(osv.id).toBe(`x_${record.id}`);
    if (record.cveId) expect(osv.aliases).toEqual([record.cveId]);
    expect(osv.credits?.length ?? 0).toBe(record.credits.length);
  });

  it("is a valid CVE 5.1 record, or says why there is none", () => {
    const cve = toCve5(record, PUBLISHER);
    if (!record.cveId) {
      expect(cve).toEqual({ ok: false, problem: expect.stringContaining("no CVE ID") });
      return;
    }
    if (!cve.ok) throw new Error(cve.problem);
    expect(validCve(cve.record), JSON.stringify(validCve.errors?.slice(0, 5), null, 1)).toBe(true);
  });

  it("is a valid CSAF 2.0 security advisory (strict schema and mandatory tests)", async () => {
    const csaf = toCsaf(record, PUBLISHER);
    const result = await validateStrict(Object.values(basic), csaf);
    const failed = result.tests.filter((t: { isValid: boolean }) => !t.isValid);
    expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
    expect(result.isValid).toBe(true);
  });
});

describe("details of the exports", () => {
  it("maps ranges and severity into OSV", () => {
    const osv = toOsv(advisory());
    expect(osv.severity).toEqual([
      { type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N" },
    ]);
    expect(osv.affected?.[0]).toMatchObject({
      package: { ecosystem: "npm", name: "example-web" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "2.0.0" }, { fixed: "2.4.1" }] }],
    });
    expect(osv.database_specific).toEqual({ cwe_ids: ["CWE-79"] });
    expect(osv.credits).toEqual([{ name: "Ada Lovelace", contact: ["https://ada.example"], type: "FINDER" }]);
    const git = toOsv(CASES[2]?.[1] as AdvisoryRecord);
    expect(git.affected?.[0]).toMatchObject({
      ranges: [
        {
          type: "GIT",
          repo: "https://git.example.org/core.git",
          events: [{ introduced: INTRO }, { fixed: FIX }],
        },
      ],
    });
    expect(git.severity?.[0]?.type).toBe("CVSS_V4");
  });

  it("scores CVSS in the CVE record and names the CNA", () => {
    const cve = toCve5(advisory(), PUBLISHER);
    if (!cve.ok) throw new Error(cve.problem);
    const cna = (cve.record.containers as { cna: Record<string, unknown> }).cna;
    expect(cna.metrics).toEqual([
      {
        cvssV3_1: {
          version: "3.1",
          vectorString: "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N",
          baseScore: 8.7,
          baseSeverity: "HIGH",
        },
      },
    ]);
    expect(cve.record.cveMetadata).toMatchObject({
      cveId: "CVE-2026-12345",
      assignerOrgId: PUBLISHER.cnaOrgId,
      state: "PUBLISHED",
    });
    expect(toCve5(advisory(), { ...PUBLISHER, cnaOrgId: null })).toEqual({
      ok: false,
      problem: expect.stringContaining("cnaOrgId"),
    });
  });

  it("follows the revisions in CSAF tracking", () => {
    const csaf = toCsaf(CASES[3]?.[1] as AdvisoryRecord, PUBLISHER) as {
      document: { tracking: Record<string, unknown> };
    };
    expect(csaf.document.tracking).toMatchObject({
      version: "2",
      current_release_date: "2026-11-20T08:00:00Z",
    });
    expect(csaf.document.tracking.revision_history).toHaveLength(2);
  });

  it("names CSAF files by CSAF's rule", () => {
    expect(csafFileName("EMBSA-2026-0001")).toBe("embsa-2026-0001.json");
    expect(csafFileName("Odd id/with:chars")).toBe("odd_id_with_chars.json");
    expect(csafPath(advisory())).toBe("/.well-known/csaf/white/2026/embsa-2026-0001.json");
  });

  it("checks CVE IDs", () => {
    expect(cveIdProblem("CVE-2026-1234")).toBeNull();
    expect(cveIdProblem("CVE-2026-1234567")).toBeNull();
    for (const bad of [
      "CVE-2026-123",
      "cve-2026-1234",
      "CVE-26-1234",
      "CVE-1998-1234",
      " CVE-2026-1234",
      "CVE-2026-1234\n",
    ])
      expect(cveIdProblem(bad)).not.toBeNull();
  });
});

describe("the validators are not vacuous", () => {
  it("each one refuses a broken document", async () => {
    const osv = toOsv(advisory()) as unknown as Record<string, unknown>;
    expect(
      validOsv({ ...osv, affected: [{ ranges: [{ type: "ECOSYSTEM", events: [{ fixed: "1" }] }] }] }),
    ).toBe(false);
    const cve = toCve5(advisory(), PUBLISHER);
    if (!cve.ok) throw new Error(cve.problem);
    expect(validCve({ ...cve.record, cveMetadata: { cveId: "CVE-26-1" } })).toBe(false);
    const csaf = toCsaf(advisory(), PUBLISHER) as { vulnerabilities: Record<string, unknown>[] };
    const broken = {
      ...csaf,
      vulnerabilities: [{ ...csaf.vulnerabilities[0], product_status: { known_affected: ["CSAFPID-9999"] } }],
    };
    const result = await validateStrict(Object.values(basic), broken);
    expect(result.tests.length).toBeGreaterThan(20);
    expect(result.isValid).toBe(false);
    // A CVSS score that does not match its vector is a mandatory-test failure too (6.1.9).
    const lying = JSON.parse(JSON.stringify(csaf).replace('"baseScore":8.7', '"baseScore":1'));
    expect((await validateStrict(Object.values(basic), lying)).isValid).toBe(false);
  });
});
