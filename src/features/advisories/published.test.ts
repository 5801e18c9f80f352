// The public side of advisories over HTTP on both engines: nothing unpublished is visible on any route (the same
// 404 as an unknown id), the list and the pages show the latest revision's text, withdrawn advisories stay listed,
// anonymous credit appears nowhere, and every document is what the official tools accept.

import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as basic from "@secvisogram/csaf-validator-lib/basic.js";
import validateStrict from "@secvisogram/csaf-validator-lib/validateStrict.js";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../../test/helpers/actors.ts";
import { advisoryContent, seedAdvisory } from "../../../test/helpers/advisories.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import { makeGpg } from "../../../test/helpers/pgp.ts";
import { csafPath } from "../../domain/export-csaf.ts";

const VECTORS = path.resolve(import.meta.dirname, "../../../../shared/vectors");
const readJson = (p: string) => JSON.parse(fs.readFileSync(path.join(VECTORS, p), "utf8"));
const addFormats = addFormatsPlugin as unknown as (ajv: object) => void;
const osvAjv = new Ajv2020({ strict: false, allErrors: true });
addFormats(osvAjv);
const validOsv = osvAjv.compile(readJson("osv/schema.json"));
const cveAjv = new Ajv({ strict: false, allErrors: true });
addFormats(cveAjv);
const validCve = cveAjv.compile(readJson("cve-json-5/CVE_JSON_bundled_5.1.1.json"));

const CNA = "b3476cb9-2e3d-41a6-98d0-0f47421a65b6";
const FIX = "c0ffee0000000000000000000000000000000001";
const INTRO = "deadbeef00000000000000000000000000000002";
/** Names that must never appear publicly: the anonymous reporters' own, their co-finders', and the draft text. */
const SECRETS = ["Secret Sam", "secretsam", "Hidden Helper", "Legacy Anon", "UNREVIEWED", "Future secret"];

describe.each(DB_KINDS)("public advisories on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let author: Actor;
  let admin: Session;
  const ids: Record<"updated" | "git" | "withdrawn" | "draft" | "future" | "approved", string> = {
    updated: "",
    git: "",
    withdrawn: "",
    draft: "",
    future: "",
    approved: "",
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    const team = await signedInTeam(app, t);
    author = team.team.admin;
    admin = team.admin;
    const at = (iso: string) => new Date(iso);
    // Published, then revised; its live columns hold an unreviewed edit that must never show.
    ids.updated = (
      await seedAdvisory(t, {
        number: 1,
        authorId: author.id,
        publishedAt: at("2026-02-01T10:00:00Z"),
        revisions: [
          { content: advisoryContent(), at: at("2026-02-01T10:00:00Z") },
          {
            content: advisoryContent({ title: "Stored XSS in comment previews and replies" }),
            at: at("2026-02-10T08:00:00Z"),
            summary: "Replies are affected too.",
          },
        ],
        draft: { title: "UNREVIEWED draft title", summary: "UNREVIEWED summary" },
        reporters: [
          {
            choice: {
              display: "name",
              name: "Ada Lovelace",
              handle: "ada",
              url: "https://ada.example",
              affiliation: "Analytical Engines",
              coFinders: ["Charles Babbage"],
              hallOfFame: true,
            },
          },
        ],
      })
    ).publicId;
    // A git range, CVSS 4.0, no CVE; an anonymous reporter (with co-finders) and an anonymous legacy one.
    ids.git = (
      await seedAdvisory(t, {
        number: 2,
        authorId: author.id,
        publishedAt: at("2026-02-20T10:00:00Z"),
        revisions: [
          {
            content: advisoryContent({
              title: "Path traversal in the archive reader",
              cveId: null,
              noCveReason: "Not yet assigned.",
              cwe: ["CWE-22"],
              cvss: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
              affected: [
                {
                  product: "example-core",
                  repository: "https://git.example.org/core.git",
                  ranges: [{ introduced: INTRO, fixed: FIX }],
                },
              ],
              teamCredits: [],
            }),
            at: at("2026-02-20T10:00:00Z"),
          },
        ],
        reporters: [
          {
            choice: {
              display: "anonymous",
              name: "Secret Sam",
              handle: "secretsam",
              url: "https://sam.example",
              affiliation: null,
              coFinders: ["Hidden Helper"],
              hallOfFame: true,
            },
          },
          { legacy: { credit: "anonymous", name: "Legacy Anon" } },
        ],
      })
    ).publicId;
    ids.withdrawn = (
      await seedAdvisory(t, {
        number: 3,
        authorId: author.id,
        state: "withdrawn",
        publishedAt: at("2026-01-10T10:00:00Z"),
        withdrawnAt: at("2026-01-15T10:00:00Z"),
        withdrawnReason: "Not a vulnerability: the input was already escaped.",
        revisions: [
          {
            content: advisoryContent({ title: "Reflected XSS in search", cveId: "CVE-2026-22222" }),
            at: at("2026-01-10T10:00:00Z"),
          },
        ],
        reporters: [{ legacy: { credit: "handle", name: "l33t" } }],
      })
    ).publicId;
    ids.draft = (
      await seedAdvisory(t, {
        number: 4,
        authorId: author.id,
        state: "draft",
        draft: { title: "UNREVIEWED draft only", cveId: "CVE-2026-44444" },
      })
    ).publicId;
    // Published by state, but its time has not come: as invisible as a draft.
    ids.future = (
      await seedAdvisory(t, {
        number: 5,
        authorId: author.id,
        publishedAt: at("2026-03-05T09:00:00Z"),
        revisions: [
          {
            content: advisoryContent({ title: "Future secret", cveId: "CVE-2026-55555" }),
            at: at("2026-03-05T09:00:00Z"),
          },
        ],
      })
    ).publicId;
    ids.approved = (
      await seedAdvisory(t, { number: 6, authorId: author.id, state: "approved", draft: { cveId: null } })
    ).publicId;
    await t.services.settings.updateOrg(author.id, { ...(await t.services.settings.org()), cnaOrgId: CNA });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  /** Every public route of one advisory id. */
  const routesOf = (publicId: string) => {
    const csaf = csafPath({ id: publicId, published: new Date("2026-03-05T09:00:00Z") });
    return [
      `/advisories/${publicId}`,
      `/advisories/${publicId}/osv.json`,
      `/advisories/${publicId}/cve.json`,
      csaf,
      `${csaf}.sha256`,
      `${csaf}.sha512`,
      `${csaf}.asc`,
    ];
  };
  const text = async (p: string) => {
    const res = await get(app, p);
    expect(res.status, p).toBe(200);
    return res.text();
  };
  /** Every public output at once: pages, feed, documents and the CSAF directory. */
  const everything = async () => {
    const out: string[] = [];
    for (const p of ["/advisories", "/advisories.atom", "/.well-known/csaf/feed-tlp-white.json"])
      out.push(await text(p));
    out.push(
      await text("/.well-known/csaf/white/index.txt"),
      await text("/.well-known/csaf/white/changes.csv"),
    );
    for (const id of [ids.updated, ids.git, ids.withdrawn]) {
      out.push(await text(`/advisories/${id}`), await text(`/advisories/${id}/osv.json`));
      const cve = await get(app, `/advisories/${id}/cve.json`);
      out.push(await cve.text());
      const csaf = csafPath({ id, published: new Date("2026-01-01T00:00:00Z") });
      out.push(await text(csaf));
    }
    return out.map(unescapeHtml).join("\n");
  };

  it("answers 404 with one body for an unknown id, a draft, an approved advisory and one whose time has not come", async () => {
    const unknown = routesOf("EMBSA-2026-0999");
    const bodies: string[] = [];
    for (const p of unknown) {
      const res = await get(app, p);
      expect(res.status, p).toBe(404);
      bodies.push(await res.text());
    }
    for (const id of [ids.draft, ids.future, ids.approved]) {
      for (const [i, p] of routesOf(id).entries()) {
        const res = await get(app, p);
        expect(res.status, p).toBe(404);
        expect(await res.text(), p).toBe(bodies[i]);
      }
    }
    expect(bodies[1]).toContain("No published advisory has this id.");
    const all = await everything();
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    expect(all).not.toContain(ids.draft);
    expect(all).not.toContain(ids.future);
  });

  it("lists the public advisories newest first, with id, title, severity, CVE, products and date; withdrawn ones marked", async () => {
    const html = unescapeHtml(await text("/advisories"));
    const order = [ids.git, ids.updated, ids.withdrawn].map((id) => html.indexOf(id));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain("Stored XSS in comment previews and replies");
    expect(html).toContain("High 8.7");
    expect(html).toContain("Critical 9.3");
    expect(html).toContain("CVE-2026-12345");
    expect(html).toContain("example-core");
    expect(html).toContain("2026-02-20");
    expect(html).toMatch(/Reflected XSS in search[\s\S]*Withdrawn/);
  });

  it("shows an advisory from its latest revision: severity with vector, versions, credits, history and documents", async () => {
    const html = unescapeHtml(await text(`/advisories/${ids.updated}`));
    expect(html).toContain("<h1>Stored XSS in comment previews and replies</h1>");
    expect(html).toContain("CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N");
    expect(html).toContain("High 8.7");
    expect(html).toContain("from 2.0.0, before 2.4.1");
    expect(html).toContain('Fixed in <span class="mono break">2.4.1</span>');
    expect(html).toContain("Turn off comment previews.");
    expect(html).toContain("Upgrade to 2.4.1.");
    expect(html).toContain("Ada Lovelace (Analytical Engines)");
    expect(html).toContain("Charles Babbage");
    expect(html).toContain("Grace Hopper");
    expect(html).toContain("Replies are affected too.");
    expect(html).toContain("<li>step one</li>");
    expect(html).toContain(`/advisories/${ids.updated}/cve.json`);
    expect(html).toContain("/.well-known/csaf/white/2026/embsa-2026-0001.json");
    const withdrawn = unescapeHtml(await text(`/advisories/${ids.withdrawn}`));
    expect(withdrawn).toContain("Withdrawn on 2026-01-15.");
    expect(withdrawn).toContain("Not a vulnerability: the input was already escaped.");
    expect(withdrawn).toContain('l33t <span class="muted">(finder)</span>');
    const git = unescapeHtml(await text(`/advisories/${ids.git}`));
    expect(git).toContain("no one asked to be named");
    expect(git).not.toContain("/cve.json");
  });

  it("serves OSV and CVE records valid against their official schemas, and says why there is no CVE record", async () => {
    for (const id of [ids.updated, ids.git, ids.withdrawn]) {
      const res = await get(app, `/advisories/${id}/osv.json`);
      expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("public, max-age=300");
      const osv = await res.json();
      expect(validOsv(osv), JSON.stringify(validOsv.errors, null, 1)).toBe(true);
    }
    const osv = await (await get(app, `/advisories/${ids.updated}/osv.json`)).json();
    expect(osv.summary).toBe("Comment previews render unescaped HTML.");
    expect(osv.modified).toBe("2026-02-10T08:00:00Z");
    expect(osv.credits).toContainEqual({
      name: "Ada Lovelace (Analytical Engines)",
      type: "FINDER",
      contact: ["https://ada.example"],
    });
    const withdrawnOsv = await (await get(app, `/advisories/${ids.withdrawn}/osv.json`)).json();
    expect(withdrawnOsv.withdrawn).toBe("2026-01-15T10:00:00Z");

    for (const id of [ids.updated, ids.withdrawn]) {
      const cve = await (await get(app, `/advisories/${id}/cve.json`)).json();
      expect(validCve(cve), JSON.stringify(validCve.errors?.slice(0, 5), null, 1)).toBe(true);
      expect(cve.cveMetadata.assignerOrgId).toBe(CNA);
    }
    const none = await get(app, `/advisories/${ids.git}/cve.json`);
    expect(none.status).toBe(404);
    expect((await none.json()).error).toMatchObject({ code: "no_cve_record", message: /no CVE ID/ });

    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(author.id, { ...org, cnaOrgId: "" });
    try {
      const noCna = await get(app, `/advisories/${ids.updated}/cve.json`);
      expect(noCna.status).toBe(404);
      expect((await noCna.json()).error.message).toMatch(/cnaOrgId/);
    } finally {
      await t.services.settings.updateOrg(author.id, { ...org, cnaOrgId: CNA });
    }
  });

  it("refuses a cnaOrgId that is not a UUID, naming the field, and keeps the stored one", async () => {
    const org = await t.services.settings.org();
    await expect(
      t.services.settings.updateOrg(author.id, { ...org, cnaOrgId: "my-cna" }),
    ).rejects.toMatchObject({
      status: 400,
      fields: { cnaOrgId: expect.stringContaining("UUID") },
    });
    expect((await t.services.settings.org()).cnaOrgId).toBe(CNA);
  });

  it("keeps a refused CNA organisation id on the settings page with its error, and saves a valid one", async () => {
    const page = await (await get(app, "/admin/settings", admin)).text();
    expect(page).toContain(`name="cnaOrgId"`);
    expect(page).toContain(`value="${CNA}"`);
    const bad = await post(app, "/admin/settings", admin, { cnaOrgId: "not-a-uuid" });
    expect(bad.status).toBe(303);
    const html = unescapeHtml(await (await follow(app, bad, admin)).text());
    expect(html).toContain("Enter the CNA organisation id as a UUID");
    expect(html).toContain('value="not-a-uuid"');
    expect((await t.services.settings.org()).cnaOrgId).toBe(CNA);
    const upper = await post(app, "/admin/settings", admin, { cnaOrgId: ` ${CNA.toUpperCase()} ` });
    expect(upper.headers.get("location")).toBe("/admin/settings?done=org");
    expect((await t.services.settings.org()).cnaOrgId).toBe(CNA);
  });

  it("is a CSAF trusted provider: valid documents, matching hashes, a signature gpg verifies, index, changes and ROLIE", async () => {
    const paths = [ids.updated, ids.git, ids.withdrawn].map((id) =>
      csafPath({ id, published: new Date("2026-01-01T00:00:00Z") }),
    );
    const gpg = makeGpg();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-csaf-"));
    try {
      gpg.run(["--import"], await text("/keys/intake.asc"));
      const { current } = await t.services.keys.intakeKeys();
      for (const p of paths) {
        const res = await get(app, p);
        expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
        const bytes = await res.text();
        expect(await text(p)).toBe(bytes);
        const result = await validateStrict(Object.values(basic), JSON.parse(bytes));
        const failed = result.tests.filter((x: { isValid: boolean }) => !x.isValid);
        expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
        const file = path.basename(p);
        const sha256 = createHash("sha256").update(bytes).digest("hex");
        const sha512 = createHash("sha512").update(bytes).digest("hex");
        expect(await text(`${p}.sha256`)).toBe(`${sha256}  ${file}\n`);
        expect(await text(`${p}.sha512`)).toBe(`${sha512}  ${file}\n`);
        const sigRes = await get(app, `${p}.asc`);
        expect(sigRes.headers.get("content-type")).toBe("application/pgp-signature");
        const sig = await sigRes.text();
        expect(sig).toContain("-----BEGIN PGP SIGNATURE-----");
        expect(await text(`${p}.asc`)).toBe(sig);
        fs.writeFileSync(path.join(dir, file), bytes);
        fs.writeFileSync(path.join(dir, `${file}.asc`), sig);
        const verified = gpg.try([
          "--status-fd",
          "1",
          "--verify",
          path.join(dir, `${file}.asc`),
          path.join(dir, file),
        ]);
        expect(verified.status, verified.stderr).toBe(0);
        expect(verified.stdout).toContain(`[GNUPG:] VALIDSIG ${current.fingerprint}`);
        fs.writeFileSync(path.join(dir, file), `${bytes} `);
        expect(gpg.try(["--verify", path.join(dir, `${file}.asc`), path.join(dir, file)]).status).not.toBe(0);
      }
      const csaf = JSON.parse(await text(paths[0] as string));
      expect(csaf.document.tracking).toMatchObject({
        version: "2",
        current_release_date: "2026-02-10T08:00:00Z",
      });
      expect(JSON.stringify(csaf)).not.toContain("UNREVIEWED");

      const meta = JSON.parse(await text("/.well-known/csaf/provider-metadata.json"));
      expect(meta).toMatchObject({
        role: "csaf_trusted_provider",
        canonical_url: "http://embargo.test/.well-known/csaf/provider-metadata.json",
        public_openpgp_keys: [
          {
            fingerprint: current.fingerprint.toUpperCase(),
            url: "http://embargo.test/keys/intake.asc",
          },
        ],
      });
      expect(await text("/.well-known/csaf/white/index.txt")).toBe(
        "2026/embsa-2026-0001.json\n2026/embsa-2026-0002.json\n2026/embsa-2026-0003.json\n",
      );
      expect(await text("/.well-known/csaf/white/changes.csv")).toBe(
        '"2026/embsa-2026-0002.json","2026-02-20T10:00:00Z"\n' +
          '"2026/embsa-2026-0001.json","2026-02-10T08:00:00Z"\n' +
          '"2026/embsa-2026-0003.json","2026-01-10T10:00:00Z"\n',
      );
      const rolie = JSON.parse(await text("/.well-known/csaf/feed-tlp-white.json"));
      expect(rolie.feed.entry.map((e: { id: string }) => e.id)).toEqual([
        ids.git,
        ids.updated,
        ids.withdrawn,
      ]);
      const badName = await get(app, "/.well-known/csaf/white/2026/..%2fsecrets.json");
      expect(badName.status).toBe(404);
    } finally {
      gpg.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("serves the same bytes for the same revision, with an ETag a client can revalidate", async () => {
    const p = `/advisories/${ids.updated}/osv.json`;
    const first = await get(app, p);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    t.clock.advance(3_600_000);
    try {
      const again = await get(app, p);
      expect(await again.text()).toBe(await first.text());
      expect((await get(app, p, null, { "if-none-match": etag as string })).status).toBe(304);
    } finally {
      t.clock.set("2026-03-02T09:00:00Z");
    }
  });

  it("publishes a valid Atom feed of the public advisories, and links it from the policy and security.txt", async () => {
    const res = await get(app, "/advisories.atom");
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = new XMLParser({ ignoreAttributes: false }).parse(xml).feed;
    expect(feed["@_xmlns"]).toBe("http://www.w3.org/2005/Atom");
    expect(feed.entry.map((e: { title: string }) => e.title)).toEqual([
      `${ids.git}: Path traversal in the archive reader`,
      `${ids.updated}: Stored XSS in comment previews and replies`,
      `${ids.withdrawn}: Reflected XSS in search`,
    ]);
    expect(feed.entry[2].summary).toContain("Withdrawn");
    const policy = await text("/");
    expect(policy).toContain('href="/advisories"');
    expect(policy).toContain('href="/advisories.atom"');
    const securityTxt = await text("/.well-known/security.txt");
    expect(securityTxt).toContain("CSAF: http://embargo.test/.well-known/csaf/provider-metadata.json");
    expect(securityTxt).toContain("Policy: http://embargo.test/");
    expect(securityTxt).toContain("http://embargo.test/advisories");
  });

  it("makes an advisory public at its publication time, not a second before", async () => {
    t.clock.set("2026-03-05T08:59:59Z");
    try {
      for (const p of routesOf(ids.future)) expect((await get(app, p)).status, p).toBe(404);
      t.clock.set("2026-03-05T09:00:00Z");
      for (const p of routesOf(ids.future)) expect((await get(app, p)).status, p).toBe(200);
      expect(unescapeHtml(await text("/advisories"))).toContain("Future secret");
      expect(await text("/.well-known/csaf/white/index.txt")).toContain("embsa-2026-0005.json");
    } finally {
      t.clock.set("2026-03-02T09:00:00Z");
    }
  });
});
