import { createChallenge, solveChallenge } from "altcha-lib/v1";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import {
  type App,
  appFor,
  countRows,
  followRefusal,
  formData,
  formFields,
  ORIGIN,
  postForm,
  tokenOf,
} from "../../../test/helpers/public.ts";
import { transaction } from "../../core/db.ts";
import { parseTrustProxy } from "../../domain/network-trust.ts";
import { writeSetting } from "../settings/settings.repo.ts";

const HOUR = 60 * 60 * 1000;

/** Solves the challenge on a fresh GET /report the way pow.js does in a browser. */
async function solvedPayload(app: App): Promise<string> {
  const html = await (await app.request("/report")).text();
  const field = (name: string) => {
    const match = new RegExp(`data-pow="${name}" value="([^"]*)"`).exec(html);
    if (!match) throw new Error(`The form has no ${name} field.`);
    return match[1]!;
  };
  const challenge = field("challenge");
  const salt = field("salt").replace(/&amp;/g, "&");
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

describe.each(DB_KINDS)("junk and abuse defences on %s", (kind) => {
  let t: TestDb;
  let app: App;

  const setLimits = (limits: Record<string, number>) =>
    transaction(t.services.db, (tx) =>
      writeSetting(
        tx,
        "intake",
        {
          reportsPerHourPerIp: 2,
          repliesPerHourPerIp: 2,
          noJsReportsPerHourPerIp: 1,
          minStepsLength: 30,
          ...limits,
        },
        t.clock(),
      ),
    );
  const submitForm = (extra: Record<string, string> = {}) =>
    postForm(app, "/report", formData({ ...formFields(), ...extra }));
  const submitJson = (body: unknown) =>
    app.request("/api/v1/reports", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeEach(async () => {
    await t?.close();
    t = await createTestDb(kind);
    app = appFor(t);
    // Each test starts at the beginning of a fresh hour window.
    t.clock.set("2026-03-02T10:00:00Z");
    await setLimits({});
  });
  afterAll(async () => {
    await t?.close();
  });

  it("limits the no-JavaScript form more strictly, answers 429 with Retry-After, and resets with the window", async () => {
    expect((await submitForm()).status).toBe(303);
    t.clock.advance(15 * 60 * 1000);
    const refused = await submitForm();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe(String(45 * 60));
    expect(refused.headers.get("content-type")).toMatch(/text\/html/);
    expect(await refused.text()).toContain("Too many requests from your address");
    expect(await countRows(t, "reports")).toBe(1);
    t.clock.advance(45 * 60 * 1000);
    expect((await submitForm()).status).toBe(303);
    expect(await countRows(t, "reports")).toBe(2);
  });

  it("behind a trusted proxy keys the limit on the address the proxy appended, not the client's own entries", async () => {
    t.services.deps.trustProxy = parseTrustProxy("true")!;
    const viaProxy = (forwardedFor: string) =>
      app.request("/report", {
        method: "POST",
        body: formData(formFields()),
        headers: { origin: ORIGIN, "x-forwarded-for": forwardedFor },
      });
    expect((await viaProxy("1.1.1.1, 198.51.100.7")).status).toBe(303);
    // Rotating the client-written first entry is the same client to the proxy: still refused.
    expect((await viaProxy("1.1.1.2, 198.51.100.7")).status).toBe(429);
    expect((await viaProxy("198.51.100.8, 198.51.100.7")).status).toBe(429);
    // Another address appended by the proxy is another client.
    expect((await viaProxy("1.1.1.1, 198.51.100.9")).status).toBe(303);
    expect(await countRows(t, "reports")).toBe(2);
  });

  it("with a list of proxies believes the header only from them, walking from the right", async () => {
    t.services.deps.trustProxy = parseTrustProxy("10.0.0.0/8")!;
    const from = (socket: string, forwardedFor: string) =>
      app.request(
        "/report",
        {
          method: "POST",
          body: formData(formFields()),
          headers: { origin: ORIGIN, "x-forwarded-for": forwardedFor },
        },
        { incoming: { socket: { remoteAddress: socket } } },
      );
    expect((await from("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.3")).status).toBe(303);
    expect((await from("10.0.0.9", "7.7.7.7, 198.51.100.7")).status).toBe(429);
    // A client connecting directly cannot claim an address: its socket counts.
    expect((await from("203.0.113.5", "198.51.100.20")).status).toBe(303);
    expect((await from("203.0.113.5", "198.51.100.21")).status).toBe(429);
  });

  it("gives a solved challenge the normal budget, and sends a replayed or forged payload back to the form, at the same cost", async () => {
    const first = await solvedPayload(app);
    expect((await submitForm({ altcha: first })).status).toBe(303);
    const replay = await submitForm({ altcha: first });
    expect((await followRefusal(app, replay)).html).toContain("anti-spam check failed");
    // A failed check is kept for the form's page, so it costs what a report costs: the budget of 2 is spent.
    const third = await submitForm({ altcha: await solvedPayload(app) });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBe(3600);
    expect(await countRows(t, "reports")).toBe(1);

    t.clock.advance(HOUR);
    const forged = await createChallenge({ hmacKey: "not-our-key", maxNumber: 100 });
    const solved = await solveChallenge(forged.challenge, forged.salt, forged.algorithm, 100).promise;
    const payload = Buffer.from(JSON.stringify({ ...forged, number: solved!.number })).toString("base64");
    for (const bad of [payload, "garbage"]) {
      const res = await submitForm({ altcha: bad });
      expect((await followRefusal(app, res)).html).toContain("anti-spam check failed");
    }
    expect((await submitForm({ altcha: Buffer.from("{}").toString("base64") })).status).toBe(429);
    expect(await countRows(t, "reports")).toBe(1);
  });

  it("refuses an expired challenge", async () => {
    const payload = await solvedPayload(app);
    t.clock.advance(2 * HOUR);
    const refused = await followRefusal(app, await submitForm({ altcha: payload }));
    expect(refused.html).toContain("anti-spam check failed");
    expect(refused.html).toContain('value="Stored XSS in the comment preview"');
    expect(await countRows(t, "reports")).toBe(0);
  });

  it("rate-limits the JSON intake with a JSON 429", async () => {
    expect((await submitJson(reportFields())).status).toBe(201);
    expect((await submitJson(reportFields())).status).toBe(201);
    const res = await submitJson(reportFields());
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3600");
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("rate_limited");
    expect(await countRows(t, "reports")).toBe(2);
    t.clock.advance(HOUR);
    expect((await submitJson(reportFields())).status).toBe(201);
  });

  it("rate-limits reporter replies and link recovery", async () => {
    const res = await submitJson(reportFields());
    const token = tokenOf(((await res.json()) as { trackingUrl: string }).trackingUrl);
    const reply = () => postForm(app, `/r/${token}/messages`, formData({ body: "More details here." }));
    expect((await reply()).status).toBe(303);
    expect((await reply()).status).toBe(303);
    const refused = await reply();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("3600");
    expect(await countRows(t, "messages")).toBe(2);
    t.clock.advance(HOUR);
    expect((await reply()).status).toBe(303);

    const recover = () => postForm(app, "/r/recover", formData({ email: "researcher@example.net" }));
    // Without SMTP a recovery post returns to the page that says so; the limit still counts it.
    for (let i = 0; i < 2; i++) {
      const res = await recover();
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/r/recover");
    }
    expect((await recover()).status).toBe(429);
  });

  it("refuses too-short reproduction steps on the form and the JSON intake", async () => {
    await raiseIntakeLimits(t, { minStepsLength: 40 });
    const form = await submitForm({ steps: "Open the page." });
    expect((await followRefusal(app, form)).html).toContain(
      "Describe the steps to reproduce in at least 40 characters.",
    );
    const json = await submitJson(reportFields({ steps: "Open the page." }));
    expect(json.status).toBe(400);
    const body = (await json.json()) as { error: { fields: Record<string, string> } };
    expect(body.error.fields.steps).toBe("Describe the steps to reproduce in at least 40 characters.");
    expect(await countRows(t, "reports")).toBe(0);
  });

  it.each([
    ["title", 201],
    ["asset", 65],
    ["description", 20_001],
    ["steps", 20_001],
    ["impact", 10_001],
    ["email", 255],
    ["name", 101],
  ])(
    "refuses an over-long %s naming it (400 JSON, the form back) and stores nothing",
    async (field, length) => {
      await raiseIntakeLimits(t);
      const value = field === "email" ? `${"a".repeat(length - 12)}@example.org` : "x".repeat(length);
      const json = await submitJson(reportFields({ [field]: value }));
      expect(json.status).toBe(400);
      const body = (await json.json()) as { error: { fields: Record<string, string> } };
      expect(Object.keys(body.error.fields)).toContain(field);
      const form = await submitForm({ [field]: value });
      expect((await followRefusal(app, form)).html).toContain(`id="${field}-error"`);
      expect(await countRows(t, "reports")).toBe(0);
    },
  );

  it("answers 413 to a body over the size limit and stores nothing", async () => {
    await raiseIntakeLimits(t);
    const res = await app.request("/api/v1/reports", {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify(reportFields({ description: "x".repeat(41 * 1024 * 1024) })),
    });
    expect(res.status).toBe(413);
    expect(await countRows(t, "reports")).toBe(0);
  });
});
