import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { createApp } from "../../http/app.tsx";

const VECTOR_HIGH = "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9";

describe.each(DB_KINDS)("team JSON API on %s", (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof createApp>;
  let team: Awaited<ReturnType<typeof makeTeam>>;

  const call = async (actor: Actor | null | string, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (actor) headers.authorization = `Bearer ${typeof actor === "string" ? actor : actor.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await app.request(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
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
    // The lifecycle walk assigns by hand and checks the refusals before anyone is assigned.
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe("authentication", () => {
    it("answers 401 with a JSON error for a missing, malformed or wrong token", async () => {
      for (const token of [null, "wrong", "emb_notarealtoken"]) {
        const res = await call(token, "GET", "/api/v1/reports");
        expect(res.status).toBe(401);
        expect(res.json.error).toMatchObject({
          code: "unauthenticated",
          message: expect.any(String),
          requestId: expect.any(String),
        });
        expect(res.headers.get("www-authenticate")).toMatch(/Bearer/);
      }
    });

    it("does not accept a session cookie or a reporter's tracking token as API auth", async () => {
      const report = await submit();
      const trackingToken = report.trackingUrl.split("/r/")[1]!;
      expect((await call(trackingToken, "GET", `/api/v1/reports/${report.id}`)).status).toBe(401);
    });

    it("stops a disabled member's token from working", async () => {
      const { makeActor } = await import("../../../test/helpers/actors.ts");
      const temp = await makeActor(t, "responder", "Temp");
      expect((await call(temp, "GET", "/api/v1/reports")).status).toBe(200);
      await t.services.team.updateMember(team.admin.id, temp.id, { active: false });
      expect((await call(temp, "GET", "/api/v1/reports")).status).toBe(401);
    });
  });

  describe("reading", () => {
    it("answers a key with a NUL or of no report's shape with 404, and a search with NUL as spaces", async () => {
      const report = await submit({ title: "NUL lookup check report" });
      for (const key of ["a%00b", `${report.reference}%00`, "EMB-2026-00%0001", "x".repeat(3000)]) {
        const res = await call(team.viewer, "GET", `/api/v1/reports/${key}`);
        expect(res.status, key).toBe(404);
      }
      const search = await call(team.viewer, "GET", "/api/v1/reports?q=NUL%00lookup&state=new");
      expect(search.status).toBe(200);
      expect(search.json.items.map((i: { id: string }) => i.id)).toContain(report.id);
      // A filter value with a NUL matches no state or severity, so it is refused like any unknown value.
      const refused = await call(team.viewer, "GET", "/api/v1/reports?state=new%00&severity=%00");
      expect(refused.status).toBe(400);
      expect(Object.keys(refused.json.error.fields).sort()).toEqual(["severity", "state"]);
    });

    it("lists reports with the contract's fields and reads one by id or reference", async () => {
      const report = await submit({ title: "Listing check report" });
      const list = await call(team.viewer, "GET", "/api/v1/reports");
      expect(list.status).toBe(200);
      const item = list.json.items.find((i: { id: string }) => i.id === report.id);
      expect(item).toMatchObject({
        id: report.id,
        reference: report.reference,
        title: "Listing check report",
        state: "new",
        severity: null,
        assignee: null,
      });
      const byId = await call(team.viewer, "GET", `/api/v1/reports/${report.id}`);
      const byRef = await call(team.viewer, "GET", `/api/v1/reports/${report.reference}`);
      expect(byId.status).toBe(200);
      expect(byRef.json.id).toBe(report.id);
      expect(byId.json.description).toMatch(/comment preview/);
      expect(JSON.stringify(byId.json)).not.toMatch(/bodyEnc|body_enc|tokenHash|v1\.[0-9a-f]{12}\./);
    });

    it("answers 404 for an unknown report and 400 for a bad filter", async () => {
      expect(
        (await call(team.viewer, "GET", "/api/v1/reports/00000000-0000-4000-8000-000000000000")).status,
      ).toBe(404);
      expect((await call(team.viewer, "GET", "/api/v1/reports/EMB-1999-9999")).status).toBe(404);
      const bad = await call(team.viewer, "GET", "/api/v1/reports?state=bogus");
      expect(bad.status).toBe(400);
      expect(bad.json.error.fields).toHaveProperty("state");
    });

    it("filters by state and severity", async () => {
      const all = await call(team.viewer, "GET", "/api/v1/reports?state=all&perPage=200");
      const newOnes = await call(team.viewer, "GET", "/api/v1/reports?state=new&perPage=200");
      expect(newOnes.json.items.every((i: { state: string }) => i.state === "new")).toBe(true);
      expect(all.json.total).toBeGreaterThanOrEqual(newOnes.json.total);
    });

    it("serves the OpenAPI document", async () => {
      const res = await app.request("/api/openapi.json");
      expect(res.status).toBe(200);
      const doc = await res.json();
      expect(doc.openapi).toBe("3.1.0");
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          "/api/v1/reports",
          "/api/v1/reports/{id}",
          "/api/v1/reports/{id}/messages",
          "/api/v1/reports/{id}/actions",
        ]),
      );
    });
  });

  describe("messages", () => {
    it("posts a reply and an internal note (201); the reporter sees only the reply", async () => {
      const report = await submit();
      const reply = await call(team.alice, "POST", `/api/v1/reports/${report.id}/messages`, {
        body: "Thanks, looking at it.",
        visibility: "reporter",
      });
      const note = await call(team.alice, "POST", `/api/v1/reports/${report.id}/messages`, {
        body: "SECRET-INTERNAL-NOTE",
        visibility: "internal",
      });
      expect(reply.status).toBe(201);
      expect(note.status).toBe(201);
      const view = await t.services.reports.reporterView(report.trackingUrl.split("/r/")[1]!);
      const bodies = view!.messages.map((m) => m.body);
      expect(bodies).toContain("Thanks, looking at it.");
      expect(JSON.stringify(view)).not.toContain("SECRET-INTERNAL-NOTE");
      const team_ = await call(team.viewer, "GET", `/api/v1/reports/${report.id}`);
      expect(team_.json.messages.map((m: { body: string }) => m.body)).toContain("SECRET-INTERNAL-NOTE");
    });

    it("refuses bad messages with 400 naming the field, viewers with 403, non-JSON with 415", async () => {
      const report = await submit();
      const bad = await call(team.alice, "POST", `/api/v1/reports/${report.id}/messages`, {
        body: "  ",
        visibility: "public",
      });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.json.error.fields)).toEqual(expect.arrayContaining(["body", "visibility"]));
      expect(
        (
          await call(team.viewer, "POST", `/api/v1/reports/${report.id}/messages`, {
            body: "x",
            visibility: "internal",
          })
        ).status,
      ).toBe(403);
      const res = await app.request(`/api/v1/reports/${report.id}/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${team.alice.token}`, "content-type": "text/plain" },
        body: "hello",
      });
      expect(res.status).toBe(415);
      const malformed = await app.request(`/api/v1/reports/${report.id}/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${team.alice.token}`, "content-type": "application/json" },
        body: "{nope",
      });
      expect(malformed.status).toBe(400);
      expect((await malformed.json()).error.code).toBe("invalid_json");
    });
  });

  describe("lifecycle", () => {
    it("walks a report from new to closed, refusing every guard on the way", async () => {
      const { id } = await submit();
      const expectState = (res: { status: number; json: { state: string } }, state: string) => {
        expect(res.status).toBe(200);
        expect(res.json.state).toBe(state);
      };
      const expectRefused = async (actor: Actor, body: Record<string, unknown>, pattern: RegExp) => {
        const res = await act(actor, id, body);
        expect(res.status).toBe(409);
        expect(res.json.error.message).toMatch(pattern);
        return res;
      };

      await expectRefused(team.alice, { action: "start_triage" }, /./);
      expectState(await act(team.alice, id, { action: "acknowledge" }), "acknowledged");
      await expectRefused(team.alice, { action: "acknowledge" }, /./);
      await expectRefused(team.alice, { action: "start_triage" }, /Response Manager/);
      expectState(
        await act(team.alice, id, { action: "assign", assignee: "alice@example.org" }),
        "acknowledged",
      );
      expectState(await act(team.alice, id, { action: "start_triage" }), "triage");
      await expectRefused(team.alice, { action: "confirm" }, /severity/i);
      const scored = await act(team.alice, id, {
        action: "set_severity",
        owasp: VECTOR_HIGH,
        reason: "remote, unauthenticated",
      });
      expect(scored.json.severity).toBe("critical");
      expect(scored.json.severityHistory[0]).toMatchObject({
        vector: VECTOR_HIGH,
        reason: "remote, unauthenticated",
        setBy: "Alice",
      });
      expectState(await act(team.alice, id, { action: "confirm" }), "confirmed");
      expectState(await act(team.alice, id, { action: "start_remediation" }), "remediation");
      await expectRefused(team.alice, { action: "verify_fix" }, /fix/i);
      expectState(
        await act(team.alice, id, {
          action: "add_fix",
          url: "https://git.example.org/security/commit/abc123",
        }),
        "remediation",
      );
      await expectRefused(team.alice, { action: "verify_fix" }, /author/i);
      await expectRefused(team.alice, { action: "release", override_reason: "x" }, /./);
      expectState(await act(team.bob, id, { action: "verify_fix" }), "fix_ready");
      await expectRefused(team.alice, { action: "release" }, /verification/i);
      // The typed claim is gone: a client still sending it is told what to send instead, and nothing changes.
      for (const verification of ["passed", "failed"]) {
        const claimed = await act(team.alice, id, { action: "release", verification });
        expect(claimed.status).toBe(400);
        expect(claimed.json.error.fields.verification).toMatch(
          /no longer accepted.*passed package verification.*POST \/api\/v1\/verifications.*override_reason/,
        );
      }
      const released = await act(team.alice, id, {
        action: "release",
        override_reason: "Packages are built by the distributor.",
      });
      expectState(released, "released");
      expect(released.json.release).toEqual({
        verification: null,
        overrideReason: "Packages are built by the distributor.",
      });
      await expectRefused(team.alice, { action: "reject", reason: "invalid", message: "too late" }, /./);
      await expectRefused(team.alice, { action: "disclose" }, /advisory/i);
      await expectRefused(team.alice, { action: "disclose", advisory_url: "javascript:alert(1)" }, /./);
      expectState(
        await act(team.alice, id, {
          action: "disclose",
          advisory_url: "https://example.org/advisories/2026-01",
        }),
        "disclosed",
      );
      const noMessage = await act(team.alice, id, { action: "close" });
      expect(noMessage.status).toBe(400);
      expect(noMessage.json.error.fields).toHaveProperty("message");
      const closed = await act(team.alice, id, {
        action: "close",
        message: "Fixed in 2.4.1 and credited as r3searcher. Thank you!",
      });
      expectState(closed, "closed");
      expect(closed.json.messages.at(-1)).toMatchObject({ kind: "final_feedback", visibility: "reporter" });
      expectState(
        await act(team.alice, id, { action: "reopen", reason: "Regression found in 2.4.2" }),
        "triage",
      );

      const verdict = await t.services.audit.verify();
      expect(verdict.ok).toBe(true);
    });

    it("rejects with a reason and a message, then closes with final feedback", async () => {
      const { id, trackingUrl } = await submit();
      const missing = await act(team.alice, id, { action: "reject", reason: "invalid" });
      expect(missing.status).toBe(400);
      const badReason = await act(team.alice, id, { action: "reject", reason: "boring", message: "x" });
      expect(badReason.status).toBe(400);
      expect(badReason.json.error.fields).toHaveProperty("reason");
      const rejected = await act(team.alice, id, {
        action: "reject",
        reason: "out_of_scope",
        message: "This host is not ours.",
      });
      expect(rejected.json).toMatchObject({ state: "rejected", rejectionReason: "out_of_scope" });
      expect(
        (await act(team.alice, id, { action: "close", message: "Closing; thanks for reporting." })).json
          .state,
      ).toBe("closed");
      const view = await t.services.reports.reporterView(trackingUrl.split("/r/")[1]!);
      expect(view!.messages.map((m) => m.body)).toEqual(
        expect.arrayContaining(["This host is not ours.", "Closing; thanks for reporting."]),
      );
    });

    it("marks a duplicate of another report and refuses a self-duplicate or an unknown original", async () => {
      const original = await submit({ title: "Original report" });
      const dupe = await submit({ title: "Duplicate report" });
      const self = await act(team.alice, dupe.id, {
        action: "mark_duplicate",
        of: dupe.reference,
        message: "dup",
      });
      expect(self.status).toBe(409);
      const unknown = await act(team.alice, dupe.id, {
        action: "mark_duplicate",
        of: "EMB-1999-0001",
        message: "dup",
      });
      expect(unknown.status).toBe(400);
      expect(unknown.json.error.fields).toHaveProperty("of");
      const marked = await act(team.alice, dupe.id, {
        action: "mark_duplicate",
        of: original.reference,
        message: "Already reported.",
      });
      expect(marked.json).toMatchObject({
        state: "rejected",
        rejectionReason: "duplicate",
        duplicateOf: { id: original.id, reference: original.reference },
      });
    });

    it("refuses unknown actions and bad parameters with 400, viewers with 403, unknown reports with 404", async () => {
      const { id } = await submit();
      const unknown = await act(team.alice, id, { action: "explode" });
      expect(unknown.status).toBe(400);
      expect(unknown.json.error.message).toMatch(/Unknown action/);
      const badAssignee = await act(team.alice, id, { action: "assign", assignee: "nobody@example.org" });
      expect(badAssignee.status).toBe(400);
      expect(badAssignee.json.error.fields).toHaveProperty("assignee");
      const viewerAssignee = await act(team.alice, id, { action: "assign", assignee: team.viewer.email });
      expect(viewerAssignee.status).toBe(400);
      const badVector = await act(team.alice, id, {
        action: "set_severity",
        owasp: "SL:1/M:1/O:1/S:1/ED:1/EE:1/A:1/ID:1/LC:1/LI:1/LAV:1/LAC:1/FD:1/RD:1/NC:1/PV:10",
      });
      expect(badVector.status).toBe(400);
      expect(badVector.json.error.fields.owasp).toMatch(/PV/);
      expect((await act(team.viewer, id, { action: "acknowledge" })).status).toBe(403);
      expect(
        (await act(team.alice, "00000000-0000-4000-8000-000000000000", { action: "acknowledge" })).status,
      ).toBe(404);
      const arrayBody = await app.request(`/api/v1/reports/${id}/actions`, {
        method: "POST",
        headers: { authorization: `Bearer ${team.alice.token}`, "content-type": "application/json" },
        body: "[1,2]",
      });
      expect(arrayBody.status).toBe(400);
      // nothing above changed the report
      const after = await call(team.alice, "GET", `/api/v1/reports/${id}`);
      expect(after.json).toMatchObject({ state: "new", severity: null, assignee: null });
    });

    it("uses technical impact when the org setting says so", async () => {
      const { id } = await submit();
      const org = await t.services.settings.org();
      await t.services.settings.updateOrg(team.admin.id, { ...org, severityImpact: "technical" });
      // likelihood MEDIUM, technical HIGH, business LOW (the OWASP page's worked example)
      const vector = "SL:5/M:2/O:7/S:1/ED:3/EE:6/A:9/ID:2/LC:9/LI:7/LAV:5/LAC:8/FD:1/RD:2/NC:1/PV:5";
      expect((await act(team.alice, id, { action: "set_severity", owasp: vector })).json.severity).toBe(
        "high",
      );
      await t.services.settings.updateOrg(team.admin.id, { ...org, severityImpact: "business" });
      expect(
        (await act(team.alice, id, { action: "set_severity", owasp: vector, reason: "business view" })).json
          .severity,
      ).toBe("low");
    });

    it("serialises concurrent actions on one report", async () => {
      const { id } = await submit();
      const results = await Promise.all([
        act(team.alice, id, { action: "acknowledge" }),
        act(team.bob, id, { action: "acknowledge" }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    });
  });
});
