// `embargo export`: the documents the site serves, written to files or stdout, valid by the official tools; clear
// errors for a wrong format, a missing --out and an unknown or unpublished id.

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as basic from "@secvisogram/csaf-validator-lib/basic.js";
import validateStrict from "@secvisogram/csaf-validator-lib/validateStrict.js";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeActor } from "../../test/helpers/actors.ts";
import { advisoryContent, seedAdvisory } from "../../test/helpers/advisories.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../test/helpers/db.ts";
import { appFor } from "../../test/helpers/http.ts";
import { runExport } from "./export.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/embargo.js");
const VECTORS = path.resolve(import.meta.dirname, "../../../shared/vectors");
const readJson = (p: string) => JSON.parse(fs.readFileSync(path.join(VECTORS, p), "utf8"));
const addFormats = addFormatsPlugin as unknown as (ajv: object) => void;
const osvAjv = new Ajv2020({ strict: false, allErrors: true });
addFormats(osvAjv);
const validOsv = osvAjv.compile(readJson("osv/schema.json"));
const cveAjv = new Ajv({ strict: false, allErrors: true });
addFormats(cveAjv);
const validCve = cveAjv.compile(readJson("cve-json-5/CVE_JSON_bundled_5.1.1.json"));

/** Runs the real CLI in a child process. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", EMBARGO_RUN_SOURCES: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("embargo export's usage errors", () => {
  it("refuses an unknown format and a missing --out, before opening any database", async () => {
    const pdf = await cli(["export", "--format", "pdf", "--advisory", "EMBSA-2026-0001"]);
    expect(pdf.code).toBe(2);
    expect(pdf.stderr).toContain('Unknown format "pdf": choose osv, cve or csaf.');
    const all = await cli(["export", "--format", "osv"]);
    expect(all.code).toBe(2);
    expect(all.stderr).toContain("Give --out DIR");
  }, 60_000);
});

describe.each(DB_KINDS)("embargo export on %s", (kind) => {
  let t: TestDb;
  let dir: string;
  const lines: { out: string; err: string[] } = { out: "", err: [] };
  const io = {
    write: (s: string) => {
      lines.out += s;
    },
    err: (s: string) => {
      lines.err.push(s);
    },
  };
  const reset = () => {
    lines.out = "";
    lines.err = [];
  };

  beforeAll(async () => {
    t = await createTestDb(kind, { publicUrl: "https://security.example.org" });
    const author = await makeActor(t, "admin", "Ada");
    await seedAdvisory(t, {
      number: 1,
      authorId: author.id,
      publishedAt: new Date("2026-02-01T10:00:00Z"),
      revisions: [{ content: advisoryContent(), at: new Date("2026-02-01T10:00:00Z") }],
      reporters: [
        {
          choice: {
            display: "anonymous",
            name: "Secret Sam",
            handle: null,
            url: null,
            affiliation: null,
            coFinders: [],
            hallOfFame: false,
          },
        },
      ],
    });
    await seedAdvisory(t, {
      number: 2,
      authorId: author.id,
      publishedAt: new Date("2026-02-05T10:00:00Z"),
      revisions: [
        {
          content: advisoryContent({ title: "No CVE here", cveId: null }),
          at: new Date("2026-02-05T10:00:00Z"),
        },
      ],
    });
    await seedAdvisory(t, { number: 3, authorId: author.id, state: "draft", draft: { cveId: null } });
    await t.services.settings.updateOrg(author.id, {
      ...(await t.services.settings.org()),
      cnaOrgId: "b3476cb9-2e3d-41a6-98d0-0f47421a65b6",
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-export-"));
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("prints one advisory's OSV record to stdout, the same bytes the site serves", async () => {
    reset();
    const code = await runExport(
      t.services.publishedAdvisories,
      { format: "osv", advisory: "EMBSA-2026-0001" },
      io,
    );
    expect(code).toBe(0);
    const served = await (await appFor(t).request("/advisories/EMBSA-2026-0001/osv.json")).text();
    expect(lines.out).toBe(served);
    expect(validOsv(JSON.parse(lines.out))).toBe(true);
    expect(lines.out).not.toContain("Secret Sam");
  });

  it("writes one valid file per advisory for each format, skipping advisories without a CVE record", async () => {
    for (const format of ["osv", "cve", "csaf"]) {
      reset();
      const out = path.join(dir, format);
      expect(await runExport(t.services.publishedAdvisories, { format, out }, io)).toBe(0);
      const files = fs.readdirSync(out).sort();
      if (format === "osv") expect(files).toEqual(["EMBSA-2026-0001.osv.json", "EMBSA-2026-0002.osv.json"]);
      if (format === "cve") {
        expect(files).toEqual(["EMBSA-2026-0001.cve.json"]);
        expect(lines.err.join("\n")).toContain("Skipped: EMBSA-2026-0002 has no CVE record");
      }
      if (format === "csaf") expect(files).toEqual(["embsa-2026-0001.json", "embsa-2026-0002.json"]);
      for (const f of files) {
        const text = fs.readFileSync(path.join(out, f), "utf8");
        expect(text).not.toContain("Secret Sam");
        const doc = JSON.parse(text);
        if (format === "osv") expect(validOsv(doc)).toBe(true);
        if (format === "cve") expect(validCve(doc), JSON.stringify(validCve.errors?.slice(0, 3))).toBe(true);
        if (format === "csaf") expect((await validateStrict(Object.values(basic), doc)).isValid).toBe(true);
      }
    }
  });

  it("says clearly when an id is unknown, not yet public, or has no CVE record", async () => {
    for (const id of ["EMBSA-2026-0999", "EMBSA-2026-0003"]) {
      reset();
      expect(await runExport(t.services.publishedAdvisories, { format: "csaf", advisory: id }, io)).toBe(1);
      expect(lines.err).toEqual([`No published advisory has the id "${id}".`]);
      expect(lines.out).toBe("");
    }
    reset();
    expect(
      await runExport(t.services.publishedAdvisories, { format: "cve", advisory: "EMBSA-2026-0002" }, io),
    ).toBe(1);
    expect(lines.err[0]).toMatch(/^EMBSA-2026-0002 has no CVE record: .*no CVE ID/);
  });
});
