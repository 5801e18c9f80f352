import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { createApp } from "../../http/app.tsx";

// The list's query string over the JSON API: every parameter is checked as the document states it.

describe.each(DB_KINDS)("listing reports over the JSON API on %s", (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof createApp>;
  let team: Awaited<ReturnType<typeof makeTeam>>;

  const call = async (actor: Actor | null, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (actor) headers.authorization = `Bearer ${actor.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await app.request(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  const act = (actor: Actor, id: string, body: Record<string, unknown>) =>
    call(actor, "POST", `/api/v1/reports/${id}/actions`, body);
  const submit = async (overrides: Record<string, unknown> = {}) => {
    const res = await call(null, "POST", "/api/v1/reports", reportFields(overrides));
    expect(res.status).toBe(201);
    return res.json as { id: string; reference: string; trackingUrl: string };
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    await raiseIntakeLimits(t);
    app = createApp(t.services, pino({ level: "silent" }));
    team = await makeTeam(t);
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("refuses every wrong list parameter with 400 naming it, and replaces nothing with a default", async () => {
    const cases: Array<[string, string, RegExp]> = [
      ["perPage=0", "perPage", /from 1 to 200/],
      ["perPage=201", "perPage", /from 1 to 200/],
      ["perPage=ten", "perPage", /whole number/],
      ["perPage=2.5", "perPage", /whole number/],
      ["page=0", "page", /from 1 to 100,000/],
      ["page=-1", "page", /from 1/],
      ["sort=nope", "sort", /sort must be one of received, -received/],
      ["state=bogus", "state", /state must be one of open, all, new/],
      ["severity=severe", "severity", /severity must be one of none, note/],
      ["sla=late", "sla", /sla must be one of overdue, team, waiting/],
      ["spam=yes", "spam", /spam must be one of 0, 1/],
      [`q=${"x".repeat(201)}`, "q", /at most 200/],
      ["stat=new", "stat", /stat is not a parameter/],
      ["perPage=0x10", "perPage", /whole number/],
      ["page=1e3", "page", /whole number/],
      ["__proto__=1", "__proto__", /__proto__ is not a parameter/],
      ["state=new&state=triage", "state", /given more than once/],
    ];
    for (const [query, param, message] of cases) {
      const res = await call(team.viewer, "GET", `/api/v1/reports?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.json.error.code, query).toBe("invalid_parameter");
      expect(Object.keys(res.json.error.fields), query).toEqual([param]);
      expect(res.json.error.fields[param], query).toMatch(message);
      expect(res.json.error.message, query).toContain(param);
    }
    const two = await call(team.viewer, "GET", "/api/v1/reports?perPage=0&sort=nope");
    expect(Object.keys(two.json.error.fields).sort()).toEqual(["perPage", "sort"]);
    expect(two.json.error.message).toMatch(/perPage, sort|sort, perPage/);
  });

  it("pages as asked, from 1 to 200 reports a page, and says which page it gave", async () => {
    await submit({ title: "Paging check report one" });
    await submit({ title: "Paging check report two" });
    const first = await call(team.viewer, "GET", "/api/v1/reports?perPage=1");
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ page: 1, perPage: 1 });
    expect(first.json.items).toHaveLength(1);
    const second = await call(team.viewer, "GET", "/api/v1/reports?perPage=1&page=2");
    expect(second.json).toMatchObject({ page: 2, perPage: 1 });
    expect(second.json.items[0].id).not.toBe(first.json.items[0].id);
    const defaults = await call(team.viewer, "GET", "/api/v1/reports");
    expect(defaults.json).toMatchObject({ page: 1, perPage: 25 });
  });

  it("lists the reports nobody is assigned to with assignee=none, and refuses an unknown member", async () => {
    const free = await submit({ title: "Unassigned check report" });
    const taken = await submit({ title: "Assigned check report" });
    await act(team.alice, taken.id, { action: "assign", assignee: team.alice.email });
    const none = await call(team.viewer, "GET", "/api/v1/reports?assignee=none&perPage=200");
    expect(none.status).toBe(200);
    const ids = none.json.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(free.id);
    expect(ids).not.toContain(taken.id);
    expect(none.json.items.every((i: { assignee: string | null }) => i.assignee === null)).toBe(true);
    const alices = await call(team.viewer, "GET", `/api/v1/reports?assignee=${team.alice.email}`);
    expect(alices.json.items.map((i: { id: string }) => i.id)).toContain(taken.id);
    const unknown = await call(team.viewer, "GET", "/api/v1/reports?assignee=nobody@example.org");
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.fields).toHaveProperty("assignee");
  });
});
