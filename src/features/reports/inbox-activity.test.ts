import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  get,
  inboxReferences,
  login,
  post,
  type Session,
} from "../../../test/helpers/http.ts";

const HOUR = 3_600_000;

/** The inbox row of one report, as the page (JavaScript off) shows it. */
function rowOf(html: string, reference: string): string {
  const row = html
    .split("<tr")
    .find((r) => r.includes(`<td class="mono nowrap"><a href="/reports/${reference}">`));
  if (!row) throw new Error(`${reference} is not in the inbox`);
  return `<tr${row.slice(0, row.indexOf("</tr>"))}`;
}

describe.each(DB_KINDS)("the inbox's conversation state on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let alice: Session;
  let bob: Session;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    team = await makeTeam(t);
    alice = await login(app, team.alice.email, team.alice.password);
    bob = await login(app, team.bob.email, team.bob.password);
  });
  afterAll(async () => {
    await t?.close();
  });

  const inbox = async (session: Session, query = "") => {
    const res = await get(app, `/inbox${query}`, session);
    return { status: res.status, html: await res.text() };
  };
  const submit = async (title: string, extra: Record<string, unknown> = {}) => {
    const { report, token } = await t.services.reports.submit(reportFields({ title, ...extra }), [], "web");
    return { id: report.id, reference: report.reference, token };
  };
  const actor = () => ({ id: team.alice.id, email: team.alice.email, name: "Alice", role: team.alice.role });

  it("keeps an unread state per member: the one who opened the report has read it, the other has not", async () => {
    const received = t.clock();
    const report = await submit("Unread state per member: header injection");
    let row = rowOf((await inbox(alice)).html, report.reference);
    expect(row).toContain('class="unread"');
    expect(row).toContain('<span class="badge marker marker-new_report">New report</span>');
    expect(row).toContain(`Waiting for us <time datetime="${received.toISOString()}"`);

    const page = await get(app, `/reports/${report.reference}`, alice);
    expect(page.status).toBe(200);
    row = rowOf((await inbox(alice)).html, report.reference);
    expect(row).not.toContain('class="unread"');
    expect(row).not.toContain("badge marker");
    // Still waiting for the team: opening a report answers nobody.
    expect(row).toContain("Waiting for us");
    // Bob has not opened it.
    row = rowOf((await inbox(bob)).html, report.reference);
    expect(row).toContain('class="unread"');
    expect(row).toContain("New report");
  });

  it("makes a read report unread again when the reporter writes, and says how long the reply has waited", async () => {
    const report = await submit("Reporter reply makes it unread: cache key confusion");
    await t.services.reports.act(actor(), report.id, { action: "acknowledge" });
    await get(app, `/reports/${report.reference}`, alice);
    let row = rowOf((await inbox(alice)).html, report.reference);
    expect(row).not.toContain("badge marker");
    expect(row).not.toContain("Waiting for us");

    t.clock.advance(2 * HOUR);
    const repliedAt = t.clock();
    await t.services.reports.replyAsReporter(report.token, { body: "Here is a second proof of concept." });
    t.clock.advance(5 * HOUR);
    await t.services.reports.replyAsReporter(report.token, { body: "And a third one, in case it helps." });
    row = rowOf((await inbox(alice)).html, report.reference);
    expect(row).toContain('class="unread"');
    expect(row).toContain('<span class="badge marker marker-new_message">New message</span>');
    // The wait counts from the first unanswered message, not the latest.
    expect(row).toContain(`Waiting for us <time datetime="${repliedAt.toISOString()}"`);
    expect(row).toContain(">5 h</time>");

    // Read but unanswered: "Reporter replied", still waiting.
    await get(app, `/reports/${report.reference}`, alice);
    row = rowOf((await inbox(alice)).html, report.reference);
    expect(row).not.toContain('class="unread"');
    expect(row).toContain('<span class="badge marker marker-reporter_replied">Reporter replied</span>');

    // An internal note answers nobody; a reply to the reporter ends the wait.
    const note = await post(app, `/reports/${report.reference}/messages`, bob, {
      body: "Looking into the third PoC.",
      visibility: "internal",
    });
    expect(note.status).toBe(303);
    expect(rowOf((await inbox(alice)).html, report.reference)).toContain("Waiting for us");
    const answer = await post(app, `/reports/${report.reference}/messages`, bob, {
      body: "Thanks, we reproduced it.",
      visibility: "reporter",
    });
    expect(answer.status).toBe(303);
    row = rowOf((await inbox(alice)).html, report.reference);
    expect(row).not.toContain("Waiting for us");
    expect(row).not.toContain("badge marker");
    const [stored] = (
      (await t.database.db.execute(
        sql`select awaiting_team_since, last_reporter_message_at from reports where id = ${report.id}`,
      )) as unknown as { rows: { awaiting_team_since: unknown; last_reporter_message_at: unknown }[] }
    ).rows;
    expect(stored!.awaiting_team_since).toBeNull();
    expect(new Date(String(stored!.last_reporter_message_at)).getTime()).toBe(repliedAt.getTime() + 5 * HOUR);
  });

  it("filters to the reports waiting for the team with a plain GET form, and refuses an unknown SLA filter", async () => {
    const waiting = await submit("Awaiting-us filter: new and unanswered");
    const answered = await submit("Awaiting-us filter: acknowledged");
    await t.services.reports.act(actor(), answered.id, { action: "acknowledge" });
    const { status, html } = await inbox(alice, "?sla=team&perPage=200");
    expect(status).toBe(200);
    const listed = inboxReferences(html);
    expect(listed).toContain(waiting.reference);
    expect(listed).not.toContain(answered.reference);
    expect(html).toContain('<option value="team" selected="">Awaiting us</option>');
    // The disclosure is open and says what narrows the list.
    expect(html).toMatch(
      /<details class="filter-more" open="">\s*<summary>Filters<span class="muted"> · awaiting us/,
    );

    const refused = await inbox(alice, "?sla=soon");
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("sla must be one of overdue, team, waiting.");
  });

  it("marks a report unread for one member only, and says so", async () => {
    const report = await submit("Mark unread: open redirect");
    await get(app, `/reports/${report.reference}`, alice);
    await get(app, `/reports/${report.reference}`, bob);
    const res = await post(app, `/reports/${report.reference}/unread`, alice, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/inbox?unread=${report.reference}`);
    const after = await inbox(alice, `?unread=${report.reference}`);
    expect(after.html).toContain(`${report.reference} is marked as unread for you.`);
    expect(rowOf(after.html, report.reference)).toContain('class="unread"');
    expect(rowOf((await inbox(bob)).html, report.reference)).not.toContain('class="unread"');
    // The report page offers it.
    const page = await (await get(app, `/reports/${report.reference}`, alice)).text();
    expect(page).toContain(`action="/reports/${report.reference}/unread"`);
  });

  it("refuses to mark an unknown report unread, or without the form's token, and changes nothing", async () => {
    const report = await submit("Mark unread refusals: SSRF");
    await get(app, `/reports/${report.reference}`, alice);
    const missing = await post(app, "/reports/EMB-1999-9999/unread", alice, {});
    expect(missing.status).toBe(404);
    const forged = await post(app, `/reports/${report.reference}/unread`, alice, {}, { csrf: null });
    expect(forged.status).toBe(403);
    expect(rowOf((await inbox(alice)).html, report.reference)).not.toContain('class="unread"');
    // A made-up notice parameter is not echoed.
    expect((await inbox(alice, "?unread=%3Cscript%3E")).html).not.toContain("marked as unread");
  });

  it("stores the likely duplicate at intake and marks the row with a link to it", async () => {
    const original = await submit("SQL injection in the billing export filter parameter", {
      description:
        "The billing export's filter parameter is concatenated into the SQL query: classic SQL injection.",
      steps: "Request /billing/export?filter=' OR 1=1 -- and every customer's invoices come back.",
    });
    t.clock.advance(HOUR);
    const copy = await submit("SQL injection in billing export filter parameter", {
      description:
        "The filter parameter of the billing export is concatenated into the SQL query, so SQL injection.",
      steps: "Request /billing/export?filter=' OR 1=1 -- and the invoices of every customer come back.",
    });
    const row = rowOf((await inbox(alice)).html, copy.reference);
    expect(row).toMatch(
      new RegExp(
        `Likely duplicate of <a href="/reports/${original.reference}">${original.reference}</a> <span class="muted">\\(\\d+% similar\\)`,
      ),
    );
    expect(rowOf((await inbox(alice)).html, original.reference)).not.toContain("Likely duplicate");
    // Once the team settles it as a duplicate, the suggestion gives way to the decision.
    await t.services.reports.act(actor(), copy.id, {
      action: "mark_duplicate",
      of: original.reference,
      message: "This is the same issue as an earlier report.",
    });
    const all = await inbox(alice, "?state=all&perPage=200");
    expect(rowOf(all.html, copy.reference)).not.toContain("Likely duplicate");
  });
});
