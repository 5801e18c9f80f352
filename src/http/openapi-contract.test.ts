import SwaggerParser from "@apidevtools/swagger-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeActor, makeTeam, reportFields } from "../../test/helpers/actors.ts";
import { advisoryBody, confirmedReportWithCvss } from "../../test/helpers/advisory-drafts.ts";
import { type LiveServer, startLiveServer } from "../../test/helpers/browser.ts";
import { invitedReport } from "../../test/helpers/consultation-world.ts";
import { DB_KINDS } from "../../test/helpers/db.ts";
import { raiseIntakeLimits } from "../../test/helpers/intake-limits.ts";
import { MEMBER_PUBLIC_KEY } from "../../test/helpers/pgp.ts";
import { insertRelease } from "../../test/helpers/release-rows.ts";
import { CRITICAL_OWASP } from "../../test/helpers/release-world.ts";
import { OPENAPI_DOCUMENT_PATH } from "./openapi.ts";

// Every operation of the JSON API, called over a real socket, success and errors alike: each answer's status
// must be one the document lists for that operation and its body must match the documented schema, checked by
// Ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses), with formats. Objects are closed for the check, so a field
// the document does not describe fails it too.

type Json = Record<string, unknown>;
type Operation = { operationId: string; responses: Record<string, Json> };
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;

/** A copy of a schema in which every object without a word on other properties admits no others. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== "object") return schema;
  const copy: Json = {};
  for (const [k, v] of Object.entries(schema)) copy[k] = k === "enum" || k === "const" ? v : closed(v);
  if (copy.properties && !("additionalProperties" in copy)) copy.additionalProperties = false;
  return copy;
}

describe.each(DB_KINDS)("real answers match the OpenAPI document on %s", (kind) => {
  let live: LiveServer;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let operations: Map<string, Operation>;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  /** The statuses checked per operation. */
  const seen = new Map<string, Set<number>>();

  const request = (actor: Actor | null, method: string, path: string, body?: unknown, type?: string) =>
    fetch(`${live.url}${path}`, {
      method,
      headers: {
        ...(actor ? { authorization: `Bearer ${actor.token}` } : {}),
        ...(body === undefined ? {} : { "content-type": type ?? "application/json" }),
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });

  /** Checks one answer against the operation's documented responses and returns its body. */
  async function check(operationId: string, res: Response, expected: number): Promise<Json> {
    const text = await res.text();
    expect(res.status, `${operationId}: ${text.slice(0, 300)}`).toBe(expected);
    const op = operations.get(operationId);
    expect(op, operationId).toBeDefined();
    const documented = op!.responses[String(res.status)] as
      | { content?: Record<string, { schema: unknown }>; headers?: Json }
      | undefined;
    expect(
      documented,
      `${operationId} answered ${res.status}, which the document does not list`,
    ).toBeDefined();
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    for (const header of Object.keys(documented!.headers ?? {})) {
      expect(res.headers.get(header), `${operationId} ${res.status} ${header}`).not.toBeNull();
    }
    const body = JSON.parse(text) as Json;
    const validate = ajv.compile(closed(documented!.content!["application/json"]!.schema) as object);
    expect(validate(body), `${operationId} ${res.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    if (!seen.has(operationId)) seen.set(operationId, new Set());
    seen.get(operationId)!.add(res.status);
    return body;
  }

  beforeAll(async () => {
    live = await startLiveServer(kind);
    await raiseIntakeLimits(live.t);
    team = await makeTeam(live.t);
    const org = await live.t.services.settings.org();
    await live.t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });
    const doc = (await (await fetch(`${live.url}${OPENAPI_DOCUMENT_PATH}`)).json()) as never;
    await SwaggerParser.validate(structuredClone(doc));
    const deref = (await SwaggerParser.dereference(structuredClone(doc))) as unknown as {
      paths: Record<string, Record<string, Operation>>;
    };
    operations = new Map(
      Object.values(deref.paths).flatMap((item) => Object.values(item).map((op) => [op.operationId, op])),
    );
  });
  afterAll(async () => {
    await live?.close();
  });

  const submit = async (overrides: Json = {}) =>
    check("submitReport", await request(null, "POST", "/api/v1/reports", reportFields(overrides)), 201);

  it("submitReport: 201 with the tracking link, 400 naming fields, 415 for a body that is not JSON", async () => {
    const receipt = await submit({
      attachments: [{ filename: "poc.txt", content: Buffer.from("alert(1)").toString("base64") }],
    });
    expect(String(receipt.trackingUrl)).toContain(`${live.url}/r/`);
    const bad = await check("submitReport", await request(null, "POST", "/api/v1/reports", {}), 400);
    expect(Object.keys((bad.error as Json).fields as Json)).toEqual(
      expect.arrayContaining(["title", "description", "steps", "impact"]),
    );
    await check("submitReport", await request(null, "POST", "/api/v1/reports", "title=x", "text/plain"), 415);
    await check(
      "submitReport",
      await request(null, "POST", "/api/v1/reports", { encrypted: "not an OpenPGP message" }),
      400,
    );
  });

  it("listReports: 200 with paging and search snippets, 400 naming a wrong parameter, 401 without a token", async () => {
    await submit({ title: "Contract listing report" });
    const page = await check("listReports", await request(team.viewer, "GET", "/api/v1/reports"), 200);
    expect(page).toMatchObject({ page: 1, perPage: 25 });
    const found = await check(
      "listReports",
      await request(
        team.viewer,
        "GET",
        "/api/v1/reports?q=comment+preview&state=all&perPage=5&sort=-updated",
      ),
      200,
    );
    expect((found.items as Json[]).some((i) => i.snippet !== null)).toBe(true);
    await check("listReports", await request(team.viewer, "GET", "/api/v1/reports?assignee=none"), 200);
    const bad = await check(
      "listReports",
      await request(team.viewer, "GET", "/api/v1/reports?sort=nope"),
      400,
    );
    expect((bad.error as Json).fields).toHaveProperty("sort");
    await check("listReports", await request(null, "GET", "/api/v1/reports"), 401);
  });

  it("runReportAction, postReportMessage and getReport: a report walked to fix_ready, and every refusal", async () => {
    const { id, reference } = (await submit({ title: "Contract lifecycle report" })) as {
      id: string;
      reference: string;
    };
    const actions = `/api/v1/reports/${id}/actions`;
    const act = async (actor: Actor, body: Json, status = 200) =>
      check("runReportAction", await request(actor, "POST", actions, body), status);
    await act(team.alice, { action: "acknowledge" });
    await act(team.alice, { action: "acknowledge" }, 409);
    await act(team.alice, { action: "explode" }, 400);
    await act(team.alice, { action: "assign", assignee: "nobody@example.org" }, 400);
    await act(team.viewer, { action: "start_triage" }, 403);
    await check("runReportAction", await request(null, "POST", actions, { action: "start_triage" }), 401);
    await check(
      "runReportAction",
      await request(team.alice, "POST", "/api/v1/reports/EMB-1999-0001/actions", { action: "confirm" }),
      404,
    );
    await check("runReportAction", await request(team.alice, "POST", actions, "{}", "text/plain"), 415);
    await act(team.alice, { action: "assign", assignee: team.alice.email });
    await act(team.alice, { action: "start_triage" });
    await act(team.alice, {
      action: "set_severity",
      owasp: "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9",
    });
    // Recorded beside the OWASP rating, which sets the severity by default.
    await act(team.alice, {
      action: "set_severity",
      cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      reason: "remote, no privileges",
    });
    await act(team.alice, { action: "confirm" });
    await act(team.alice, { action: "start_remediation" });
    await act(team.alice, { action: "add_fix", url: "https://git.example.org/security/commit/abc123" });
    const ready = await act(team.bob, { action: "verify_fix" });
    expect(ready.state).toBe("fix_ready");

    const messages = `/api/v1/reports/${id}/messages`;
    const post = async (actor: Actor | null, body: unknown, status: number, type?: string) =>
      check("postReportMessage", await request(actor, "POST", messages, body, type), status);
    const note = await post(team.alice, { body: "Fix verified on staging.", visibility: "internal" }, 201);
    expect(note).toMatchObject({ visibility: "internal" });
    await post(team.alice, { body: "Fixed; release next week.", visibility: "reporter" }, 201);
    await post(team.alice, { body: " ", visibility: "public" }, 400);
    await post(team.viewer, { body: "x", visibility: "internal" }, 403);
    await post(null, { body: "x", visibility: "internal" }, 401);
    await post(team.alice, "hello", 415, "text/plain");
    await check(
      "postReportMessage",
      await request(team.alice, "POST", "/api/v1/reports/EMB-1999-0001/messages", {
        body: "x",
        visibility: "internal",
      }),
      404,
    );

    const report = await check(
      "getReport",
      await request(team.viewer, "GET", `/api/v1/reports/${reference}`),
      200,
    );
    expect(report).toMatchObject({ id, state: "fix_ready", severity: "critical" });
    expect((report.fixes as Json[])[0]!.verifications).toHaveLength(1);
    expect((report.severityHistory as Json[]).find((s) => s.method === "cvss")).toMatchObject({
      score: 9.8,
      setsReportSeverity: false,
    });
    expect((report.messages as Json[]).length).toBeGreaterThanOrEqual(3);
    await check("getReport", await request(null, "GET", `/api/v1/reports/${id}`), 401);
    await check(
      "getReport",
      await request(team.viewer, "GET", "/api/v1/reports/00000000-0000-4000-8000-000000000000"),
      404,
    );
  });

  it("submitReport: 429 with Retry-After once the address's hourly budget is spent", async () => {
    await raiseIntakeLimits(live.t, { reportsPerHourPerIp: 1 });
    try {
      const res = await request(null, "POST", "/api/v1/reports", reportFields());
      const body = await check("submitReport", res, 429);
      expect((body.error as Json).code).toBe("rate_limited");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await raiseIntakeLimits(live.t);
    }
  });

  it("createRepository and listRepositories: 201 and 200 for admins, 400 naming the URL's problem, 403, 401", async () => {
    const upstream = { name: "acme/contract", upstreamUrl: "file:///srv/git/contract.git" };
    const created = await check(
      "createRepository",
      await request(team.admin, "POST", "/api/v1/repositories", upstream),
      201,
    );
    expect(created).toMatchObject({ ...upstream, defaultBranch: "main" });
    const bad = await check(
      "createRepository",
      await request(team.admin, "POST", "/api/v1/repositories", { name: "x", upstreamUrl: "ext::sh" }),
      400,
    );
    expect(((bad.error as Json).fields as Json).upstreamUrl).toMatch(/Remote helpers/);
    await check("createRepository", await request(team.alice, "POST", "/api/v1/repositories", upstream), 403);
    await check(
      "createRepository",
      await request(team.admin, "POST", "/api/v1/repositories", "x", "text/plain"),
      415,
    );
    const list = await check(
      "listRepositories",
      await request(team.admin, "GET", "/api/v1/repositories"),
      200,
    );
    expect((list.items as Json[]).map((r) => r.name)).toContain("acme/contract");
    await check("listRepositories", await request(team.viewer, "GET", "/api/v1/repositories"), 403);
    await check("listRepositories", await request(null, "GET", "/api/v1/repositories"), 401);
  });

  it("the notification lists: 201, 200 and 404 for admins, 400 naming the field, 403, 401", async () => {
    const created = await check(
      "createNotificationList",
      await request(team.admin, "POST", "/api/v1/notification-lists", {
        name: "Contract",
        mode: "imminent",
        members: [],
      }),
      201,
    );
    expect(created).toMatchObject({ name: "Contract", mode: "imminent", members: [] });
    const bad = await check(
      "createNotificationList",
      await request(team.admin, "POST", "/api/v1/notification-lists", { name: "X", mode: "loud" }),
      400,
    );
    expect(((bad.error as Json).fields as Json).mode).toMatch(/imminent/);
    await check(
      "createNotificationList",
      await request(team.alice, "POST", "/api/v1/notification-lists", {}),
      403,
    );
    const list = await check(
      "listNotificationLists",
      await request(team.admin, "GET", "/api/v1/notification-lists"),
      200,
    );
    expect((list.items as Json[]).map((l) => l.name)).toContain("Contract");
    await check("listNotificationLists", await request(null, "GET", "/api/v1/notification-lists"), 401);
    await check(
      "getNotificationList",
      await request(team.admin, "GET", `/api/v1/notification-lists/${created.id}`),
      200,
    );
    await check(
      "getNotificationList",
      await request(team.admin, "GET", "/api/v1/notification-lists/nope"),
      404,
    );
  });

  it("the advisories: 201, 200, 400 naming the field, 403, 404, 409 and 401", async () => {
    const report = await confirmedReportWithCvss(live.t, team.alice);
    const created = await check(
      "createAdvisory",
      await request(team.alice, "POST", "/api/v1/advisories", advisoryBody([report.ref])),
      201,
    );
    const bad = await check(
      "createAdvisory",
      await request(team.alice, "POST", "/api/v1/advisories", advisoryBody([report.ref], { cvss: "nope" })),
      400,
    );
    expect(((bad.error as Json).fields as Json).cvss).toMatch(/CVSS/);
    await check(
      "createAdvisory",
      await request(team.viewer, "POST", "/api/v1/advisories", advisoryBody([report.ref])),
      403,
    );
    await check("createAdvisory", await request(null, "POST", "/api/v1/advisories", {}), 401);
    const list = await check("listAdvisories", await request(team.viewer, "GET", "/api/v1/advisories"), 200);
    expect((list.items as Json[]).map((a) => a.id)).toContain(created.id);
    await check("listAdvisories", await request(team.viewer, "GET", "/api/v1/advisories?state=lost"), 400);
    await check(
      "getAdvisory",
      await request(team.viewer, "GET", `/api/v1/advisories/${created.publicId}`),
      200,
    );
    await check("getAdvisory", await request(team.viewer, "GET", "/api/v1/advisories/nope"), 404);
    const path = `/api/v1/advisories/${created.id}`;
    await check("editAdvisory", await request(team.alice, "PATCH", path, { summary: "Edited." }), 200);
    await check("editAdvisory", await request(team.alice, "PATCH", path, { cwe: ["79"] }), 400);
    await check("editAdvisory", await request(team.viewer, "PATCH", path, { summary: "x" }), 403);
    await check(
      "actOnAdvisory",
      await request(team.alice, "POST", `${path}/actions`, { action: "submit" }),
      200,
    );
    await check(
      "actOnAdvisory",
      await request(team.alice, "POST", `${path}/actions`, { action: "submit" }),
      409,
    );
    await check(
      "actOnAdvisory",
      await request(team.alice, "POST", `${path}/actions`, { action: "approve" }),
      400,
    );
    await check(
      "actOnAdvisory",
      await request(team.bob, "POST", `${path}/actions`, { action: "approve" }),
      200,
    );
  });

  it("the releases: 201, 200, 400 naming the field, 404, and a leak 201 and 400", async () => {
    const { report } = await live.t.services.reports.submit(reportFields(), [], "web");
    for (const body of [
      { action: "acknowledge" },
      { action: "assign", assignee: team.alice.email },
      { action: "start_triage" },
      { action: "set_severity", owasp: CRITICAL_OWASP },
    ])
      await live.t.services.reports.act(team.alice, report.reference, body);
    const publishAt = new Date(live.t.clock().getTime() + 72 * 3_600_000).toISOString();
    const created = await check(
      "createRelease",
      await request(team.alice, "POST", "/api/v1/releases", {
        version: "9.9.9",
        reports: [report.reference],
        publishAt,
      }),
      201,
    );
    expect(created).toMatchObject({ version: "9.9.9", track: "security", state: "planned" });
    const bad = await check(
      "createRelease",
      await request(team.alice, "POST", "/api/v1/releases", {
        version: "9.9.8",
        reports: ["EMB-2099-0001"],
        publishAt,
      }),
      400,
    );
    expect(((bad.error as Json).fields as Json).reports).toBe("No report EMB-2099-0001.");
    await check("listReleases", await request(team.viewer, "GET", "/api/v1/releases"), 200);
    await check("listReleases", await request(null, "GET", "/api/v1/releases"), 401);
    await check("getRelease", await request(team.viewer, "GET", `/api/v1/releases/${created.id}`), 200);
    await check("getRelease", await request(team.viewer, "GET", "/api/v1/releases/nope"), 404);
    await check(
      "actOnRelease",
      await request(team.alice, "POST", `/api/v1/releases/${created.id}/actions`, {
        action: "add_item",
        label: "Docs",
      }),
      200,
    );
    const refused = await check(
      "actOnRelease",
      await request(team.alice, "POST", `/api/v1/releases/${created.id}/actions`, { action: "schedule" }),
      400,
    );
    expect(((refused.error as Json).fields as Json).openItemsReason).toMatch(/^Open: /);
    await check(
      "reportLeak",
      await request(team.alice, "POST", `/api/v1/reports/${report.id}/leaks`, { note: "On a forum" }),
      201,
    );
    await check(
      "reportLeak",
      await request(team.alice, "POST", `/api/v1/reports/${report.id}/leaks`, {}),
      400,
    );
  });

  it("startVerification and getVerification: 202 with the id, 200 with the checks, 400, 403, 404", async () => {
    await live.t.services.repositories.register(team.admin.id, {
      name: "acme/verify",
      upstreamUrl: "file:///srv/git/verify.git",
    });
    const { report } = await live.t.services.reports.submit(reportFields(), [], "api");
    const body = { repository: "acme/verify", tag: "v1.0", reports: [report.reference] };
    const started = await check(
      "startVerification",
      await request(team.alice, "POST", "/api/v1/verifications", body),
      202,
    );
    const bad = await check(
      "startVerification",
      await request(team.alice, "POST", "/api/v1/verifications", { ...body, tag: "v1..0" }),
      400,
    );
    expect(((bad.error as Json).fields as Json).tag).toMatch(/\.\./);
    await check("startVerification", await request(team.viewer, "POST", "/api/v1/verifications", body), 403);
    // The job fetches an upstream that does not exist: an error, with the reason, is still a valid answer.
    await live.t.services.verifications.run(started.id as string);
    const read = await check(
      "getVerification",
      await request(team.viewer, "GET", `/api/v1/verifications/${started.id}`),
      200,
    );
    expect(read).toMatchObject({ id: started.id, status: "error", reports: [report.reference] });
    await check(
      "getVerification",
      await request(team.viewer, "GET", "/api/v1/verifications/00000000-0000-4000-8000-000000000000"),
      404,
    );
  });

  it("listReleasePrenotifications: 200 with each recipient's status, 404 for no release, 401", async () => {
    const { report } = await live.t.services.reports.submit(reportFields(), [], "api");
    const list = await live.t.services.notifications.create(team.admin.id, {
      name: "Contract downstreams",
      mode: "imminent",
      members: [{ name: "Test Member", email: "member@example.org", pgpKey: MEMBER_PUBLIC_KEY }],
    });
    const now = live.t.clock().getTime();
    const releaseId = await insertRelease(live.t, {
      version: "9.9.9",
      createdBy: team.admin.id,
      publishAt: new Date(now + 86_400_000),
      prenotifyAt: new Date(now - 60_000),
      reportIds: [report.id],
      listIds: [list.id],
    });
    const at = live.t.clock().toISOString();
    await live.t.services.prenotify.runDue({ releaseId, prenotifyAt: new Date(now - 60_000).toISOString() });
    const read = await check(
      "listReleasePrenotifications",
      await request(team.viewer, "GET", `/api/v1/releases/${releaseId}/prenotifications`),
      200,
    );
    expect(read.items).toMatchObject([
      { email: "member@example.org", kind: "notice", round: 1, status: "queued" },
    ]);
    expect((read.release as Json).prenotifiedAt).toBe(at);
    const missing = "/api/v1/releases/00000000-0000-4000-8000-000000000000/prenotifications";
    await check("listReleasePrenotifications", await request(team.viewer, "GET", missing), 404);
    await check("listReleasePrenotifications", await request(null, "GET", missing), 401);
  });

  it("the reporter's API under /api/v1/r/{token}: 200 and 201, 400 naming the field, 404, 409", async () => {
    const { report, token } = await live.t.services.reports.submit(reportFields(), [], "api");
    const base = `/api/v1/r/${token}`;
    const view = await check("getReporterView", await request(null, "GET", base), 200);
    expect(view).toMatchObject({
      reference: report.reference,
      credit: { display: "handle", line: "r3searcher" },
      // The disclosure negotiation (none yet, with its 90-day target) and the bounty (none offered).
      disclosureRequests: { entries: [] },
      bounty: { award: null, payout: null },
    });
    await check("getReporterView", await request(null, "GET", "/api/v1/r/AAAAAAAAAAAAAAAAAAAAAA"), 404);
    await check(
      "postReporterMessage",
      await request(null, "POST", `${base}/messages`, { body: "More." }),
      201,
    );
    await check("postReporterMessage", await request(null, "POST", `${base}/messages`, { body: "" }), 400);
    const credit = {
      display: "name",
      name: "Ada",
      url: "https://ada.example",
      coFinders: ["bob"],
      hallOfFame: true,
    };
    const set = await check("setReporterCredit", await request(null, "PUT", `${base}/credit`, credit), 200);
    expect(set).toMatchObject({ line: "Ada, with bob", confirmedAt: null, locked: false });
    const bad = await check(
      "setReporterCredit",
      await request(null, "PUT", `${base}/credit`, { ...credit, url: "http://ada.example" }),
      400,
    );
    expect(((bad.error as Json).fields as Json).url).toMatch(/https/);
    const confirmed = await check(
      "confirmReporterCredit",
      await request(null, "POST", `${base}/credit/confirm`),
      200,
    );
    expect(confirmed.confirmedAt).toEqual(expect.any(String));
    await check(
      "confirmReporterCredit",
      await request(null, "POST", "/api/v1/r/AAAAAAAAAAAAAAAAAAAAAA/credit/confirm"),
      404,
    );
    await check("giveReporterFeedback", await request(null, "POST", `${base}/feedback`, { rating: 5 }), 409);
    await live.t.services.reports.act(team.alice, report.id, {
      action: "reject",
      reason: "informative",
      message: "Thanks.",
    });
    await live.t.services.reports.act(team.alice, report.id, { action: "close", message: "Closing." });
    await check("giveReporterFeedback", await request(null, "POST", `${base}/feedback`, { rating: 5 }), 201);
    await check(
      "answerReporterFix",
      await request(null, "POST", `${base}/fix-answer`, { verdict: "fixes" }),
      404,
    );
    const invited = await invitedReport(live.t, team.alice);
    await check(
      "answerReporterFix",
      await request(null, "POST", `/api/v1/r/${invited.token}/fix-answer`, { verdict: "maybe" }),
      400,
    );
    await check(
      "answerReporterFix",
      await request(null, "POST", `/api/v1/r/${invited.token}/fix-answer`, {
        verdict: "fixes",
        comment: "Works.",
      }),
      201,
    );
  });

  it("disclosure and bounty operations, team and reporter: a success and an error each", async () => {
    const t = live.t;
    const grace = await makeActor(t, "admin", "Grace");
    const { report, token } = await t.services.reports.submit(reportFields(), [], "api");
    const day = (n: number) => new Date(t.clock().getTime() + n * 86_400_000).toISOString().slice(0, 10);
    const asked = await check(
      "requestDisclosure",
      await request(null, "POST", `/api/v1/r/${token}/disclosure-requests`, {
        date: day(30),
        message: "Talk",
      }),
      201,
    );
    await check(
      "requestDisclosure",
      await request(null, "POST", `/api/v1/r/${token}/disclosure-requests`, { date: "2020-01-01" }),
      409,
    );
    const answerPath = `/api/v1/reports/${report.id}/disclosure-requests/${asked.id}/answer`;
    await check(
      "answerDisclosureRequest",
      await request(team.alice, "POST", answerPath, { decision: "x" }),
      400,
    );
    await check(
      "answerDisclosureRequest",
      await request(team.alice, "POST", answerPath, { decision: "propose", date: day(40), reason: "4.2" }),
      200,
    );
    const acceptPath = `/api/v1/r/${token}/disclosure-requests/${asked.id}/accept`;
    await check("acceptDisclosureProposal", await request(null, "POST", acceptPath), 200);
    await check("acceptDisclosureProposal", await request(null, "POST", acceptPath), 409);
    const target = `/api/v1/reports/${report.id}/disclosure-target`;
    await check(
      "extendDisclosureTarget",
      await request(team.alice, "POST", target, { until: day(200) }),
      400,
    );
    await check(
      "extendDisclosureTarget",
      await request(team.alice, "POST", target, { until: day(200), reason: "Upstream" }),
      200,
    );
    const policy = { currency: "EUR", ranges: { high: { min: 100000, max: 300000 } } };
    await check("setBountyPolicy", await request(team.admin, "PUT", "/api/v1/bounty-policy", policy), 200);
    await check("setBountyPolicy", await request(team.alice, "PUT", "/api/v1/bounty-policy", policy), 403);
    const bountyPath = `/api/v1/reports/${report.id}/bounty`;
    await check(
      "proposeBounty",
      await request(team.admin, "POST", bountyPath, { amount: 5, message: "x" }),
      400,
    );
    const award = await check(
      "proposeBounty",
      await request(team.admin, "POST", bountyPath, {
        amount: 150000,
        currency: "EUR",
        message: "Thanks",
        reason: "r",
      }),
      201,
    );
    expect(award.state).toBe("proposed");
    const actions = `/api/v1/bounties/${award.id}/actions`;
    await check("actOnBounty", await request(team.admin, "POST", actions, { action: "approve" }), 409);
    await check("actOnBounty", await request(grace, "POST", actions, { action: "approve" }), 200);
    await check("actOnBounty", await request(grace, "POST", actions, { action: "offer" }), 200);
    const payout = `/api/v1/r/${token}/payout`;
    const bad = await check(
      "setPayoutDetails",
      await request(null, "PUT", payout, { method: "iban", address: "DE00" }),
      400,
    );
    expect(((bad.error as Json).fields as Json).address).toBeTruthy();
    // 204 has no body to validate against a schema: its status is checked here and recorded as seen.
    const stored = await request(null, "PUT", payout, { method: "iban", address: "DE89370400440532013000" });
    expect(stored.status).toBe(204);
    seen.get("setPayoutDetails")!.add(204);
    await check(
      "declineBounty",
      await request(null, "POST", `/api/v1/r/${"A".repeat(22)}/bounty/decline`),
      404,
    );
    await check(
      "donateBounty",
      await request(null, "POST", `/api/v1/r/${token}/bounty/donate`, { charity: "" }),
      400,
    );
    await check("acceptBounty", await request(null, "POST", `/api/v1/r/${token}/bounty/accept`), 200);
    await check("acceptBounty", await request(null, "POST", `/api/v1/r/${token}/bounty/accept`), 409);
    await check("declineBounty", await request(null, "POST", `/api/v1/r/${token}/bounty/decline`), 409);
    await check(
      "donateBounty",
      await request(null, "POST", `/api/v1/r/${token}/bounty/donate`, { charity: "FSF" }),
      409,
    );
    // A second report to show a decline and a donation succeed.
    for (const verb of ["decline", "donate"] as const) {
      const other = await t.services.reports.submit(reportFields(), [], "api");
      const a = await t.services.bounties.propose(team.admin, other.report.id, {
        amount: 150000,
        message: "m",
        reason: "r",
      });
      await t.services.bounties.act(grace, a.id, { action: "approve" });
      await t.services.bounties.act(team.admin, a.id, { action: "offer" });
      await check(
        `${verb}Bounty`,
        await request(
          null,
          "POST",
          `/api/v1/r/${other.token}/bounty/${verb}`,
          verb === "donate" ? { charity: "FSF" } : undefined,
        ),
        200,
      );
    }
  });

  it("checked a success and an error of every operation in the document", () => {
    expect([...seen.keys()].sort()).toEqual([...operations.keys()].sort());
    for (const [operationId, statuses] of seen) {
      expect(
        [...statuses].some((s) => s < 300),
        operationId,
      ).toBe(true);
      expect(
        [...statuses].some((s) => s >= 400),
        operationId,
      ).toBe(true);
    }
  });
});
