// The CSAF distribution files checked with the provider-metadata JSON schema (Ajv), and the Atom feed checked as
// well-formed XML whose structure RFC 4287 requires, with hostile text in every field.

import fs from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { advisoryFeed, type FeedAdvisory, xmlText } from "./advisory-feed.ts";
import type { Publisher } from "./advisory-record.ts";
import {
  type CsafEntry,
  csafChanges,
  csafIndex,
  providerMetadata,
  rolieFeed,
  securityTxtCsafLine,
} from "./csaf-distribution.ts";

const VECTORS = path.resolve(import.meta.dirname, "../../../shared/vectors/csaf/json_schema");
const addFormats = addFormatsPlugin as unknown as (ajv: object) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// The provider schema refers to the CSAF schema, which refers to FIRST's CVSS schemas (draft-07; their $schema is
// dropped so the 2020-12 validator takes them under their own ids).
for (const v of ["2.0", "3.0", "3.1"]) {
  const {
    $schema: _draft,
    id: _id,
    ...cvss
  } = JSON.parse(
    fs.readFileSync(path.resolve(VECTORS, `../referenced_schema/first/cvss-v${v}.json`), "utf8"),
  );
  ajv.addSchema({ ...cvss, $id: `https://www.first.org/cvss/cvss-v${v}.json` });
}
ajv.addSchema(JSON.parse(fs.readFileSync(path.join(VECTORS, "csaf_json_schema.json"), "utf8")));
const validProvider = ajv.compile(
  JSON.parse(fs.readFileSync(path.join(VECTORS, "provider_json_schema.json"), "utf8")),
);

const PUBLISHER: Publisher = {
  name: "Example Project Security Team",
  namespace: "https://security.example.org",
  vendor: "Example Project",
  cnaOrgId: null,
  cnaShortName: null,
};
const URL_ = "https://security.example.org/";
const entry = (id: string, day: number): CsafEntry => ({
  trackingId: id,
  title: `Advisory ${id}`,
  path: `/.well-known/csaf/white/2026/${id.toLowerCase()}.json`,
  initialReleaseDate: new Date(Date.UTC(2026, 10, day, 10)),
  currentReleaseDate: new Date(Date.UTC(2026, 10, day + 1, 10)),
  summary: "Fixed in 2.4.1",
});

describe("CSAF distribution", () => {
  it("writes provider metadata that is valid against the CSAF provider schema", () => {
    const doc = providerMetadata(
      URL_,
      PUBLISHER,
      { fingerprint: "8f5f267907b2c4559db360db2294ba7d2b2298b1", path: "/keys/intake.asc" },
      new Date("2026-11-03T10:00:00Z"),
    );
    expect(validProvider(doc), JSON.stringify(validProvider.errors, null, 1)).toBe(true);
    expect(doc).toMatchObject({
      canonical_url: "https://security.example.org/.well-known/csaf/provider-metadata.json",
      role: "csaf_trusted_provider",
      public_openpgp_keys: [
        {
          fingerprint: "8F5F267907B2C4559DB360DB2294BA7D2B2298B1",
          url: "https://security.example.org/keys/intake.asc",
        },
      ],
    });
    expect(validProvider({ ...doc, role: "csaf_boss" })).toBe(false);
  });

  it("lists documents in index.txt and changes.csv, newest change first", () => {
    const entries = [entry("EMBSA-2026-0001", 2), entry("EMBSA-2026-0002", 9)];
    expect(csafIndex(entries)).toBe("2026/embsa-2026-0001.json\n2026/embsa-2026-0002.json\n");
    expect(csafChanges(entries)).toBe(
      '"2026/embsa-2026-0002.json","2026-11-10T10:00:00Z"\n"2026/embsa-2026-0001.json","2026-11-03T10:00:00Z"\n',
    );
    expect(csafIndex([])).toBe("");
  });

  it("writes a ROLIE feed shaped like CSAF's example, with hash and signature links", () => {
    const feed = rolieFeed(URL_, PUBLISHER, [entry("EMBSA-2026-0001", 2)], new Date()) as {
      feed: Record<string, unknown>;
    };
    const example = JSON.parse(
      fs.readFileSync(path.resolve(VECTORS, "../examples/ROLIE/example-01-feed-tlp-white.json"), "utf8"),
    );
    expect(Object.keys(feed.feed).sort()).toEqual(Object.keys(example.feed).sort());
    const [first] = feed.feed.entry as Record<string, unknown>[];
    expect(Object.keys(first ?? {}).sort()).toEqual(Object.keys(example.feed.entry[0]).sort());
    expect(first?.link).toContainEqual({
      rel: "signature",
      href: "https://security.example.org/.well-known/csaf/white/2026/embsa-2026-0001.json.asc",
    });
    expect(securityTxtCsafLine(URL_)).toBe(
      "CSAF: https://security.example.org/.well-known/csaf/provider-metadata.json",
    );
  });
});

const HOSTILE = `<script>alert("x")</script> & ]]> \u0000\u0007 \ud800 'quotes'`;
const advisory = (over: Partial<FeedAdvisory> = {}): FeedAdvisory => ({
  id: "EMBSA-2026-0001",
  title: "Stored XSS",
  summary: "Fixed in 2.4.1.",
  severity: "High",
  cveId: "CVE-2026-12345",
  url: "https://security.example.org/advisories/EMBSA-2026-0001",
  published: new Date("2026-11-02T10:00:00Z"),
  updated: new Date("2026-11-02T10:00:00Z"),
  withdrawn: false,
  ...over,
});

describe("the advisories' Atom feed", () => {
  const site = {
    title: "Example advisories",
    publicUrl: URL_,
    feedPath: "/advisories.atom",
    author: "Example Security",
  };

  it("is well-formed Atom with the elements RFC 4287 requires, newest change first", () => {
    const xml = advisoryFeed(
      site,
      [
        advisory(),
        advisory({
          id: "EMBSA-2026-0002",
          url: "https://security.example.org/advisories/EMBSA-2026-0002",
          updated: new Date("2026-11-05T00:00:00Z"),
        }),
      ],
      new Date(),
    );
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    expect(doc.feed["@_xmlns"]).toBe("http://www.w3.org/2005/Atom");
    for (const required of ["id", "title", "updated", "author"]) expect(doc.feed[required]).toBeDefined();
    expect(doc.feed.entry.map((e: { title: string }) => e.title)).toEqual([
      "EMBSA-2026-0002: Stored XSS",
      "EMBSA-2026-0001: Stored XSS",
    ]);
    expect(doc.feed.updated).toBe("2026-11-05T00:00:00.000Z");
    for (const e of doc.feed.entry)
      for (const required of ["id", "title", "updated", "link"]) expect(e[required]).toBeDefined();
  });

  it("stays well-formed with hostile text in every field, and shows it as text", () => {
    const xml = advisoryFeed(
      { ...site, title: HOSTILE, author: HOSTILE },
      [advisory({ title: HOSTILE, summary: HOSTILE, severity: HOSTILE })],
      new Date(),
    );
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toContain("<script>");
    const doc = new XMLParser({ processEntities: true, htmlEntities: false }).parse(xml);
    expect(String(doc.feed.entry.title)).toContain('<script>alert("x")</script>');
  });

  it("is a valid empty feed before anything is published", () => {
    const xml = advisoryFeed(site, [], new Date("2026-12-01T00:00:00Z"));
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain("<updated>2026-12-01T00:00:00.000Z</updated>");
  });

  it("drops characters XML cannot hold", () => {
    expect(xmlText("a\u0000b\u001fc\ud800d\uffffe")).toBe("abcde");
    expect(xmlText("😀 ok")).toBe("😀 ok");
  });
});
