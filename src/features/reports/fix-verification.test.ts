import { and, eq } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeActor, makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { type FixRepoFixture, makeFixRepo } from "../../../test/helpers/fix-repo.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { transaction } from "../../core/db.ts";
import { auditEvents, fixVerifications } from "../../db/schema.ts";
import { createApp } from "../../http/app.tsx";
import { reportSchema } from "./reports-api.schema.ts";

type Json = Record<string, unknown>;

describe.each(DB_KINDS)("verifying pushed fixes on %s", (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof createApp>;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let carol: Actor;
  let dave: Actor;
  let report: { id: string; reference: string; trackingUrl: string };
  let repo: FixRepoFixture;

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
    return { status: res.status, json: (text ? JSON.parse(text) : null) as Json & { error?: Json } };
  };
  const act = (actor: Actor, body: Json) => call(actor, "POST", `/api/v1/reports/${report.id}/actions`, body);
  const read = async () => (await call(team.admin, "GET", `/api/v1/reports/${report.id}`)).json;
  const fixesOf = async () => (await read()).fixes as Json[];
  const verificationCount = async () => (await t.database.db.select().from(fixVerifications)).length;
  const events = (action: string) =>
    t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, action), eq(auditEvents.reportId, report.id)));
  const reassess = () =>
    transaction(t.services.db, (tx) => t.services.reports.reassessFixReadyInTx(tx, report.id));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await raiseIntakeLimits(t);
    app = createApp(t.services, pino({ level: "silent" }));
    team = await makeTeam(t);
    carol = await makeActor(t, "responder", "Carol");
    dave = await makeActor(t, "responder", "Dave");
    const submitted = await call(null, "POST", "/api/v1/reports", reportFields());
    expect(submitted.status).toBe(201);
    report = submitted.json as unknown as typeof report;
    for (const step of [
      { action: "acknowledge" },
      { action: "assign", assignee: team.alice.email },
      { action: "start_triage" },
      {
        action: "set_severity",
        owasp: "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9",
      },
      { action: "confirm" },
      { action: "start_remediation" },
    ]) {
      expect((await act(team.alice, step)).status).toBe(200);
    }
    repo = await makeFixRepo(t, {
      reportId: report.id,
      reference: report.reference,
      createdBy: team.alice.id,
      base: { "src/parse.c": "char buf[8];\nint parse() { return gets(buf) != 0; }\n" },
    });
  });
  afterAll(async () => {
    repo?.cleanup();
    await t?.close();
  });

  let c1: string;
  let c2: string;
  let c3: string;

  it("lists a pushed commit in the report's JSON with its SHA, subject, git author and pusher", async () => {
    c1 = await repo.push({
      files: { "src/parse.c": "char buf[8];\nint parse() { return fgets(buf, 8, stdin) != 0; }\n" },
      subject: "parse: read with a bound",
      pushedBy: team.alice.id,
    });
    const [fix] = await fixesOf();
    expect(fix).toMatchObject({
      kind: "commit",
      sha: c1,
      url: null,
      branch: `fix/${report.reference}`,
      subject: "parse: read with a bound",
      author: "ada@example.org",
      gitAuthor: "Ada <ada@example.org>",
      pushedBy: team.alice.email,
      verifiedBy: null,
      verifiedSha: null,
      stale: false,
      verifications: [],
    });
  });

  it("refuses the pusher with a 409 that says why, and stores nothing", async () => {
    const res = await act(team.alice, { action: "verify_fix", fix: c1 });
    expect(res.status).toBe(409);
    expect(res.json.error?.message).toBe(
      "You pushed this commit, so you cannot verify it; another team member must.",
    );
    expect(await verificationCount()).toBe(0);
  });

  it("refuses the commit's git author, matched to a member by email whatever its case", async () => {
    c2 = await repo.push({
      files: { "tests/parse.t": "long input is cut\n" },
      subject: "tests: long input",
      author: { name: "Carol at home", email: "Carol@Example.ORG" },
      pushedBy: team.bob.id,
    });
    const res = await act(carol, { action: "verify_fix", fix: c2 });
    expect(res.status).toBe(409);
    expect(res.json.error?.message).toBe(
      "You are this commit's git author, so you cannot verify it; another team member must.",
    );
  });

  it("refuses a commit that is no longer the head, naming the head to verify", async () => {
    const res = await act(dave, { action: "verify_fix", fix: c1 });
    expect(res.status).toBe(409);
    expect(res.json.error?.message).toContain(`the branch has moved on to ${c2.slice(0, 7)}`);
    expect(res.json.error?.message).toContain(`verify ${c2} instead`);
  });

  it("refuses whoever pushed an earlier commit the head includes, and names no fix it cannot find", async () => {
    expect((await act(team.alice, { action: "verify_fix", fix: c2 })).json.error?.message).toContain(
      "You pushed or wrote commits on",
    );
    const unknown = await act(dave, { action: "verify_fix", fix: c2.slice(0, 12) });
    expect(unknown.status).toBe(409);
    expect(unknown.json.error?.message).toBe(
      "That fix does not belong to this report; choose one of its fixes.",
    );
    const wrongType = await act(dave, { action: "verify_fix", fix: 42 });
    expect(wrongType.status).toBe(400);
    expect(await verificationCount()).toBe(0);
    expect((await read()).state).toBe("remediation");
  });

  it("lets a second member verify the head by SHA: fix_ready, bound to that SHA, on the timeline", async () => {
    const res = await act(dave, { action: "verify_fix", fix: c2.toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.json.state).toBe("fix_ready");
    const head = (res.json.fixes as Json[]).find((f) => f.sha === c2);
    expect(head).toMatchObject({ verifiedBy: dave.email, verifiedSha: c2, stale: false });
    expect(head?.verifications).toEqual([{ verifier: dave.email, sha: c2, at: expect.any(String) }]);
    const [event] = await events("report.verify_fix");
    expect(event?.data).toMatchObject({
      from: "remediation",
      to: "fix_ready",
      sha: c2,
      branch: `fix/${report.reference}`,
    });
    const view = await t.services.reports.teamView(report.id);
    expect(view.timeline.at(-1)?.text).toBe(
      `Commit ${c2} (head of fix/${report.reference}) verified internally; state is now Fix ready.`,
    );
  });

  it("keeps fix_ready while the head is still the verified SHA", async () => {
    expect(await reassess()).toMatchObject({ state: "fix_ready", returnedToRemediation: false });
    expect(await events("report.fix_verification_stale")).toHaveLength(0);
  });

  it("marks the verification stale when the branch moves, and refuses release until the head is verified", async () => {
    c3 = await repo.push({
      files: { "src/parse.c": "char buf[8];\nint parse() { return fgets(buf, sizeof buf, stdin) != 0; }\n" },
      subject: "parse: sizeof, not 8",
      pushedBy: team.bob.id,
    });
    const head = (await fixesOf()).find((f) => f.sha === c2);
    expect(head).toMatchObject({ verifiedSha: c2, stale: true });
    const release = await act(team.alice, { action: "release", override_reason: "Shipped by hand" });
    expect(release.status).toBe(409);
    expect(release.json.error?.message).toBe(
      `Cannot release yet. The fix branch fix/${report.reference} moved to ${c3.slice(0, 7)} after ${c2.slice(0, 7)} was verified; a second member must verify its current head.`,
    );
    expect((await read()).state).toBe("fix_ready");
  });

  it("returns the report to remediation on reassessment, with an audit event and a timeline line", async () => {
    expect(await reassess()).toMatchObject({ state: "remediation", returnedToRemediation: true });
    expect((await read()).state).toBe("remediation");
    const [event] = await events("report.fix_verification_stale");
    expect(event).toMatchObject({ actorType: "system" });
    expect(event?.data).toMatchObject({
      from: "fix_ready",
      to: "remediation",
      branches: [{ branch: `fix/${report.reference}`, head: c3 }],
    });
    const view = await t.services.reports.teamView(report.id);
    // The reporter's page says the fix is being verified again, and nothing about branches or people.
    const reporter = await t.services.reports.reporterView(report.trackingUrl.split("/r/")[1]!);
    expect(reporter?.timeline.at(-1)?.text).toBe("The fix changed and is being verified again");
    expect(view.timeline.at(-1)?.text).toContain("The verification went stale: The fix branch");
    expect(view.timeline.at(-1)?.text).toContain("Back in Remediation until then.");
    expect(view.availableActions).not.toContain("release");
  });

  it("is fix_ready again once a second member verifies the new head by id", async () => {
    const headId = (await fixesOf()).find((f) => f.sha === c3)?.id;
    const res = await act(dave, { action: "verify_fix", fix: headId });
    expect(res.status).toBe(200);
    expect(res.json.state).toBe("fix_ready");
    expect((res.json.fixes as Json[]).find((f) => f.sha === c3)).toMatchObject({
      verifiedSha: c3,
      stale: false,
    });
    // The answer is what the OpenAPI document promises, stale and all.
    expect(reportSchema.safeParse(res.json).error).toBeUndefined();
    expect(await verificationCount()).toBe(2);
  });

  it("goes stale again after a force-push back to an older commit", async () => {
    await repo.forcePush(c2, team.bob.id);
    // c2's verification was of c2, so it counts again: the head is a SHA someone verified.
    expect(await reassess()).toMatchObject({ state: "fix_ready", returnedToRemediation: false });
    await repo.forcePush(c1, team.bob.id);
    expect(await reassess()).toMatchObject({ state: "remediation", returnedToRemediation: true });
  });

  it("404s a reassessment of a report that does not exist", async () => {
    await expect(
      transaction(t.services.db, (tx) =>
        t.services.reports.reassessFixReadyInTx(tx, "00000000-0000-4000-8000-000000000000"),
      ),
    ).rejects.toMatchObject({ status: 404 });
  });
});
