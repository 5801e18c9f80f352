import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeActor, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { type App, appFor } from "../../../test/helpers/public.ts";
import { advisories, advisoryReports } from "../../db/schema.ts";

describe.each(DB_KINDS)("the reporter's JSON API on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let admin: Actor;
  let ip = 0;

  const call = async (method: string, path: string, body?: unknown, from = `192.0.2.${++ip}`) => {
    const res = await app.request(path, {
      method,
      headers: {
        "x-forwarded-for": from,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: await res.json(), headers: res.headers };
  };
  const submit = async (over: Record<string, unknown> = {}) =>
    t.services.reports.submit(reportFields(over), [], "api");

  beforeAll(async () => {
    t = await createTestDb(kind);
    t.services.deps.trustProxy = { kind: "hops", hops: 1 };
    app = appFor(t);
    admin = await makeActor(t, "admin", "Admin");
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it("returns the tracking page's view, never cached, and the same 404 for a malformed or unknown token", async () => {
    const { token, report } = await submit();
    await t.services.reports.replyAsReporter(token, { body: "A detail." });
    const { status, json, headers } = await call("GET", `/api/v1/r/${token}`);
    expect(status).toBe(200);
    expect(headers.get("cache-control")).toBe("no-store");
    expect(json).toMatchObject({
      reference: report.reference,
      state: "new",
      credit: {
        display: "handle",
        handle: "r3searcher",
        line: "r3searcher",
        confirmedAt: null,
        locked: false,
      },
    });
    expect(json.timeline[0].text).toBe("Report received");
    expect(json.messages.map((m: { body: string }) => m.body)).toContain("A detail.");
    expect(json.deadlines.acknowledgeBy).toEqual(expect.any(String));
    expect((await call("GET", "/api/v1/r/short")).status).toBe(404);
    expect((await call("GET", "/api/v1/r/AAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);
  });

  it("sets every credit choice and shows each exactly; anonymous carries no public line", async () => {
    const { token } = await submit();
    const base = {
      name: "Ada",
      handle: "ada",
      url: "https://ada.example",
      affiliation: "Team X",
      coFinders: ["bob"],
    };
    const byName = await call("PUT", `/api/v1/r/${token}/credit`, {
      ...base,
      display: "name",
      hallOfFame: true,
    });
    expect(byName.json.line).toBe("Ada (Team X), with bob");
    const byHandle = await call("PUT", `/api/v1/r/${token}/credit`, {
      ...base,
      display: "handle",
      hallOfFame: true,
    });
    expect(byHandle.json.line).toBe("ada (Team X), with bob");
    const anon = await call("PUT", `/api/v1/r/${token}/credit`, {
      ...base,
      display: "anonymous",
      hallOfFame: true,
    });
    expect(anon.json).toMatchObject({ line: "Anonymous", display: "anonymous" });
  });

  it("refuses bad credit input with 400 naming each field, and keeps the stored credit", async () => {
    const { token, report } = await submit();
    const cases: [unknown, string][] = [
      [{ display: "name", hallOfFame: true }, "name"],
      [{ display: "handle", handle: "x", url: "ftp://x.example", hallOfFame: false }, "url"],
      [{ display: "famous", hallOfFame: false }, "display"],
      [{ display: "anonymous", hallOfFame: "yes" }, "hallOfFame"],
      [{ display: "anonymous", coFinders: "bob", hallOfFame: false }, "coFinders"],
      [{ display: "anonymous", coFinders: Array(11).fill("x"), hallOfFame: false }, "coFinders"],
      [{ display: "name", name: "A\u202eB", hallOfFame: false }, "name"],
    ];
    for (const [body, field] of cases) {
      const res = await call("PUT", `/api/v1/r/${token}/credit`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.fields, JSON.stringify(body)).toHaveProperty(field);
    }
    expect(await t.services.credits.creditChoiceFor(t.database.db, report.id)).toMatchObject({
      display: "handle",
      handle: "r3searcher",
    });
  });

  it("confirms, clears the confirmation on change, and locks with 409 once the advisory is public", async () => {
    const { token, report } = await submit();
    const confirmed = await call("POST", `/api/v1/r/${token}/credit/confirm`);
    expect(confirmed.json.confirmedAt).toEqual(expect.any(String));
    const changed = await call("PUT", `/api/v1/r/${token}/credit`, {
      display: "anonymous",
      hallOfFame: false,
    });
    expect(changed.json.confirmedAt).toBeNull();
    const [a] = await t.database.db
      .insert(advisories)
      .values({
        publicId: "EMBSA-2026-0900",
        idYear: 2026,
        idNumber: 900,
        state: "published",
        title: "T",
        summary: "S",
        lastEditorId: admin.id,
        createdBy: admin.id,
        publishedAt: new Date(t.clock().getTime() - 1),
        updatedAt: t.clock(),
      })
      .returning();
    await t.database.db.insert(advisoryReports).values({ advisoryId: a!.id, reportId: report.id });
    const locked = await call("PUT", `/api/v1/r/${token}/credit`, {
      display: "name",
      name: "X",
      hallOfFame: true,
    });
    expect(locked.status).toBe(409);
    expect(locked.json.error.message).toContain("published record");
    expect((await call("GET", `/api/v1/r/${token}`)).json.credit).toMatchObject({
      locked: true,
      line: "Anonymous",
    });
  });

  it("posts messages within the tracking page's reply budget per client address", async () => {
    const { token } = await submit();
    await t.services.settings.updateIntake(admin.id, {
      ...(await t.services.settings.intake()),
      repliesPerHourPerIp: 2,
    });
    const from = "203.0.113.50";
    expect((await call("POST", `/api/v1/r/${token}/messages`, { body: "one" }, from)).status).toBe(201);
    expect((await call("POST", `/api/v1/r/${token}/messages`, { body: "" }, from)).status).toBe(400);
    const limited = await call("POST", `/api/v1/r/${token}/messages`, { body: "three" }, from);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});
