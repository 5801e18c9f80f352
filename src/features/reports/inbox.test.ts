import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  get,
  inboxReferences,
  login,
  type Session,
  unescapeHtml,
} from "../../../test/helpers/http.ts";

const DAY = 86_400_000;
const VECTOR_HIGH = "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9";

describe.each(DB_KINDS)("team inbox page on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let alice: Session;
  let viewer: Session;
  /** References in submission order: 0 assigned to Alice and scored, 1 rejected, 2–6 untouched. */
  const refs: string[] = [];

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    team = await makeTeam(t);
    alice = await login(app, team.alice.email, team.alice.password);
    viewer = await login(app, team.viewer.email, team.viewer.password);
    const titles = [
      "SQL injection in search",
      "Open redirect on logout",
      "CSRF on profile update",
      "IDOR in invoices API",
      "Weak session cookie flags",
      "Path traversal in export",
      "SSRF via avatar URL",
    ];
    for (const title of titles) {
      refs.push((await t.services.reports.submit(reportFields({ title }), [], "web")).report.reference);
      t.clock.advance(60_000);
    }
    const actor = {
      id: team.alice.id,
      email: team.alice.email,
      name: team.alice.name,
      role: team.alice.role,
    };
    await t.services.reports.act(actor, refs[0]!, { action: "acknowledge" });
    await t.services.reports.act(actor, refs[0]!, { action: "assign", assignee: team.alice.email });
    await t.services.reports.act(actor, refs[0]!, { action: "set_severity", owasp: VECTOR_HIGH });
    await t.services.reports.act(actor, refs[1]!, {
      action: "reject",
      reason: "out_of_scope",
      message: "Not our host.",
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const inbox = async (query = "", session: Session = alice) => {
    const res = await get(app, `/inbox${query}`, session);
    return { status: res.status, html: await res.text() };
  };

  it("lists open reports, newest first, with reference links, badges, Response Manager, age and SLA", async () => {
    const { status, html } = await inbox("", viewer);
    expect(status).toBe(200);
    const listed = inboxReferences(html);
    expect(listed).toEqual([refs[6], refs[5], refs[4], refs[3], refs[2], refs[0]]);
    expect(listed).not.toContain(refs[1]); // rejected is not open
    expect(html).toContain(`<a href="/reports/${refs[0]}">${refs[0]}</a>`);
    expect(html).toContain('<span class="badge state state-acknowledged">Acknowledged</span>');
    expect(html).toContain('<span class="badge sev-critical">Critical</span>');
    expect(html).toMatch(/<td data-label="Severity"><span class="muted">—<\/span><\/td>/);
    expect(html).toContain('<td data-label="Response Manager">Alice</td>');
    expect(html).toContain("Unassigned");
    expect(html).toMatch(/<time datetime="[^"]+" title="[^"]+">\d+ min<\/time>/);
    expect(html).toContain('<span class="badge sla-ok">On track</span>');
    expect(html).toContain('id="inbox-count">6 reports');
  });

  it("marks overdue rows and names the overdue items", async () => {
    t.clock.advance(3 * DAY);
    try {
      // Sessions last 12 hours, so sign in again three days later.
      const later = await login(app, team.alice.email, team.alice.password);
      const { html } = await inbox("", later);
      expect(html).toMatch(/<tr class="overdue[^"]*"><td class="mono nowrap"><a href="\/reports\/EMB-/);
      expect(html).toContain("<li>Acknowledge overdue</li>");
      expect(html).toContain('<span class="badge sla-overdue">Overdue</span>');
      expect(html).toMatch(/3 days<\/time>/);
    } finally {
      t.clock.advance(-3 * DAY);
    }
  });

  it("filters by state, severity, Response Manager and text", async () => {
    expect(inboxReferences((await inbox("?state=rejected")).html)).toEqual([refs[1]]);
    expect(inboxReferences((await inbox("?state=all")).html)).toHaveLength(7);
    expect(inboxReferences((await inbox("?state=acknowledged")).html)).toEqual([refs[0]]);
    expect(inboxReferences((await inbox("?severity=critical")).html)).toEqual([refs[0]]);
    expect(inboxReferences((await inbox("?severity=none")).html)).not.toContain(refs[0]);
    expect(inboxReferences((await inbox(`?assignee=${encodeURIComponent(team.alice.email)}`)).html)).toEqual([
      refs[0],
    ]);
    expect(inboxReferences((await inbox("?assignee=none")).html)).toHaveLength(5);
    const text = await inbox("?q=traversal");
    expect(inboxReferences(text.html)).toEqual([refs[5]]);
    expect(text.html).toContain('value="traversal"');
    expect(inboxReferences((await inbox(`?q=${refs[3]}`)).html)).toEqual([refs[3]]);
    // The chosen filters stay selected in the form.
    const chosen = (await inbox("?state=all&severity=critical")).html;
    expect(chosen).toContain('<option value="all" selected="">All</option>');
    expect(chosen).toContain('<option value="critical" selected="">Critical</option>');
  });

  it("labels the severity filter's levels the way the badges do, keeping the URL values lower case", async () => {
    const { html } = await inbox("?severity=high");
    for (const [value, label] of [
      ["note", "Note"],
      ["low", "Low"],
      ["medium", "Medium"],
      ["critical", "Critical"],
    ]) {
      expect(html).toContain(`<option value="${value}">${label}</option>`);
    }
    expect(html).toContain('<option value="high" selected="">High</option>');
    expect(html).not.toMatch(/<option value="[a-z]+"(?: selected="")?>(?:note|low|medium|high|critical)</);
    // The collapsed filters' summary names the level the same way.
    expect(html).toContain("· High</span>");
  });

  it("sorts by the column headers, and each header link reverses the current order", async () => {
    const byRef = await inbox("?sort=reference");
    expect(inboxReferences(byRef.html)).toEqual([refs[0], refs[2], refs[3], refs[4], refs[5], refs[6]]);
    expect(byRef.html).toContain('aria-sort="ascending"><a href="/inbox?sort=-reference">Reference ▲</a>');
    const reversed = await inbox("?sort=-reference");
    expect(inboxReferences(reversed.html)).toEqual([refs[6], refs[5], refs[4], refs[3], refs[2], refs[0]]);
    expect(inboxReferences((await inbox("?sort=-severity")).html)[0]).toBe(refs[0]);
    expect(inboxReferences((await inbox("?sort=received")).html)[0]).toBe(refs[0]);
    // Sort links keep the filters.
    const filtered = await inbox("?state=all&q=in");
    expect(unescapeHtml(filtered.html)).toContain('href="/inbox?state=all&q=in&sort=reference"');
  });

  it("pages through results, keeping filters and sort in the page links", async () => {
    const first = await inbox("?state=all&perPage=5&sort=reference");
    expect(inboxReferences(first.html)).toEqual(refs.slice(0, 5));
    expect(first.html).toContain("Page 1 of 2");
    const html = unescapeHtml(first.html);
    expect(html).toContain('href="/inbox?state=all&sort=reference&perPage=5&page=2" rel="next"');
    const second = await inbox("?state=all&perPage=5&sort=reference&page=2");
    expect(inboxReferences(second.html)).toEqual(refs.slice(5));
    expect(unescapeHtml(second.html)).toContain(
      'href="/inbox?state=all&sort=reference&perPage=5" rel="prev"',
    );
    // Out-of-range paging values fall back to the defaults instead of failing.
    expect((await inbox("?page=-3&perPage=100000")).status).toBe(200);
  });

  it("shows a refused filter as a notice with status 400 instead of failing", async () => {
    for (const [query, message] of [
      ["?state=bogus", "state must be one of open, all"],
      ["?severity=extreme", "severity must be one of none"],
      ["?assignee=nobody%40example.org", "No team member matches the assignee filter."],
      ["?assignee=not-an-id", "No team member matches the assignee filter."],
    ] as const) {
      const { status, html } = await inbox(query);
      expect(status).toBe(400);
      expect(html).toContain('id="filter-error"');
      expect(html).toContain(message);
      expect(html).not.toContain("<table");
      expect(html).toContain('<form method="get" action="/inbox"');
    }
  });

  it("says so when nothing matches", async () => {
    const { status, html } = await inbox("?q=no-such-report-anywhere");
    expect(status).toBe(200);
    expect(html).toContain("No reports match these filters.");
    expect(inboxReferences(html)).toEqual([]);
  });

  it("is only for signed-in team members", async () => {
    const res = await get(app, "/inbox?state=all");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/login?next=${encodeURIComponent("/inbox?state=all")}`);
  });
});
