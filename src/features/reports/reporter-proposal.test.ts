import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import { auditEvents } from "../../db/schema.ts";
import { ADOPTED_REASON } from "./reporter-proposal.pages.tsx";

const PROPOSED = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N";
const CANONICAL = PROPOSED; // already in the specification's order
const TEAM_VECTOR = "CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:L/I:L/A:N";

describe.each(DB_KINDS)(
  "the reporter's CVSS proposal on the team's page, and severity on the tracking page, on %s",
  (kind) => {
    let t: TestDb;
    let app: App;
    let admin: Session;
    let alice: Session;
    let viewer: Session;
    let team: Awaited<ReturnType<typeof signedInTeam>>["team"];

    const submit = async (overrides: Record<string, unknown> = {}) => {
      const result = await t.services.reports.submit(reportFields(overrides), [], "api");
      return { reference: result.report.reference, id: result.report.id, token: result.token };
    };
    const reportPage = async (reference: string, session: Session) =>
      unescapeHtml(await (await get(app, `/reports/${reference}`, session)).text());
    const trackingPage = async (token: string) =>
      unescapeHtml(await (await app.request(`/r/${token}`)).text());
    const setSharing = async (value: "true" | "false") => {
      const org = await t.services.settings.org();
      await t.services.settings.updateOrg(team.admin.id, { ...org, shareSeverityWithReporters: value });
    };

    beforeAll(async () => {
      t = await createTestDb(kind);
      app = appFor(t);
      ({ admin, alice, viewer, team } = await signedInTeam(app, t));
      const org = await t.services.settings.org();
      await t.services.settings.updateOrg(team.admin.id, { ...org, severitySource: "cvss" });
    });
    afterAll(async () => {
      await t?.close();
    });

    it("shows the proposal beside the team's score, labelled as the reporter's, with its score and the versions", async () => {
      const r = await submit({ cvss: PROPOSED, affectedVersions: ["1.4.0", "< 1.5.2"] });
      await t.services.reports.act(team.alice, r.id, {
        action: "set_severity",
        cvss: TEAM_VECTOR,
        reason: "Ours",
      });
      const html = await reportPage(r.reference, alice);
      const panel = html.slice(html.indexOf('id="severity"'), html.indexOf("<h3>History</h3>"));
      expect(panel).toContain("Current CVSS score");
      expect(panel).toContain("<h3>Proposed by the reporter</h3>");
      expect(panel).toContain("not the team’s score");
      expect(panel).toMatch(/Reporter’s CVSS 3\.1: <\/span><strong class="cvss-score">8\.2<\/strong>/);
      expect(panel).toContain(CANONICAL);
      expect(panel).toContain('<code class="break">< 1.5.2</code>');
      expect(panel).toContain(`action="/reports/${r.reference}/adopt-cvss"`);
      expect(panel).toContain("Adopt the reporter’s CVSS vector");
      // A viewer sees the proposal but is offered no button.
      const readOnly = await reportPage(r.reference, viewer);
      expect(readOnly).toContain("<h3>Proposed by the reporter</h3>");
      expect(readOnly).not.toContain("/adopt-cvss");
    });

    it("adopts the proposal in one click through set_severity: scored, in the history, audited, and then marked adopted", async () => {
      const r = await submit({ cvss: PROPOSED });
      const res = await post(app, `/reports/${r.reference}/adopt-cvss`, alice, {});
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(`/reports/${r.reference}?done=set_severity#severity`);
      const view = await t.services.reports.teamView(r.reference);
      expect(view.severity).toBe("high");
      expect(view.severityHistory[0]).toMatchObject({
        method: "cvss",
        vector: CANONICAL,
        reason: ADOPTED_REASON,
      });
      const events = await t.services.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.reportId, r.id), eq(auditEvents.action, "report.set_severity")));
      expect(events).toHaveLength(1);
      expect(events[0]!.actorId).toBe(team.alice.id);
      expect(JSON.stringify(events[0]!.data)).toContain(ADOPTED_REASON);
      const html = await reportPage(r.reference, alice);
      expect(html).toContain("This is the team’s current CVSS vector.");
      expect(html).not.toContain(`action="/reports/${r.reference}/adopt-cvss"`);
    });

    it("refuses adoption without a proposal (409), to a viewer (403), and without the CSRF token, changing nothing", async () => {
      const plain = await submit();
      const none = await post(app, `/reports/${plain.reference}/adopt-cvss`, alice, {});
      expect(none.status).toBe(409);
      expect(await none.text()).toContain("proposed no CVSS vector");
      const proposed = await submit({ cvss: PROPOSED });
      expect((await post(app, `/reports/${proposed.reference}/adopt-cvss`, viewer, {})).status).toBe(403);
      const forged = await post(app, `/reports/${proposed.reference}/adopt-cvss`, admin, {}, { csrf: null });
      expect(forged.status).toBe(403);
      for (const ref of [plain.reference, proposed.reference]) {
        expect((await t.services.reports.teamView(ref)).severityHistory).toEqual([]);
      }
    });

    it("shows the reporter the severity with its score and vector once set, and nothing while the setting is off", async () => {
      const r = await submit({ cvss: PROPOSED });
      let html = await trackingPage(r.token);
      expect(html).not.toContain("Our severity assessment");
      expect(html).not.toMatch(/Severity: /);

      await t.services.reports.act(team.alice, r.id, {
        action: "set_severity",
        cvss: TEAM_VECTOR,
        reason: "Internal",
      });
      html = await trackingPage(r.token);
      const card = html.slice(html.indexOf('id="severity"'), html.indexOf("Our commitments"));
      expect(card).toContain("Our severity assessment");
      expect(card).toMatch(
        /<span class="badge sev-medium">Medium<\/span> <strong class="shared-score">4\.2<\/strong>/,
      );
      expect(card).toContain("CVSS 3.1");
      expect(card).toContain(TEAM_VECTOR);
      expect(html).toContain("Severity: medium");
      expect(html).not.toContain("Internal"); // the team's reason stays internal
      // The reporter still sees their own proposal next to it.
      expect(html).toContain("<dt>Your CVSS vector</dt>");

      await setSharing("false");
      html = await trackingPage(r.token);
      expect(html).not.toContain("Our severity assessment");
      expect(html).not.toContain(TEAM_VECTOR);
      expect(html).not.toMatch(/Severity: /);
      expect((await t.services.reports.reporterView(r.token))?.severity).toBeNull();
      await setSharing("true");
      expect(await trackingPage(r.token)).toContain("Our severity assessment");
    });

    it("lets an admin turn sharing off and on from the settings page, on by default, audited", async () => {
      const page = unescapeHtml(await (await get(app, "/admin/settings", admin)).text());
      expect(page).toContain("What reporters see of the severity");
      expect(page).toMatch(/name="shareSeverityWithReporters" value="true" checked=""/);
      const res = await post(app, "/admin/settings", admin, { shareSeverityWithReporters: "false" });
      expect(res.status).toBe(303);
      expect((await t.services.settings.org()).shareSeverityWithReporters).toBe("false");
      const bad = await post(app, "/admin/settings", admin, { shareSeverityWithReporters: "maybe" });
      expect(bad.status).toBe(303);
      expect(bad.headers.get("location")).toMatch(/^\/admin\/settings\?form=/);
      expect(unescapeHtml(await (await follow(app, bad, admin)).text())).toContain(
        "Choose whether reporters see the severity.",
      );
      expect((await t.services.settings.org()).shareSeverityWithReporters).toBe("false");
      const changes = await t.services.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.action, "settings.org_updated"));
      expect(JSON.stringify(changes.map((e) => e.data))).toContain("shareSeverityWithReporters");
      await post(app, "/admin/settings", admin, { shareSeverityWithReporters: "true" });
      expect((await t.services.settings.org()).shareSeverityWithReporters).toBe("true");
    });
  },
);
