import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, type makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  type Fields,
  follow,
  get,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";

const CRITICAL_31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"; // 9.8
const NONE_31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"; // 0.0
const CRITICAL_40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"; // 9.3
const OWASP_HIGH = "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9"; // critical

/** The metric selects of a vector, as the calculator posts them. */
function metricFields(vector: string): Record<string, string> {
  const [prefix, ...parts] = vector.split("/");
  const fields: Record<string, string> = { cvss_version: prefix!.slice("CVSS:".length) };
  for (const part of parts) {
    const [code, value] = part.split(":");
    fields[`m_${code}`] = value!;
  }
  return fields;
}

describe.each(DB_KINDS)("CVSS severity on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let alice: Session;
  let viewer: Session;
  let admin: Session;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ team, alice, viewer, admin } = await signedInTeam(app, t));
  });
  afterAll(async () => {
    await t?.close();
  });

  const setSource = async (source: "owasp" | "cvss") => {
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, severitySource: source });
  };
  const submit = async () => (await t.services.reports.submit(reportFields(), [], "api")).report.reference;
  const view = (ref: string) => t.services.reports.teamView(ref);
  const api = async (actor: Actor, ref: string, body: Record<string, unknown>) => {
    const res = await app.request(`/api/v1/reports/${ref}/actions`, {
      method: "POST",
      headers: { authorization: `Bearer ${actor.token}`, "content-type": "application/json" },
      body: JSON.stringify({ action: "set_severity", ...body }),
    });
    return { status: res.status, json: await res.json() };
  };
  const form = (session: Session, ref: string, fields: Fields) =>
    post(app, `/reports/${ref}/actions`, session, { action: "set_severity", method: "cvss", ...fields });
  // Scores stored in one clock tick would tie on their time; each step moves the clock on.
  const tick = () => t.clock.advance(60_000);

  describe("JSON API", () => {
    it("records a CVSS score in canonical form; with the default source it does not change the severity", async () => {
      await setSource("owasp");
      const ref = await submit();
      const res = await api(team.alice, ref, {
        // Any metric order is valid in 3.x, and Not Defined metrics are dropped from the stored vector.
        cvss: "CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:X",
        reason: "remote code execution",
      });
      expect(res.status).toBe(200);
      expect(res.json.severity).toBeNull();
      expect(res.json.severityHistory).toHaveLength(1);
      expect(res.json.severityHistory[0]).toMatchObject({
        method: "cvss",
        vector: CRITICAL_31,
        severity: "critical",
        score: 9.8,
        version: "3.1",
        setsReportSeverity: false,
        reason: "remote code execution",
        setBy: "Alice",
      });
      const v = await view(ref);
      expect(v.timeline.at(-1)?.text).toContain("the report's severity is unchanged");
      tick();
      // An OWASP score still sets it.
      const owasp = await api(team.alice, ref, { owasp: OWASP_HIGH, reason: "OWASP view" });
      expect(owasp.json.severity).toBe("critical");
      expect(owasp.json.severityHistory[0]).toMatchObject({ method: "owasp", setsReportSeverity: true });
    });

    it("sets the severity from CVSS when the organisation says so, maps None to note, and keeps OWASP as a record", async () => {
      await setSource("cvss");
      try {
        const ref = await submit();
        const none = await api(team.alice, ref, { cvss: NONE_31, reason: "no impact" });
        expect(none.status).toBe(200);
        expect(none.json.severity).toBe("note");
        expect(none.json.severityHistory[0]).toMatchObject({
          severity: "note",
          score: 0,
          setsReportSeverity: true,
        });
        tick();
        const v4 = await api(team.alice, ref, { cvss: CRITICAL_40 });
        expect(v4.json.severity).toBe("critical");
        expect(v4.json.severityHistory[0]).toMatchObject({ version: "4.0", score: 9.3, vector: CRITICAL_40 });
        tick();
        const owasp = await api(team.alice, ref, {
          owasp: "SL:1/M:1/O:1/S:1/ED:1/EE:1/A:1/ID:1/LC:1/LI:1/LAV:1/LAC:1/FD:1/RD:1/NC:1/PV:1",
        });
        expect(owasp.status).toBe(200);
        expect(owasp.json.severity).toBe("critical");
        expect(owasp.json.severityHistory[0]).toMatchObject({ method: "owasp", setsReportSeverity: false });
        expect(owasp.json.severityHistory).toHaveLength(3);
        // The temporal score is the most specific one a 3.1 vector with temporal metrics gives.
        tick();
        const temporal = await api(team.alice, ref, { cvss: `${CRITICAL_31}/E:U/RL:O/RC:C` });
        expect(temporal.json.severity).toBe("high");
        expect(temporal.json.severityHistory[0]).toMatchObject({ score: 8.5 });
      } finally {
        await setSource("owasp");
      }
    });

    it("rejects malformed vectors with a 400 naming the problem, and stores nothing", async () => {
      await setSource("cvss");
      try {
        const ref = await submit();
        const cases: Array<[unknown, RegExp]> = [
          ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", /metric "A" is missing/],
          ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H", /duplicated metric "A"/],
          ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q", /metric "A" has invalid value "Q"/],
          ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:1", /unknown metric "XX"/],
          ["CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", /metric "AC" is out of order/],
          ["CVSS:2.0/AV:N", /unsupported CVSS version/],
          ["AV:N/AC:L", /missing "CVSS:" prefix/],
          ["cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", /prefixes are case-sensitive/],
          ["", /CVSS vector is empty/],
        ];
        for (const [vector, message] of cases) {
          const res = await api(team.alice, ref, { cvss: vector });
          expect(res.status, String(vector)).toBe(400);
          expect(res.json.error.message).toMatch(message);
          expect(res.json.error.fields.cvss).toMatch(message);
        }
        const both = await api(team.alice, ref, { cvss: CRITICAL_31, owasp: OWASP_HIGH });
        expect(both.status).toBe(400);
        expect(both.json.error.message).toMatch(/not both/);
        const neither = await api(team.alice, ref, { reason: "nothing" });
        expect(neither.status).toBe(400);
        expect(neither.json.error.fields).toHaveProperty("cvss");
        const notText = await api(team.alice, ref, { cvss: 9.8 });
        expect(notText.status).toBe(400);
        const after = await view(ref);
        expect(after.severity).toBeNull();
        expect(after.severityHistory).toHaveLength(0);
        expect(after.timeline.some((e) => e.action === "report.set_severity")).toBe(false);
      } finally {
        await setSource("owasp");
      }
    });

    it("keeps the workflow guards: no score on a rejected report, no confirm from a recorded-only score", async () => {
      await setSource("owasp");
      const ref = await submit();
      for (const action of [
        { action: "acknowledge" },
        { action: "assign", assignee: team.alice.email },
        { action: "start_triage" },
      ]) {
        await t.services.reports.act(team.alice, ref, action);
      }
      expect((await api(team.alice, ref, { cvss: CRITICAL_31 })).status).toBe(200);
      await expect(t.services.reports.act(team.alice, ref, { action: "confirm" })).rejects.toMatchObject({
        status: 409,
      });
      await t.services.reports.act(team.alice, ref, { action: "reject", reason: "spam" });
      const refused = await api(team.alice, ref, { cvss: CRITICAL_40 });
      expect(refused.status).toBe(409);
      expect((await view(ref)).severityHistory).toHaveLength(1);
      const res = await app.request(`/api/v1/reports/${ref}/actions`, {
        method: "POST",
        headers: { authorization: `Bearer ${team.viewer.token}`, "content-type": "application/json" },
        body: JSON.stringify({ action: "set_severity", cvss: CRITICAL_31 }),
      });
      expect(res.status).toBe(403);
    });
  });

  describe("report page calculator", () => {
    it("renders a select per 3.1 base metric with live-preview attributes and a vector field", async () => {
      const ref = await submit();
      const res = await get(app, `/reports/${ref}`, alice);
      const html = await res.text();
      expect(html).toContain('id="cvss-calc"');
      for (const code of ["AV", "AC", "PR", "UI", "S", "C", "I", "A"]) {
        expect(html).toContain(`<select id="cvss-m_${code}" name="m_${code}"`);
      }
      expect(html).toContain(`hx-get="/reports/${ref}/cvss-calc"`);
      expect(html).toContain('hx-target="#cvss-live"');
      expect(html).toContain('name="cvss"');
      expect(html).toContain('<option value="4.0">CVSS 4.0</option>');
      expect(html).toContain('name="intent" value="preview"');
      expect(html).toContain('name="intent" value="save"');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
      expect(html).not.toMatch(/\sstyle="/);
    });

    it("previews the score after submit without saving, and names each metric still missing", async () => {
      const ref = await submit();
      const preview = await form(alice, ref, { intent: "preview", ...metricFields(CRITICAL_31) });
      expect(preview.status).toBe(303);
      const html = await (await follow(app, preview, alice)).text();
      expect(html).toContain('data-cvss-score="9.8"');
      // The vector may wrap after each slash (<wbr>), never inside a metric.
      expect(html.replaceAll("<wbr/>", "")).toContain(`<code class="cvss-vector">${CRITICAL_31}</code>`);
      expect(html).toContain('<span class="badge sev-critical">Critical</span>');
      expect(html).toContain(`value="${CRITICAL_31}"`);
      expect(html).toMatch(/<details class="action cvss" id="cvss" open="">/);
      expect(unescapeHtml(html)).toContain("does not change the report's severity");

      const partial = metricFields(CRITICAL_31);
      delete partial.m_AV;
      partial.m_C = "Z";
      const missing = await form(alice, ref, { intent: "preview", ...partial, reason: "typed reason" });
      expect(missing.status).toBe(303);
      const bad = await (await follow(app, missing, alice)).text();
      expect(bad).toContain('id="cvss-m_AV-error"');
      expect(bad).toContain("Choose a value for Attack Vector (AV).");
      expect(bad).toContain("Confidentiality (C) must be one of H, L, N in CVSS 3.1.");
      expect(bad).toMatch(
        /<select id="cvss-m_AC" name="m_AC"[^>]*>(?:(?!<\/select>).)*<option value="L" selected="">/s,
      );
      expect(bad).toContain(">typed reason</textarea>");
      expect((await view(ref)).severityHistory).toHaveLength(0);
    });

    it("fills the selects from a pasted vector, and refuses a malformed one at the field, keeping it", async () => {
      const ref = await submit();
      const pasted = await form(alice, ref, { intent: "preview", cvss: CRITICAL_40, cvss_version: "3.1" });
      expect(pasted.status).toBe(303);
      const html = await (await follow(app, pasted, alice)).text();
      expect(html).toContain('<option value="4.0" selected="">CVSS 4.0</option>');
      expect(html).toMatch(
        /<select id="cvss-m_VC" name="m_VC"[^>]*>(?:(?!<\/select>).)*<option value="H" selected="">/s,
      );
      expect(html).toContain('data-cvss-score="9.3"');

      const broken = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N";
      const refused = await form(alice, ref, { intent: "save", cvss: broken, reason: "kept" });
      expect(refused.status).toBe(303);
      const text = unescapeHtml(await (await follow(app, refused, alice)).text());
      expect(text).toContain('Invalid CVSS vector: CVSS 4.0: metric "SA" is missing.');
      expect(text).toContain('id="cvss-vector-error"');
      expect(text).toContain(`value="${broken}"`);
      expect(text).toContain(">kept</textarea>");
      expect((await view(ref)).severityHistory).toHaveLength(0);
    });

    it("saves with a reason, says plainly when the score did not change the severity, and lists the history", async () => {
      await setSource("owasp");
      const ref = await submit();
      const saved = await form(alice, ref, {
        intent: "save",
        ...metricFields(CRITICAL_31),
        reason: "network RCE",
      });
      expect(saved.status).toBe(303);
      expect(saved.headers.get("location")).toBe(`/reports/${ref}?done=cvss_recorded#severity`);
      expect((await view(ref)).severity).toBeNull();
      tick();
      await setSource("cvss");
      try {
        const again = await form(alice, ref, {
          intent: "save",
          cvss: CRITICAL_40,
          reason: "re-scored in 4.0",
        });
        expect(again.status).toBe(303);
        expect(again.headers.get("location")).toBe(`/reports/${ref}?done=set_severity#severity`);
        expect((await view(ref)).severity).toBe("critical");
        tick();
        const owasp = await post(app, `/reports/${ref}/actions`, alice, {
          action: "set_severity",
          owasp: OWASP_HIGH.replace("SL:9", "SL:1"),
          reason: "OWASP for the record",
        });
        expect(owasp.status).toBe(303);
        expect(owasp.headers.get("location")).toBe(`/reports/${ref}?done=owasp_recorded#actions`);

        const page = unescapeHtml(
          await (await get(app, `/reports/${ref}?done=owasp_recorded`, viewer)).text(),
        );
        expect(page).toContain(
          "It did not change the report's severity, because the organisation takes severity from CVSS.",
        );
        expect(page).toContain("Severity comes from <strong>CVSS</strong> (organisation setting).");
        const from = page.indexOf('class="severity-history');
        const history = page.slice(from, page.indexOf("</ol>", from));
        const items = history.replaceAll("<wbr/>", "").split("<li").slice(1);
        expect(items).toHaveLength(3);
        expect(items[0]).toContain("OWASP Risk Rating");
        expect(items[0]).toContain(
          "Recorded only: this score did not change the report's severity, because the organisation takes severity from CVSS.",
        );
        expect(items[0]).toContain("Why: OWASP for the record");
        expect(items[1]).toContain('CVSS</span><span class="muted small"> 4.0</span>');
        expect(items[1]).toContain("9.3");
        expect(items[1]).toContain(CRITICAL_40);
        expect(items[1]).toContain("by Alice");
        expect(items[1]).toContain("Why: re-scored in 4.0");
        expect(items[1]).not.toContain("Recorded only");
        expect(items[2]).toContain(CRITICAL_31);
        expect(items[2]).toContain("9.8");
        expect(items[2]).toContain(
          "Recorded only: this score did not change the report's severity, because the organisation takes severity from OWASP Risk Rating.",
        );
        expect(items[2]).toMatch(/<time datetime="[^"]+">/);
        // The current CVSS score is shown next to the OWASP rating, and the calculator starts from it.
        expect(page).toContain("Current CVSS score");
        const asAlice = await (await get(app, `/reports/${ref}`, alice)).text();
        expect(asAlice).toContain(`name="cvss_loaded" value="${CRITICAL_40}"`);
        // The OWASP form says plainly that its rating would not change the severity.
        expect(unescapeHtml(asAlice)).toContain(
          "An OWASP rating is kept in the severity history but does not change the report's severity.",
        );
        expect(asAlice).toMatch(
          /<select id="cvss-m_AT" name="m_AT"[^>]*>(?:(?!<\/select>).)*<option value="N" selected="">/s,
        );
      } finally {
        await setSource("owasp");
      }
    });

    it("answers the live preview with a fragment that follows the version and keeps compatible choices", async () => {
      const ref = await submit();
      const query = new URLSearchParams({
        ...metricFields(CRITICAL_31),
        cvss: CRITICAL_31,
        cvss_loaded: CRITICAL_31,
      });
      const res = await get(app, `/reports/${ref}/cvss-calc?${query}`, viewer);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).not.toContain("<html");
      expect(html).toContain('data-cvss-score="9.8"');
      query.set("cvss_version", "4.0");
      const switched = await (await get(app, `/reports/${ref}/cvss-calc?${query}`, viewer)).text();
      expect(switched).toMatch(
        /<select id="cvss-m_AV" name="m_AV"[^>]*>(?:(?!<\/select>).)*<option value="N" selected="">/s,
      );
      expect(switched).toContain('<select id="cvss-m_VC" name="m_VC"');
      expect(switched).not.toContain("data-cvss-score");
      expect(switched).toContain("to see the score (7 to go)");
      // Live previews do not shout about metrics not chosen yet.
      expect(switched).not.toContain("field-error");
      const pasted = new URLSearchParams({ cvss: "CVSS:3.1/AV:N", cvss_loaded: "" });
      const bad = unescapeHtml(await (await get(app, `/reports/${ref}/cvss-calc?${pasted}`, viewer)).text());
      expect(bad).toContain('Invalid CVSS vector: CVSS 3.1: metric "AC" is missing.');
      expect((await get(app, `/reports/${ref}/cvss-calc?${query}`, null)).status).not.toBe(200);
    });

    it("refuses the calculator to viewers", async () => {
      const ref = await submit();
      const res = await form(viewer, ref, { intent: "save", ...metricFields(CRITICAL_31) });
      expect(res.status).toBe(403);
      expect((await view(ref)).severityHistory).toHaveLength(0);
    });
  });

  describe("admin setting", () => {
    it("edits severitySource on /admin/settings and refuses an unknown value", async () => {
      const page = await (await get(app, "/admin/settings", admin)).text();
      expect(page).toContain('name="severitySource" value="owasp" checked=""');
      const org = await t.services.settings.org();
      const fields = {
        name: org.name,
        securityEmail: org.securityEmail,
        preferredLanguages: org.preferredLanguages,
        policyMarkdown: org.policyMarkdown,
        safeHarborMarkdown: org.safeHarborMarkdown,
        severityImpact: org.severityImpact,
      };
      const saved = await post(app, "/admin/settings", admin, { ...fields, severitySource: "cvss" });
      expect(saved.status).toBe(303);
      expect((await t.services.settings.org()).severitySource).toBe("cvss");
      expect(await (await get(app, "/admin/settings", admin)).text()).toContain(
        'name="severitySource" value="cvss" checked=""',
      );
      const bad = await post(app, "/admin/settings", admin, { ...fields, severitySource: "dice" });
      expect(bad.status).toBe(303);
      expect(await (await follow(app, bad, admin)).text()).toContain("Choose OWASP Risk Rating or CVSS.");
      expect((await t.services.settings.org()).severitySource).toBe("cvss");
      await setSource("owasp");
    });
  });
});
