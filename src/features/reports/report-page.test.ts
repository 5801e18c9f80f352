import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  type Fields,
  follow,
  get,
  offeredActions,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";

// Likelihood 5.25 (MEDIUM), technical impact 8 (HIGH), business impact 3.75 (MEDIUM):
// severity High by technical impact, Medium by business impact.
const VECTOR_MIXED = "SL:5/M:4/O:7/S:6/ED:3/EE:5/A:4/ID:8/LC:9/LI:7/LAV:7/LAC:9/FD:3/RD:4/NC:5/PV:3";
const VECTOR_HIGH = "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9";

/** The sixteen select values of a vector, as the factor form posts them. */
function factorFields(vector: string): Record<string, string> {
  return Object.fromEntries(vector.split("/").map((part) => part.split(":") as [string, string]));
}

describe.each(DB_KINDS)("team report pages on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let admin: Session;
  let alice: Session;
  let bob: Session;
  let viewer: Session;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ team, admin, alice, bob, viewer } = await signedInTeam(app, t));
    // These tests walk the lifecycle by hand, including the refusals before anyone is assigned.
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });
  });
  afterAll(async () => {
    await t?.close();
  });

  const submit = async (
    overrides: Record<string, unknown> = {},
    files: { filename: string; data: Buffer }[] = [],
  ) => (await t.services.reports.submit(reportFields(overrides), files, "web")).report.reference;
  const act = (session: Session, ref: string, fields: Fields) =>
    post(app, `/reports/${ref}/actions`, session, fields);
  const stateOf = async (ref: string) => (await t.services.reports.teamView(ref)).state;
  const page = async (session: Session, ref: string) => {
    const res = await get(app, `/reports/${ref}`, session);
    expect(res.status).toBe(200);
    return res.text();
  };
  /** Runs an action through the page route and checks the redirect back to the report. */
  const step = async (session: Session, ref: string, fields: Fields) => {
    const res = await act(session, ref, fields);
    if (res.status !== 303) throw new Error(`${fields.action} answered ${res.status}: ${await res.text()}`);
    expect(res.headers.get("location")).toBe(`/reports/${ref}?done=${fields.action}#actions`);
    return res;
  };
  /** Brings a report to triage with Alice as Response Manager. */
  const toTriage = async (ref: string) => {
    await step(alice, ref, { action: "acknowledge" });
    await step(alice, ref, { action: "assign", assignee: team.alice.email });
    await step(alice, ref, { action: "start_triage" });
  };

  it("shows the report's content as text, the reporter, the deadlines and downloadable attachments", async () => {
    const ref = await submit({}, [{ filename: "poc.html", data: Buffer.from("<script>alert(1)</script>") }]);
    const html = await page(alice, ref);
    expect(html).toContain("Stored XSS in the comment preview");
    // Reporter text is plain text: markup in it is escaped, never rendered.
    expect(html).toContain(
      '<pre class="report-text">1. Post a comment containing &lt;img src=x onerror=alert(1)&gt;',
    );
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("researcher@example.net");
    expect(html).toContain("r3searcher");
    expect(html).toContain("Credit by handle");
    expect(html).toContain("Web form");
    expect(html).toContain("CWE-79: Cross-site scripting (XSS)");
    expect(html).toContain("Acknowledge the report");
    expect(html).toContain("Resolve the report");
    const view = await t.services.reports.teamView(ref);
    const attachment = view.attachments[0]!;
    expect(html).toContain(`href="/reports/${ref}/attachments/${attachment.id}"`);

    const download = await get(app, `/reports/${ref}/attachments/${attachment.id}`, viewer);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/octet-stream");
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="poc.html"`);
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(download.headers.get("cache-control")).toBe("no-store");
    expect(await download.text()).toBe("<script>alert(1)</script>");

    expect(
      (await get(app, `/reports/${ref}/attachments/00000000-0000-0000-0000-000000000000`, alice)).status,
    ).toBe(404);
    expect((await get(app, "/reports/EMB-1999-9999", alice)).status).toBe(404);
    const anonymous = await get(app, `/reports/${ref}/attachments/${attachment.id}`);
    expect(anonymous.status).toBe(303);
  });

  it("offers only the actions the report's state allows", async () => {
    const ref = await submit();
    const fresh = offeredActions(await page(alice, ref));
    expect(fresh.sort()).toEqual(
      ["acknowledge", "assign", "mark_duplicate", "reject", "set_severity"].sort(),
    );
    for (const hidden of [
      "start_triage",
      "confirm",
      "release",
      "close",
      "verify_fix",
      "add_fix",
      "disclose",
    ]) {
      expect(fresh).not.toContain(hidden);
    }
    await step(alice, ref, { action: "acknowledge" });
    const acknowledged = offeredActions(await page(alice, ref));
    expect(acknowledged).not.toContain("acknowledge");
    expect(acknowledged).not.toContain("start_triage"); // no Response Manager yet
    await step(alice, ref, { action: "assign", assignee: team.bob.email });
    const assigned = await page(alice, ref);
    expect(offeredActions(assigned)).toContain("start_triage");
    // The assignee select offers active responders and admins, never viewers.
    expect(assigned).toContain(`<option value="${team.bob.email}" selected="">Bob (responder)</option>`);
    expect(assigned).not.toContain(`value="${team.viewer.email}"`);
  });

  it("gives viewers a read-only page and refuses their actions and messages with 403", async () => {
    const ref = await submit();
    const html = await page(viewer, ref);
    expect(offeredActions(html)).toEqual([]);
    expect(html).not.toContain('id="message-form"');
    expect(html).toContain('id="read-only"');
    expect((await act(viewer, ref, { action: "acknowledge" })).status).toBe(403);
    const message = await post(app, `/reports/${ref}/messages`, viewer, {
      body: "hi",
      visibility: "internal",
    });
    expect(message.status).toBe(403);
    const view = await t.services.reports.teamView(ref);
    expect(view.state).toBe("new");
    expect(view.messages).toHaveLength(0);
  });

  it("walks a report from new to closed through the page routes, with a second responder verifying the fix", async () => {
    const ref = await submit();
    const ack = await step(alice, ref, { action: "acknowledge", message: "Thanks! We are on it." });
    const after = await get(app, ack.headers.get("location")!, alice);
    expect(unescapeHtml(await after.text())).toContain(
      "Acknowledged. The acknowledgement is on the reporter's tracking page, and a mail to researcher@example.net telling them so is queued in the outbox.",
    );
    expect(await stateOf(ref)).toBe("acknowledged");

    // Admins may do everything a responder does.
    await step(admin, ref, { action: "assign", assignee: team.alice.email });
    await step(alice, ref, { action: "start_triage" });
    expect(await stateOf(ref)).toBe("triage");

    await step(alice, ref, {
      action: "set_severity",
      ...factorFields(VECTOR_HIGH),
      reason: "Unauthenticated RCE",
    });
    await step(alice, ref, { action: "confirm" });
    expect(await stateOf(ref)).toBe("confirmed");
    await step(alice, ref, { action: "start_remediation" });
    await step(alice, ref, { action: "add_fix", url: "https://git.example.org/app/commit/abc123" });
    expect(await stateOf(ref)).toBe("remediation");

    // The author sees that someone else must verify; Bob gets the button.
    const fixId = (await t.services.reports.teamView(ref)).fixes[0]!.id;
    expect(await page(alice, ref)).toContain("You added this fix, so someone else must verify it.");
    expect(await page(bob, ref)).toContain(`name="fix" value="${fixId}"`);
    await step(bob, ref, { action: "verify_fix", fix: fixId });
    expect(await stateOf(ref)).toBe("fix_ready");

    await step(alice, ref, { action: "release", override_reason: "Released by the distributor." });
    expect(await stateOf(ref)).toBe("released");
    await step(alice, ref, { action: "disclose", advisory_url: "https://example.org/advisories/1" });
    expect(await stateOf(ref)).toBe("disclosed");
    await step(alice, ref, {
      action: "close",
      message: "Fixed in 2.3.1; credited as r3searcher. Thank you!",
    });
    expect(await stateOf(ref)).toBe("closed");

    const html = unescapeHtml(await page(alice, ref));
    expect(offeredActions(html)).toContain("reopen");
    expect(html).toContain("Final feedback sent to the reporter");
    expect(html).toContain("Verified</span> by Bob");
    expect(html).toContain("Fix linked: https://git.example.org/app/commit/abc123.");
    expect(html).toContain("Disclosed; advisory: https://example.org/advisories/1.");
    expect(html).toContain("Closed with final feedback to the reporter.");
    expect(html).toContain("Why: Unauthenticated RCE");
  });

  it("refuses every guarded transition through the page with 409 (400 for a missing close message)", async () => {
    const ref = await submit();
    await step(alice, ref, { action: "acknowledge" });

    const noAssignee = await act(alice, ref, { action: "start_triage" });
    expect(noAssignee.status).toBe(303);
    const noAssigneeHtml = await (await follow(app, noAssignee, alice)).text();
    expect(noAssigneeHtml).toContain('id="action-error"');
    expect(noAssigneeHtml).toContain("Assign a Response Manager before starting triage.");
    expect(await stateOf(ref)).toBe("acknowledged");

    await step(alice, ref, { action: "assign", assignee: team.alice.email });
    await step(alice, ref, { action: "start_triage" });
    const noSeverity = await act(alice, ref, { action: "confirm" });
    expect(noSeverity.status).toBe(303);
    expect(await (await follow(app, noSeverity, alice)).text()).toContain(
      "Set a severity before confirming the report.",
    );
    expect(await stateOf(ref)).toBe("triage");

    await step(alice, ref, { action: "set_severity", owasp: VECTOR_HIGH });
    await step(alice, ref, { action: "confirm" });
    await step(alice, ref, { action: "start_remediation" });
    await step(alice, ref, { action: "add_fix", url: "https://git.example.org/app/commit/def456" });
    const byAuthor = await act(alice, ref, { action: "verify_fix" });
    expect(byAuthor.status).toBe(303);
    expect(unescapeHtml(await (await follow(app, byAuthor, alice)).text())).toContain(
      "The fix's author cannot verify it",
    );
    expect(await stateOf(ref)).toBe("remediation");

    const tooEarly = await act(alice, ref, { action: "release", override_reason: "Too early." });
    expect(tooEarly.status).toBe(303);
    expect(await (await follow(app, tooEarly, alice)).text()).toContain(
      "Cannot release a report that is in remediation.",
    );

    await step(bob, ref, { action: "verify_fix" });
    const unverified = await act(alice, ref, { action: "release", override_reason: "" });
    expect(unverified.status).toBe(303);
    const unverifiedHtml = await (await follow(app, unverified, alice)).text();
    expect(unverifiedHtml).toContain("Releasing needs a passed package verification that covers this report");
    expect(unverifiedHtml).toContain('id="action-release-error"');
    const failed = await act(alice, ref, { action: "release", verification: "failed" });
    expect(failed.status).toBe(303);
    expect(await (await follow(app, failed, alice)).text()).toContain("verification is no longer accepted");
    expect(await stateOf(ref)).toBe("fix_ready");
    await step(alice, ref, { action: "release", override_reason: "Packages are built by the distributor." });

    const noAdvisory = await act(alice, ref, {
      action: "disclose",
      advisory_url: "",
      no_advisory_reason: "",
    });
    expect(noAdvisory.status).toBe(303);
    expect(await (await follow(app, noAdvisory, alice)).text()).toContain(
      "Link the published advisory, or explain why there is no advisory.",
    );
    await step(alice, ref, {
      action: "disclose",
      no_advisory_reason: "Hosted service only; nothing to install.",
    });

    const noMessage = await act(alice, ref, { action: "close", message: "" });
    expect(noMessage.status).toBe(303);
    const noMessageHtml = await (await follow(app, noMessage, alice)).text();
    expect(noMessageHtml).toContain("Give the final feedback to the reporter.");
    expect(noMessageHtml).toContain('id="close-message-error"');
    expect(await stateOf(ref)).toBe("disclosed");
  });

  it("keeps typed values and shows the error next to the form when an action is refused", async () => {
    const ref = await submit();
    const res = await act(alice, ref, { action: "reject", reason: "out_of_scope", message: "" });
    expect(res.status).toBe(303);
    const html = await (await follow(app, res, alice)).text();
    expect(html).toContain('<option value="out_of_scope" selected="">Out of scope</option>');
    expect(html).toContain('id="reject-message-error"');
    expect(html).toContain('<details class="action" open=""><summary>Reject</summary>');

    const unknown = await act(alice, ref, {
      action: "mark_duplicate",
      of: "EMB-1999-0001",
      message: "Same as before",
    });
    expect(unknown.status).toBe(303);
    const unknownHtml = await (await follow(app, unknown, alice)).text();
    expect(unknownHtml).toContain("No report has that id or reference.");
    expect(unknownHtml).toContain('value="EMB-1999-0001"');
    expect(unknownHtml).toContain("Same as before</textarea>");

    const bogus = await act(alice, ref, { action: "delete_everything" });
    expect(bogus.status).toBe(303);
    expect(await (await follow(app, bogus, alice)).text()).toContain("Unknown action.");
    expect(await stateOf(ref)).toBe("new");

    await step(alice, ref, { action: "reject", reason: "out_of_scope", message: "This host is not ours." });
    expect(await stateOf(ref)).toBe("rejected");
  });

  it("sets the severity from the sixteen factor selects and shows the full rating after submit", async () => {
    const ref = await submit();
    await toTriage(ref);
    await step(alice, ref, {
      action: "set_severity",
      ...factorFields(VECTOR_MIXED),
      reason: "Admin-only endpoint",
    });
    const view = await t.services.reports.teamView(ref);
    expect(view.severity).toBe("medium"); // the default setting uses the business impact
    expect(view.severityHistory[0]).toMatchObject({
      vector: VECTOR_MIXED,
      reason: "Admin-only endpoint",
      setBy: "Alice",
    });

    const html = await page(alice, ref);
    // The vector may wrap after each slash (<wbr>), never inside a metric.
    expect(html.replaceAll("<wbr/>", "")).toContain(`<code class="owasp-vector">${VECTOR_MIXED}</code>`);
    // Levels are written in one casing with the severities beside them ("Medium", as "High" and "Critical").
    expect(html).toMatch(/Likelihood<\/dt><dd>5\.25 <span class="badge level-medium">Medium<\/span>/);
    expect(html).toMatch(/Technical impact<\/dt><dd>8 <span class="badge level-high">High<\/span>/);
    expect(html).toMatch(/Business impact<\/dt><dd>3\.75 <span class="badge level-medium">Medium<\/span>/);
    expect(html).not.toMatch(/>(MEDIUM|HIGH|LOW)</);
    expect(html).toMatch(/Severity \(technical impact\)<\/dt><dd><span class="badge sev-high">High/);
    expect(html).toMatch(
      /Severity \(business impact\)<\/dt><dd class="used"><span class="badge sev-medium">Medium/,
    );
    expect(html).toContain("uses the <strong>business</strong> impact");
    // The form is preselected with the current vector.
    expect(html).toMatch(
      /<select id="owasp-SL" name="SL">(?:(?!<\/select>).)*<option value="5" selected="">/s,
    );

    // With the organisation on technical impact, the same vector gives High.
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, severityImpact: "technical" });
    try {
      await step(bob, ref, { action: "set_severity", owasp: VECTOR_MIXED, reason: "Re-scored" });
      expect((await t.services.reports.teamView(ref)).severity).toBe("high");
      const again = await page(alice, ref);
      expect(again).toMatch(/Severity \(technical impact\)<\/dt><dd class="used">/);
      expect(again).toContain("Re-scored");
      expect(again).toContain("Admin-only endpoint"); // the history keeps the earlier score
    } finally {
      await t.services.settings.updateOrg(team.admin.id, { ...org, severityImpact: "business" });
    }
  });

  it("names each factor that is missing or out of range, keeping the other choices", async () => {
    const ref = await submit();
    await toTriage(ref);
    const fields = factorFields(VECTOR_MIXED);
    delete fields.SL;
    fields.PV = "12";
    const res = await act(alice, ref, { action: "set_severity", ...fields, reason: "draft" });
    expect(res.status).toBe(303);
    const html = await (await follow(app, res, alice)).text();
    expect(html).toContain('id="owasp-SL-error"');
    expect(html).toContain("Choose a value for Skill Level.");
    expect(html).toContain("Privacy violation must be a whole number from 0 to 9.");
    expect(html).toMatch(
      /<select id="owasp-M" name="M"[^>]*>(?:(?!<\/select>).)*<option value="4" selected="">/s,
    );
    expect(html).toContain(">draft</textarea>");
    expect((await t.services.reports.teamView(ref)).severity).toBeNull();
  });

  it("accepts a pasted vector and refuses a bad one with 400 naming the metric", async () => {
    const ref = await submit();
    await toTriage(ref);
    const bad = VECTOR_HIGH.replace("/PV:9", "");
    const res = await act(alice, ref, { action: "set_severity", owasp: bad });
    expect(res.status).toBe(303);
    const html = unescapeHtml(await (await follow(app, res, alice)).text());
    expect(html).toContain('Invalid OWASP vector: missing metric "PV".');
    expect(html).toContain('id="owasp-vector-error"');
    expect(html).toContain(`value="${bad}"`);
    const lower = await act(alice, ref, { action: "set_severity", owasp: VECTOR_HIGH.replace("SL:", "sl:") });
    expect(lower.status).toBe(303);
    expect(unescapeHtml(await (await follow(app, lower, alice)).text())).toContain('unknown metric "sl"');
    expect((await t.services.reports.teamView(ref)).severity).toBeNull();

    await step(alice, ref, { action: "set_severity", owasp: VECTOR_HIGH });
    expect((await t.services.reports.teamView(ref)).severity).toBe("critical");
  });

  it("renders the OWASP form with the official options merged by value and live preview attributes", async () => {
    const ref = await submit();
    const html = await page(alice, ref);
    expect(html).toContain('<option value="2">Developers / System administrators (2)</option>');
    expect(html).toContain(
      '<option value="6">Minimal critical data disclosed / Extensive non-sensitive data disclosed (6)</option>',
    );
    expect(html).toMatch(
      /<select id="owasp-S" name="S">(?:(?!<\/select>).)*<optgroup label="Other values"><option value="0">0<\/option><option value="1">1<\/option><option value="3">3<\/option>/s,
    );
    for (const legend of ["Threat agent", "Vulnerability", "Technical impact", "Business impact"]) {
      expect(html).toContain(`<legend>${legend}</legend>`);
    }
    expect((html.match(/<select id="owasp-/g) ?? []).length).toBe(16);
    expect(html).toContain(`hx-get="/reports/${ref}/owasp-preview"`);
    expect(html).toContain('hx-trigger="change"');
    expect(html).toContain('hx-target="#owasp-preview"');
    expect(html).toContain('hx-include="closest form"');
    expect(html).toContain('<div id="owasp-preview" class="owasp-preview">');
    expect(html).toContain('name="owasp"');
    // No inline scripts or styles: the CSP forbids them.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toContain(" onclick=");
  });

  it("previews a rating as an HTML fragment computed on the server, and explains invalid input", async () => {
    const ref = await submit();
    const query = new URLSearchParams({
      _csrf: alice.csrf,
      action: "set_severity",
      ...factorFields(VECTOR_MIXED),
    });
    const res = await get(app, `/reports/${ref}/owasp-preview?${query}`, viewer);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("<html");
    expect(html.replaceAll("<wbr/>", "")).toContain(VECTOR_MIXED);
    expect(html).toContain("5.25");
    expect(html).toContain("3.75");
    expect(html).toContain('<span class="badge sev-high">High</span>');
    expect(html).toContain('<span class="badge sev-medium">Medium</span>');

    const partial = new URLSearchParams(factorFields(VECTOR_MIXED));
    partial.delete("NC");
    partial.set("LC", "x");
    const invalid = await get(app, `/reports/${ref}/owasp-preview?${partial}`, alice);
    expect(invalid.status).toBe(200);
    const invalidHtml = await invalid.text();
    expect(invalidHtml).toContain("Choose a value for Non-compliance.");
    expect(invalidHtml).toContain("Loss of Confidentiality must be a whole number from 0 to 9.");
    expect(invalidHtml).not.toContain("owasp-vector");

    const pasted = await get(app, `/reports/${ref}/owasp-preview?owasp=${encodeURIComponent("SL:1")}`, alice);
    expect(unescapeHtml(await pasted.text())).toContain("Invalid OWASP vector: missing metrics");
    expect((await get(app, `/reports/${ref}/owasp-preview?${query}`)).status).toBe(303);
    expect((await t.services.reports.teamView(ref)).severity).toBeNull(); // a preview never writes
  });

  it("posts replies and internal notes, marking notes clearly and keeping them from the reporter", async () => {
    const { report, token } = await t.services.reports.submit(reportFields(), [], "web");
    const ref = report.reference;
    const note = await post(app, `/reports/${ref}/messages`, alice, {
      body: "Looks like the same bug as last year.",
      visibility: "internal",
    });
    expect(note.status).toBe(303);
    expect(note.headers.get("location")).toBe(`/reports/${ref}?done=note#conversation`);
    const reply = await post(
      app,
      `/reports/${ref}/messages`,
      bob,
      { body: "Could you share the browser version?", visibility: "reporter" },
      { files: [{ filename: "screenshot.png", content: new Uint8Array([137, 80, 78, 71]) }] },
    );
    expect(reply.status).toBe(303);
    expect(reply.headers.get("location")).toBe(`/reports/${ref}?done=message#conversation`);
    await t.services.reports.replyAsReporter(token, { body: "Firefox 140." });

    const html = await page(viewer, ref);
    expect(html).toMatch(
      /<li class="message internal"[^>]*><header><span><strong class="message-label">Internal note — not visible to the reporter<\/strong> · Alice/,
    );
    expect(html).toMatch(
      /<li class="message team"[^>]*><header><span><strong class="message-label">Reply to the reporter<\/strong> · Bob/,
    );
    expect(html).toMatch(
      /<li class="message reporter"[^>]*><header><span><strong class="message-label">From the reporter/,
    );
    expect(html).toContain("screenshot.png</a>");

    const reporterView = await t.services.reports.reporterView(token);
    const bodies = reporterView!.messages.map((m) => m.body);
    expect(bodies).toContain("Could you share the browser version?");
    expect(bodies).not.toContain("Looks like the same bug as last year.");
  });

  it("re-renders the message form with the error and the typed text when a message is refused", async () => {
    const ref = await submit();
    const res = await post(app, `/reports/${ref}/messages`, alice, { body: "   ", visibility: "reporter" });
    expect(res.status).toBe(303);
    const html = await (await follow(app, res, alice)).text();
    expect(html).toContain('id="message-error"');
    expect(html).toContain("Write a message.");
    expect(html).toContain('<input type="radio" name="visibility" value="reporter" checked=""');
    const noVisibility = await post(app, `/reports/${ref}/messages`, alice, { body: "Keep me" });
    expect(noVisibility.status).toBe(303);
    expect(await (await follow(app, noVisibility, alice)).text()).toContain("Keep me</textarea>");
    expect((await t.services.reports.teamView(ref)).messages).toHaveLength(0);
  });
});
