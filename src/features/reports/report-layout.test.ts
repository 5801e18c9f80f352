import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { type App, appFor, get, type Session, signedInTeam } from "../../../test/helpers/http.ts";

const BASE_ONLY = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const WITH_TEMPORAL = `${BASE_ONLY}/E:P/RL:O/RC:C`;
const WITH_BOTH = `${WITH_TEMPORAL}/CR:H/MAV:L`;
/** Text a Markdown renderer would change: emphasis, escapes, a heading, an HTML tag and an autolink. */
const PAYLOAD = "# not a heading\n*a*b*_c_ \\x41\\x42 <script>alert(1)</script> http://x.test/a_b_c";

describe.each(DB_KINDS)("report page layout and navigation on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let admin: Session;
  let alice: Session;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ team, admin, alice } = await signedInTeam(app, t));
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });
  });
  afterAll(async () => {
    await t?.close();
  });

  const submit = async (overrides: Record<string, unknown> = {}) =>
    t.services.reports.submit(reportFields(overrides), [], "web");
  const html = async (path: string, session: Session | null) => {
    const res = await get(app, path, session);
    expect(res.status).toBe(200);
    return res.text();
  };
  const scored = async (vector: string) => {
    const { report } = await submit();
    await t.services.reports.act(team.alice, report.id, {
      action: "set_severity",
      cvss: vector,
      reason: "r",
    });
    return report.reference;
  };

  it("puts the report first and the actions after it in source order, the record after both", async () => {
    const { report } = await submit();
    const page = await html(`/reports/${report.reference}`, alice);
    const at = (needle: string) => {
      const i = page.indexOf(needle);
      expect(i, needle).toBeGreaterThan(-1);
      return i;
    };
    expect(at('id="report"')).toBeLessThan(at('id="actions"'));
    expect(at('id="actions"')).toBeLessThan(at('id="reporter"'));
    expect(at('id="reporter"')).toBeLessThan(at('id="conversation"'));
    expect(at('class="report-main"')).toBeLessThan(at('class="report-side"'));
    expect(at('class="report-side"')).toBeLessThan(at('class="report-record"'));
  });

  it("shows the report's text byte for byte and the same way on the team page and the tracking page", async () => {
    const { report, token } = await submit({ steps: PAYLOAD, email: "a.very.long.address@sub.example.net" });
    const team = await html(`/reports/${report.reference}`, alice);
    const reporter = await html(`/r/${token}`, null);
    const escaped =
      "# not a heading\n*a*b*_c_ \\x41\\x42 &lt;script&gt;alert(1)&lt;/script&gt; http://x.test/a_b_c";
    const teamBlock = team.slice(team.indexOf("<pre", team.indexOf('id="steps"')));
    expect(teamBlock.slice(0, teamBlock.indexOf("</pre>") + 6)).toBe(
      `<pre class="report-text">${escaped}</pre>`,
    );
    expect(reporter).toContain(`<pre class="report-text">${escaped}</pre>`);
    expect(team).not.toContain("<h1>not a heading");
    expect(team).not.toContain("<em>");
    // The address wraps where it must rather than widening the page.
    expect(team).toContain('<dd class="address">a.very.long.address@sub.example.net</dd>');
  });

  it("shows temporal and environmental scores only when their metrics were set", async () => {
    const facts = async (vector: string) => {
      const page = (await html(`/reports/${await scored(vector)}`, alice)).replaceAll("<wbr/>", "");
      const result = page.slice(page.indexOf('class="cvss-result"'));
      return result.slice(0, result.indexOf("</dl>"));
    };
    const base = await facts(BASE_ONLY);
    expect(base).toContain("<dt>Base</dt>");
    expect(base).not.toContain("<dt>Temporal</dt>");
    expect(base).not.toContain("<dt>Environmental</dt>");
    const temporal = await facts(WITH_TEMPORAL);
    expect(temporal).toContain("<dt>Temporal</dt>");
    expect(temporal).not.toContain("<dt>Environmental</dt>");
    const both = await facts(WITH_BOTH);
    expect(both).toContain("<dt>Temporal</dt>");
    expect(both).toContain("<dt>Environmental</dt>");
    expect(both).toContain(`<code class="cvss-vector">${WITH_BOTH}</code>`);
  });

  it("lets a long vector wrap after its slashes only, and writes every level in one casing", async () => {
    const ref = await scored(WITH_BOTH);
    await t.services.reports.act(team.alice, ref, {
      action: "set_severity",
      owasp: "SL:5/M:4/O:7/S:6/ED:3/EE:5/A:4/ID:8/LC:9/LI:7/LAV:7/LAC:9/FD:3/RD:4/NC:5/PV:3",
      reason: "r",
    });
    const page = await html(`/reports/${ref}`, alice);
    expect(page).toContain("CVSS:3.1/<wbr/>AV:N/<wbr/>AC:L/<wbr/>");
    expect(page).toContain("SL:5/<wbr/>M:4/<wbr/>");
    const severity = page.slice(page.indexOf('id="severity"'), page.indexOf('id="fixes"'));
    const badges = [...severity.matchAll(/class="badge (?:sev|level)-[a-z]+">([^<]+)</g)].map((m) => m[1]!);
    expect(badges.length).toBeGreaterThan(5);
    for (const label of badges) expect(label, label).toMatch(/^[A-Z][a-z]+( \(note\))?$/);
    // A recorded-only score is set apart by a rule, not faded (fading took the badge below 4.5:1).
    expect(page).toContain('class="recorded-only"');
  });

  it("names the report in the visible text of every 'mark as duplicate' link", async () => {
    const first = await submit({ title: "Stored XSS in the invoice notes field" });
    const second = await submit({ title: "Stored XSS in the invoice notes field again" });
    const page = await html(`/reports/${second.report.reference}`, alice);
    expect(page).toContain(`Mark as duplicate of ${first.report.reference}</a>`);
    expect(page).not.toMatch(/aria-label="Mark [^"]* as a duplicate/);
  });

  it("has one navigation bar: no entry of the admin tabs is also in the main bar", async () => {
    const page = await html("/admin/settings", admin);
    const main = page.slice(
      page.indexOf('aria-label="Main"'),
      page.indexOf("</nav>", page.indexOf('aria-label="Main"')),
    );
    const tabs = page.slice(page.indexOf('aria-label="Administration"'));
    const links = (s: string) =>
      [...s.slice(0, s.indexOf("</nav>")).matchAll(/<a href="([^"]+)"[^>]*>([^<]+)</g)].map((m) => ({
        href: m[1]!,
        label: m[2]!,
      }));
    const tabLabels = links(tabs).map((l) => l.label);
    expect(tabLabels).toEqual(expect.arrayContaining(["Team", "Settings", "Outbox"]));
    // No entry in both bars: the main bar has one "Admin" entry, which opens the first tab.
    expect(links(main).filter((l) => tabLabels.includes(l.label))).toEqual([]);
    expect(links(main).filter((l) => l.href.startsWith("/admin"))).toEqual([
      { href: "/admin/team", label: "Admin" },
    ]);
    expect(main).toContain('href="/admin/team" aria-current="page">Admin<');
    // The member's own pages and signing out sit in a <details> menu, which opens without JavaScript.
    expect(main).toMatch(/<details class="nav-menu"><summary[^>]*><span class="who">Ada<\/span><\/summary>/);
    expect(main).toContain("Sign out (Ada)");
  });

  it("keeps the public bar to the policy and the form, with team sign-in in the footer", async () => {
    const page = await html("/", null);
    const main = page.slice(page.indexOf('aria-label="Main"'), page.indexOf("</nav>"));
    expect([...main.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual(["/", "/report"]);
    expect(page.slice(page.indexOf("<footer"))).toContain('href="/login"');
    expect(page).toContain('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml"/>');
  });

  it("serves /favicon.ico as an icon and the SVG favicon, so no page asks for a missing file", async () => {
    const ico = await app.request("/favicon.ico");
    expect(ico.status).toBe(200);
    expect(ico.headers.get("content-type")).toBe("image/x-icon");
    const bytes = new Uint8Array(await ico.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0, 0, 1, 0]);
    const svg = await app.request("/static/favicon.svg");
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(await svg.text()).toContain("<svg");
  });
});
