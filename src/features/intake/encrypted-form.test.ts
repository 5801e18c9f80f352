import { solveChallenge } from "altcha-lib/v1";
import { sql } from "drizzle-orm";
import * as openpgp from "openpgp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { type App, appFor, get, unescapeHtml } from "../../../test/helpers/http.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { rateLimits, reports } from "../../db/schema.ts";
import { MAX_REPORT_REQUEST_BYTES } from "../../domain/attachments.ts";

interface Answer {
  reference?: string;
  receiptUrl?: string;
  error?: { code: string; message: string; fields?: Record<string, string> };
  pow?: { algorithm: string; challenge: string; salt: string; signature: string; maxnumber: number };
}

/** Solves the challenge of a fresh GET /report the way pow.js does in a browser. */
async function solvedPayload(app: App): Promise<string> {
  const html = await (await app.request("/report")).text();
  const field = (name: string) => {
    const match = new RegExp(`data-pow="${name}" value="([^"]*)"`).exec(html);
    if (!match) throw new Error(`The form has no ${name} field.`);
    return match[1]!.replace(/&amp;/g, "&");
  };
  const challenge = field("challenge");
  const salt = field("salt");
  const solution = await solveChallenge(challenge, salt, field("algorithm"), Number(field("maxnumber")))
    .promise;
  if (!solution) throw new Error("The challenge could not be solved.");
  const payload = {
    algorithm: field("algorithm"),
    challenge,
    number: solution.number,
    salt,
    signature: field("signature"),
  };
  return Buffer.from(JSON.stringify(payload)).toString("base64");
}

describe.each(DB_KINDS)("the report form's encrypted path on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let intakeKey: openpgp.Key;

  const send = async (body: unknown) => {
    const res = await app.request("/report/encrypted", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { res, json: (await res.json()) as Answer };
  };
  const toIntake = async (value: unknown) =>
    (await openpgp.encrypt({
      message: await openpgp.createMessage({ text: JSON.stringify(value) }),
      encryptionKeys: intakeKey,
    })) as string;
  const countReports = async () =>
    (await t.services.db.select({ n: sql<number>`count(*)::int` }).from(reports))[0]!.n;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    intakeKey = await openpgp.readKey({ armoredKey: await (await get(app, "/keys/intake.asc")).text() });
  });
  beforeEach(async () => {
    await raiseIntakeLimits(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("serves OpenPGP.js from our origin, cached for good, and the form points the script at it", async () => {
    const res = await get(app, "/report");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    const src = /data-openpgp="([^"]+)"/.exec(html)?.[1];
    expect(src).toBe("/static/vendor/openpgp-6.3.2.min.mjs");
    expect(html).toContain('data-encrypt-to="/keys/intake.asc"');
    expect(html).toContain('data-encrypted-action="/report/encrypted"');
    expect(html).toContain('<script type="module" src="/static/js/encrypt-report.js"></script>');
    const lib = await get(app, src!);
    expect(lib.status).toBe(200);
    expect(lib.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(lib.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await lib.text()).toContain("BEGIN PGP MESSAGE");
    const script = await get(app, "/static/js/encrypt-report.js");
    expect(script.status).toBe(200);
  });

  it("files the decrypted report with its attachment and answers the receipt once, never cached", async () => {
    const report = reportFields({
      title: "Encrypted form: IDOR on invoices",
      attachments: [
        { filename: "poc.txt", content: Buffer.from("GET /invoices/42 as user 7").toString("base64") },
      ],
    });
    const { res, json } = await send({ encrypted: await toIntake(report), altcha: await solvedPayload(app) });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(json.reference).toMatch(/^EMB-\d{4}-\d{4}$/);
    // The answer names the one-time receipt page instead of carrying the link: a reload there sends nothing.
    expect(json.receiptUrl).toMatch(/^\/report\/receipt\/[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(json)).not.toContain("/r/");
    const receipt = await get(app, json.receiptUrl!);
    const html = unescapeHtml(await receipt.text());
    expect(html).toContain(`your report ${json.reference} was received`);
    expect(html).toMatch(/<code id="tracking-url" class="tracking-url">http[^<]+\/r\/[^<]+<\/code>/);
    expect((await get(app, json.receiptUrl!)).status).toBe(410);

    const view = await t.services.reports.teamView(json.reference!);
    expect(view.title).toBe("Encrypted form: IDOR on invoices");
    expect(view.source).toBe("web");
    expect(view.attachments.map((a) => a.filename)).toEqual(["poc.txt"]);
    const file = await t.services.reports.attachmentForTeam(json.reference!, view.attachments[0]!.id);
    expect(Buffer.from(file.data).toString()).toBe("GET /invoices/42 as user 7");
    // A solved challenge spends the normal budget, as on the plain form.
    const keys = (await t.services.db.select().from(rateLimits)).map((r) => r.key);
    expect(keys.some((k) => k.startsWith("reports:"))).toBe(true);
  });

  it("refuses malformed ciphertext with a clear 400, stores nothing, and hands out a fresh challenge", async () => {
    const before = await countReports();
    const good = await toIntake(reportFields());
    const cases: Array<[string, unknown, number, string, RegExp]> = [
      ["not JSON", "title=hello", 415, "unsupported_media_type", /JSON/],
      ["no ciphertext", { altcha: "" }, 400, "invalid_encrypted", /"encrypted"/],
      ["plain text", { encrypted: "hello" }, 400, "invalid_encrypted", /ASCII-armored OpenPGP message/],
      [
        "truncated",
        { encrypted: good.slice(0, Math.floor(good.length / 2)) },
        400,
        "invalid_encrypted",
        /not a readable OpenPGP message/,
      ],
      ["plaintext fields outside", { encrypted: good, title: "x" }, 400, "invalid_encrypted", /remove title/],
      [
        "not JSON inside",
        { encrypted: await toIntakeText("title: x") },
        400,
        "invalid_encrypted_json",
        /not JSON/,
      ],
    ];
    for (const [name, body, status, code, message] of cases) {
      const res = await app.request("/report/encrypted", {
        method: "POST",
        headers: {
          "content-type": typeof body === "string" ? "text/plain" : "application/json",
          accept: "application/json",
          origin: "http://embargo.test",
        },
        body:
          typeof body === "string"
            ? body
            : JSON.stringify({ altcha: await solvedPayload(app), ...(body as object) }),
      });
      const json = (await res.json()) as Answer;
      expect(res.status, name).toBe(status);
      expect(json.error?.code, name).toBe(code);
      expect(json.error?.message, name).toMatch(message);
      expect(json.pow?.challenge, name).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(await countReports()).toBe(before);
  });

  it("refuses a compressed report that unpacks past the request limit with a 400 naming it, storing nothing", async () => {
    const before = await countReports();
    // OpenPGP.js compresses as the browser could: a valid report, then 41 MB of spaces JSON.parse would skip.
    const bomb = (await openpgp.encrypt({
      message: await openpgp.createMessage({
        text: JSON.stringify(reportFields()) + " ".repeat(MAX_REPORT_REQUEST_BYTES + 1024 * 1024),
      }),
      encryptionKeys: intakeKey,
      config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib },
    })) as string;
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const { res, json } = await send({ encrypted: bomb, altcha: await solvedPayload(app) });
    expect(res.status).toBe(400);
    expect(json.error?.code).toBe("encrypted_too_large");
    expect(json.error?.message).toContain("more than 40 MB");
    expect(await countReports()).toBe(before);
  });

  it("returns the decrypted report's field errors, such as steps under the intake minimum", async () => {
    await raiseIntakeLimits(t, { minStepsLength: 200 });
    const before = await countReports();
    const { res, json } = await send({
      encrypted: await toIntake(reportFields({ title: "x", steps: "Open the page." })),
      altcha: await solvedPayload(app),
    });
    expect(res.status).toBe(400);
    expect(json.error?.fields?.steps).toMatch(/200/);
    expect(json.error?.fields?.title).toBeTruthy();
    expect(json.pow).toBeTruthy();
    expect(await countReports()).toBe(before);
  });

  it("handles a replayed or absent proof of work like the plain form", async () => {
    const before = await countReports();
    const payload = await solvedPayload(app);
    expect((await send({ encrypted: await toIntake(reportFields()), altcha: payload })).res.status).toBe(201);
    const replay = await send({ encrypted: await toIntake(reportFields()), altcha: payload });
    expect(replay.res.status).toBe(400);
    expect(replay.json.error?.code).toBe("invalid_pow");
    expect(replay.json.error?.fields?.altcha).toMatch(/anti-spam check failed or was already used/);
    expect(replay.json.pow?.signature).toBeTruthy();
    expect(await countReports()).toBe(before + 1);

    // No solution at all: the stricter budget of the form without JavaScript, with a JSON 429 past it.
    await raiseIntakeLimits(t, { noJsReportsPerHourPerIp: 1 });
    t.clock.advance(2 * 60 * 60 * 1000);
    const first = await send({ encrypted: await toIntake(reportFields()) });
    expect(first.res.status).toBe(201);
    const keys = (await t.services.db.select().from(rateLimits)).map((r) => r.key);
    expect(keys.some((k) => k.startsWith("reports-nojs:"))).toBe(true);
    const second = await send({ encrypted: await toIntake(reportFields()), altcha: "" });
    expect(second.res.status).toBe(429);
    expect(second.res.headers.get("retry-after")).toBeTruthy();
    expect(second.json.error?.code).toBeTruthy();
    expect(await countReports()).toBe(before + 2);
  });

  async function toIntakeText(text: string) {
    return (await openpgp.encrypt({
      message: await openpgp.createMessage({ text }),
      encryptionKeys: intakeKey,
    })) as string;
  }
});
