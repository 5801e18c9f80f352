import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { type App, appFor, countRows, ORIGIN, tokenOf } from "../../../test/helpers/public.ts";

/** The intake's two answer shapes, success and error, as one type for the assertions. */
interface Answer {
  id: string;
  reference: string;
  trackingUrl: string;
  error: { code: string; message: string; requestId: string; fields: Record<string, string> };
}

describe.each(DB_KINDS)("public JSON intake on %s", (kind) => {
  let t: TestDb;
  let app: App;

  const send = async (body: string, contentType = "application/json", extra: Record<string, string> = {}) => {
    const res = await app.request("/api/v1/reports", {
      method: "POST",
      headers: { "content-type": contentType, ...extra },
      body,
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json: json as Answer, headers: res.headers };
  };
  const submit = (value: unknown) => send(JSON.stringify(value));
  const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

  beforeAll(async () => {
    t = await createTestDb(kind);
    await raiseIntakeLimits(t);
    app = appFor(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("stores a title holding half a surrogate pair with U+FFFD in its place", async () => {
    // PGlite's wire writer miscounted such a title's bytes and cut it mid-character: a 500 before.
    const res = await send(
      JSON.stringify(reportFields({ title: "X" })).replace('"X"', '"\\u5fc8\\uddfa\\ub398\\u381b\\ub477"'),
    );
    expect(res.status).toBe(201);
    expect((await t.services.reports.teamView(res.json.reference)).title).toBe(
      "\u5fc8\ufffd\ub398\u381b\ub477",
    );
  });

  it("refuses a NUL in any field with a 400 naming it, storing nothing", async () => {
    const before = await countRows(t, "reports");
    const res = await submit(reportFields({ title: "Title with a \u0000 inside" }));
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("nul_character");
    expect(res.json.error.message).toMatch(/^title contains a NUL character/);
    expect(await countRows(t, "reports")).toBe(before);
  });

  it("creates a report and answers 201 with id, reference and a working tracking link", async () => {
    const res = await submit(reportFields({ title: "JSON intake report" }));
    expect(res.status).toBe(201);
    expect(Object.keys(res.json).sort()).toEqual(["id", "reference", "trackingUrl"]);
    expect(res.json.reference).toMatch(/^EMB-\d{4}-\d{4}$/);
    expect(res.json.trackingUrl).toMatch(/^http:\/\/embargo\.test\/r\/[A-Za-z0-9_-]{22}$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const page = await app.request(new URL(res.json.trackingUrl).pathname);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("JSON intake report");
    const view = await t.services.reports.teamView(res.json.id);
    expect(view.source).toBe("api");
  });

  it("needs no Origin header: JSON cannot be sent cross-site without CORS", async () => {
    const res = await send(JSON.stringify(reportFields()), "application/json; charset=utf-8", {
      origin: "https://scanner.example",
    });
    expect(res.status).toBe(201);
  });

  it("answers 400 naming every invalid field, and stores nothing", async () => {
    const before = await countRows(t, "reports");
    const res = await submit({
      title: "x",
      asset: "",
      weakness: "CWE-0",
      description: "short",
      steps: "",
      impact: 42,
      email: "nope",
      name: "",
      credit: "loud",
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      code: "invalid_input",
      message: expect.any(String),
      requestId: expect.any(String),
    });
    expect(Object.keys(res.json.error.fields).sort()).toEqual(
      ["asset", "credit", "description", "email", "impact", "steps", "title", "weakness"].sort(),
    );
    expect(res.json.error.fields.description).toBe("The description needs at least 20 characters.");
    expect(await countRows(t, "reports")).toBe(before);
  });

  it("names a missing credit name as its own field", async () => {
    const res = await submit(reportFields({ credit: "name", name: "" }));
    expect(res.status).toBe(400);
    expect(res.json.error.fields).toEqual({
      name: "Enter the name or handle to credit, or choose anonymous.",
    });
  });

  it("refuses a field over its limit with the limit in the message", async () => {
    const res = await submit(reportFields({ description: "a".repeat(20_001), title: "t".repeat(201) }));
    expect(res.status).toBe(400);
    expect(res.json.error.fields.description).toBe("The description can have at most 20,000 characters.");
    expect(res.json.error.fields.title).toBe("The title can have at most 200 characters.");
  });

  it("answers 415 for a body that is not declared as JSON", async () => {
    for (const [type, extra] of [
      ["application/xml", {}],
      ["text/csv", {}],
      ["text/plain", { origin: ORIGIN }],
    ] as const) {
      const res = await send(JSON.stringify(reportFields()), type, extra);
      expect(res.status, type).toBe(415);
      expect(res.json.error).toMatchObject({ code: "unsupported_media_type", requestId: expect.any(String) });
      expect(res.json.error.message).toMatch(/application\/json/);
    }
  });

  it("answers 400 invalid_json for malformed JSON", async () => {
    for (const body of ["{", '{"title": }', "", "{'a':1}"]) {
      const res = await send(body);
      expect(res.status, body).toBe(400);
      expect(res.json.error).toMatchObject({
        code: "invalid_json",
        message: "The body is not valid JSON.",
        requestId: expect.any(String),
      });
    }
  });

  it("answers 400 with a clear message for JSON that is not an object", async () => {
    for (const body of ["[]", '"a string"', "null", "42", "true"]) {
      const res = await send(body);
      expect(res.status, body).toBe(400);
      expect(res.json.error.message, body).toBe("The body must be a JSON object.");
    }
  });

  it("accepts base64 attachments and serves the same bytes back through the tracking link", async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 13, 10]);
    const res = await submit(
      reportFields({
        attachments: [
          { filename: "dump.log", content: b64(bytes) },
          { filename: "notes.md", content: b64("# notes") },
        ],
      }),
    );
    expect(res.status).toBe(201);
    const token = tokenOf(res.json.trackingUrl);
    const view = await t.services.reports.reporterView(token);
    expect(view?.attachments.map((a) => a.filename).sort()).toEqual(["dump.log", "notes.md"]);
    const log = view!.attachments.find((a) => a.filename === "dump.log")!;
    const download = await app.request(`/r/${token}/attachments/${log.id}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("refuses a forbidden attachment type, an empty file and an oversized one", async () => {
    const before = await countRows(t, "reports");
    const exe = await submit(reportFields({ attachments: [{ filename: "tool.exe", content: b64("MZ") }] }));
    expect(exe.status).toBe(400);
    expect(exe.json.error.fields.attachments).toMatch(/tool\.exe: this file type is not accepted/);

    const empty = await submit(reportFields({ attachments: [{ filename: "empty.txt", content: "" }] }));
    expect(empty.status).toBe(400);
    expect(empty.json.error.fields.attachments).toBe("empty.txt is empty.");

    const big = await submit(
      reportFields({
        attachments: [{ filename: "big.txt", content: b64(Buffer.alloc(10 * 1024 * 1024 + 1, 65)) }],
      }),
    );
    expect(big.status).toBe(400);
    expect(big.json.error.fields.attachments).toBe("big.txt is larger than 10 MB.");

    const many = await submit(
      reportFields({
        attachments: Array.from({ length: 6 }, (_, i) => ({ filename: `f${i}.txt`, content: b64("x") })),
      }),
    );
    expect(many.status).toBe(400);
    expect(many.json.error.fields.attachments).toBe("Attach at most 5 files.");
    expect(await countRows(t, "reports")).toBe(before);
  });

  it("refuses malformed attachments while still naming the other invalid fields", async () => {
    const notBase64 = await submit(
      reportFields({ title: "x", attachments: [{ filename: "a.txt", content: "<not base64>" }] }),
    );
    expect(notBase64.status).toBe(400);
    expect(notBase64.json.error.fields).toEqual({
      title: "The title needs at least 5 characters.",
      attachments: "attachments[0]: Attachment content must be base64.",
    });

    const notList = await submit(reportFields({ attachments: "poc.txt" }));
    expect(notList.status).toBe(400);
    expect(notList.json.error.fields.attachments).toBe("attachments must be a list of {filename, content}.");

    const noName = await submit(reportFields({ attachments: [{ filename: "", content: b64("x") }] }));
    expect(noName.status).toBe(400);
    expect(noName.json.error.fields.attachments).toBe("attachments[0]: Each attachment needs a filename.");
  });
});
