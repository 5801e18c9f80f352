import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import {
  type App,
  appFor,
  countRows,
  followReceipt,
  followRefusal,
  formData,
  formFields,
  ORIGIN,
  postForm,
  unescapeHtml,
} from "../../../test/helpers/public.ts";
import { reports } from "../../db/schema.ts";
import { REPORT_FORM_FIELDS } from "./intake.views.tsx";

const VECTOR_31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N";
const VECTOR_40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

describe.each(DB_KINDS)("the report form's hints and the reporter's proposal, on %s", (kind) => {
  let t: TestDb;
  let app: App;

  const json = (body: unknown) =>
    app.request("/api/v1/reports", {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify(body),
    });
  const stored = async (reference: string) => {
    const [row] = await t.services.db.select().from(reports).where(eq(reports.reference, reference));
    return row!;
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    await raiseIntakeLimits(t, { minStepsLength: 42 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("shows every minimum length in a hint tied to its field before any error, the steps' from the setting", async () => {
    const html = unescapeHtml(await (await app.request("/report")).text());
    expect(html).not.toContain("field-error");
    const hint = (id: string) =>
      new RegExp(`<span class="hint" id="${id}-hint">([^<]*)</span>`).exec(html)?.[1];
    expect(hint("title")).toMatch(/At least 5 characters\./);
    expect(hint("description")).toMatch(/At least 20 characters\./);
    expect(hint("steps")).toMatch(/At least 42 characters\./);
    expect(hint("impact")).toMatch(/A sentence or two is enough\./);
    for (const id of ["title", "description", "steps", "impact", "affectedVersions", "cvss"]) {
      expect(html).toMatch(new RegExp(`id="${id}"[^>]*aria-describedby="${id}-hint`));
    }
    expect(html).toMatch(/id="affectedVersions-hint">[\s\S]*?At most 20 lines of up to 100 characters each/);
  });

  it("says 'optional' once for the section it sits above, and names the field order the script sorts by", async () => {
    const html = unescapeHtml(await (await app.request("/report")).text());
    expect(html).not.toContain("Both are optional");
    const about = html.indexOf("<h2>About you</h2>");
    const note = html.indexOf("Everything in this section is optional.");
    expect(about).toBeGreaterThan(0);
    expect(note).toBeGreaterThan(about);
    expect(note).toBeLessThan(html.indexOf('id="email"'));
    expect(html).toContain("<legend>Versions and severity (optional)</legend>");
    // The summary's order (server) and the script's order come from the same list, which is the page order.
    expect(html).toContain(`data-field-order="${REPORT_FORM_FIELDS.join(" ")}"`);
    const positions = REPORT_FORM_FIELDS.filter((f) => f !== "attachments").map((f) =>
      html.search(new RegExp(`id="${f}"`)),
    );
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it("lists the summary's problems in form order, the new fields included", async () => {
    const res = await postForm(
      app,
      "/report",
      formData(
        formFields({ title: "", cvss: "CVSS:3.1/AV:X", affectedVersions: "", email: "nope", steps: "" }),
      ),
    );
    const html = unescapeHtml((await followRefusal(app, res)).html);
    const summary = html.slice(html.indexOf('id="error-summary"'), html.indexOf("</ul>"));
    const linked = [...summary.matchAll(/<a href="#([A-Za-z]+)">/g)].map((m) => m[1]);
    expect(linked).toEqual(["title", "steps", "cvss", "email"]);
  });

  it("stores a valid proposal from the form, as the reporter wrote it, and shows it to the reporter", async () => {
    const before = await countRows(t, "reports");
    const res = await postForm(
      app,
      "/report",
      formData(
        formFields({
          title: "Proposal from the form",
          cvss: `  ${VECTOR_31} `,
          affectedVersions: "2.3.0\r\n\r\n>= 2.0, < 2.4.1\r\n2.3.0\r\n",
        }),
      ),
    );
    const receipt = await followReceipt(app, res);
    expect(await countRows(t, "reports")).toBe(before + 1);
    const row = await stored(receipt.reference!);
    expect(row.reporterCvss).toBe(VECTOR_31);
    expect(row.affectedVersions).toEqual(["2.3.0", ">= 2.0, < 2.4.1"]);
    const tracking = unescapeHtml(await (await app.request(new URL(receipt.trackingUrl!).pathname)).text());
    expect(tracking).toContain("<dt>Your CVSS vector</dt>");
    expect(tracking).toContain(VECTOR_31);
    expect(tracking).toContain('<code class="break">>= 2.0, < 2.4.1</code>');
  });

  it("refuses an invalid vector on the form with a clear field error, keeps what was typed and stores nothing", async () => {
    const before = await countRows(t, "reports");
    const bad = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H";
    const res = await postForm(
      app,
      "/report",
      formData(formFields({ title: "Bad vector report", cvss: bad, affectedVersions: "1.0\n1.1" })),
    );
    const html = unescapeHtml((await followRefusal(app, res)).html).replace(/\r\n/g, "\n");
    expect(html).toMatch(
      /<p class="field-error" id="cvss-error" role="alert">Invalid CVSS vector: [^<]+\.<\/p>/,
    );
    expect(html).toMatch(/Your CVSS vector: Invalid CVSS vector/);
    expect(html).toMatch(/id="cvss"[^>]*aria-invalid="true"/);
    expect(html).toContain(`value="${bad}"`);
    expect(html).toContain("1.0\n1.1</textarea>");
    expect(html).toContain("Bad vector report");
    expect(await countRows(t, "reports")).toBe(before);
  });

  it("refuses too many versions, and a version that is too long, naming the limit", async () => {
    const before = await countRows(t, "reports");
    const many = Array.from({ length: 21 }, (_, i) => `1.${i}.0`).join("\n");
    const res = await postForm(app, "/report", formData(formFields({ affectedVersions: many })));
    const html = unescapeHtml((await followRefusal(app, res)).html).replace(/\r\n/g, "\n");
    expect(html).toMatch(
      /id="affectedVersions-error" role="alert">List at most 20 affected versions \(you gave 21\)/,
    );
    expect(html).toContain("1.20.0</textarea>");
    const long = await postForm(
      app,
      "/report",
      formData(formFields({ affectedVersions: `1.0\n${"9".repeat(101)}` })),
    );
    expect((await followRefusal(app, long)).html).toContain(
      "Affected version 2 is longer than 100 characters",
    );
    expect(await countRows(t, "reports")).toBe(before);
  });

  it("takes the proposal on the JSON intake, versions as a list, and refuses bad ones as field errors", async () => {
    const ok = await json(reportFields({ cvss: VECTOR_40, affectedVersions: ["3.0.0", "3.0.1"] }));
    expect(ok.status).toBe(201);
    const row = await stored(((await ok.json()) as { reference: string }).reference);
    expect(row.reporterCvss).toBe(VECTOR_40);
    expect(row.affectedVersions).toEqual(["3.0.0", "3.0.1"]);

    const none = await json(reportFields({ cvss: null, affectedVersions: null }));
    expect(none.status).toBe(201);
    const plain = await stored(((await none.json()) as { reference: string }).reference);
    expect(plain.reporterCvss).toBeNull();
    expect(plain.affectedVersions).toEqual([]);

    const before = await countRows(t, "reports");
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ cvss: "CVSS:9.9/AV:N" }, "cvss", /^Invalid CVSS vector: .+\.$/],
      [{ cvss: 31 }, "cvss", /Give the CVSS vector as text/],
      [{ cvss: `${VECTOR_31}/${"X".repeat(400)}` }, "cvss", /at most 400 characters/],
      [
        { affectedVersions: { from: "1.0" } },
        "affectedVersions",
        /as text, one per line, or as a list of strings/,
      ],
      [{ affectedVersions: ["1.0", 2] }, "affectedVersions", /Affected version 2 must be text/],
      [{ affectedVersions: ["\u001b[31m1.0"] }, "affectedVersions", /control character/],
    ];
    for (const [extra, field, message] of cases) {
      const res = await json(reportFields(extra));
      expect(res.status, JSON.stringify(extra).slice(0, 80)).toBe(400);
      const body = (await res.json()) as { error: { code: string; fields?: Record<string, string> } };
      expect(body.error.fields?.[field], JSON.stringify(body)).toMatch(message);
    }
    expect(await countRows(t, "reports")).toBe(before);
  });

  it("checks a vector live with the parser the submission uses, and says so for nothing typed", async () => {
    const check = async (cvss?: string) => {
      const res = await app.request(
        `/report/cvss-check${cvss === undefined ? "" : `?cvss=${encodeURIComponent(cvss)}`}`,
      );
      expect(res.status).toBe(200);
      return unescapeHtml(await res.text());
    };
    expect(await check(VECTOR_31)).toMatch(
      /Valid CVSS 3\.1 vector: base score <strong>6\.1<\/strong>.*Medium/,
    );
    expect(await check(VECTOR_40)).toMatch(
      /Valid CVSS 4\.0 vector: CVSS-B score <strong>9\.3<\/strong>.*Critical/,
    );
    expect(await check("CVSS:3.1/AV:N")).toMatch(
      /^<span class="cvss-check-error small">Invalid CVSS vector: .+\.<\/span>$/,
    );
    expect(await check("x".repeat(401))).toContain("at most 400 characters");
    expect(await check("")).toContain("No vector given");
    expect(await check()).toContain("No vector given");
  });
});
