import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, reportFields } from "../../../test/helpers/actors.ts";
import {
  invitedReport,
  makeFixRepository,
  reportInRemediation,
} from "../../../test/helpers/consultation-world.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  inboxReferences,
  offeredActions,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";

describe.each(DB_KINDS)("inviting the reporter to check the fix on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let alice: Session;
  let viewer: Session;
  let team: { alice: Actor; bob: Actor; viewer: Actor };

  const rows = async (q: ReturnType<typeof sql>) =>
    ((await t.database.db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;
  const consultations = (reportId: string) =>
    rows(sql`select * from fix_consultations where report_id = ${reportId}`);
  const events = async (reportId: string, action: string) =>
    rows(
      sql`select data from audit_events where report_id = ${reportId} and action = ${action} order by seq`,
    );
  const messageCount = async (reportId: string) =>
    Number((await rows(sql`select count(*)::int as n from messages where report_id = ${reportId}`))[0]!.n);
  const api = (path: string, body: unknown) =>
    app.request(path, {
      method: "POST",
      headers: { authorization: `Bearer ${team.alice.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    const signed = await signedInTeam(app, t);
    alice = signed.alice;
    viewer = signed.viewer;
    team = signed.team;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("records the invitation, messages and mails the reporter, and shows where it stands", async () => {
    const report = await reportInRemediation(t, team.alice);
    const repo = await makeFixRepository(t, report, team.alice.id);
    const before = await get(app, `/reports/${report.reference}`, alice);
    expect(offeredActions(await before.text())).toContain("invite_reporter_to_fix");
    const mailsBefore = (await rows(sql`select id from outbox where report_id = ${report.id}`)).length;

    const res = await post(app, `/reports/${report.reference}/actions`, alice, {
      action: "invite_reporter_to_fix",
      message: "Please check the fix on the branch <b>before</b> Friday.",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(
      `/reports/${report.reference}?done=invite_reporter_to_fix#actions`,
    );

    const [row] = await consultations(report.id);
    expect(row).toMatchObject({ branch: repo.branch, head_sha: repo.headSha, invited_by: team.alice.id });
    const [message] = await rows(sql`select * from messages where id = ${row!.message_id}`);
    expect(message).toMatchObject({ visibility: "reporter", author_type: "team", kind: "message" });
    expect(t.cipher.decryptText(String(message!.body_enc))).toBe(
      "Please check the fix on the branch <b>before</b> Friday.",
    );
    const [event] = await events(report.id, "report.invite_reporter_to_fix");
    expect(event!.data).toMatchObject({
      consultationId: row!.id,
      branch: repo.branch,
      headSha: repo.headSha,
    });
    const mails = await rows(sql`select to_address from outbox where report_id = ${report.id}`);
    expect(mails).toHaveLength(mailsBefore + 1);
    expect(mails.every((m) => m.to_address === "researcher@example.net")).toBe(true);

    const page = await follow(app, res, alice);
    const html = await page.text();
    expect(html).toContain("Your invitation is on the reporter&#39;s tracking page");
    expect(html).toContain("Invited, no answer yet");
    expect(html).toContain("by Alice");
    expect(html).toContain(`at ${repo.headSha.slice(0, 12)}`);
    expect(html).toContain("Invited the reporter to check the fix on fix/");
    expect(html).toContain("Please check the fix on the branch &lt;b&gt;before&lt;/b&gt; Friday.");
    expect(html).toContain("Invite the reporter to check again");
  });

  it("refuses an empty message with a field error, and stores nothing", async () => {
    const report = await reportInRemediation(t, team.alice);
    await makeFixRepository(t, report, team.alice.id);
    const messages = await messageCount(report.id);
    const res = await api(`/api/v1/reports/${report.id}/actions`, {
      action: "invite_reporter_to_fix",
      message: "  ",
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toBe("Give the message inviting the reporter to check the fix.");

    const form = await post(app, `/reports/${report.reference}/actions`, alice, {
      action: "invite_reporter_to_fix",
      message: "",
    });
    const html = unescapeHtml(await (await follow(app, form, alice)).text());
    expect(html).toContain("Invite the reporter to check the fix was not possible:");
    expect(html).toContain('id="action-invite_reporter_to_fix-error"');
    expect(await consultations(report.id)).toEqual([]);
    expect(await messageCount(report.id)).toBe(messages);
  });

  it("refuses without a fix repository (409) and does not offer the form", async () => {
    const report = await reportInRemediation(t, team.alice);
    await t.services.reports.act(team.alice, report.id, {
      action: "add_fix",
      url: "https://git.example.org/c/1",
    });
    const res = await api(`/api/v1/reports/${report.id}/actions`, {
      action: "invite_reporter_to_fix",
      message: "Please check.",
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      "Create the fix branch first: the reporter checks the fix in this report's private fix repository.",
    );
    const html = await (await get(app, `/reports/${report.reference}`, alice)).text();
    expect(offeredActions(html)).not.toContain("invite_reporter_to_fix");
    expect(html).not.toContain('id="consultation"');
    expect(await consultations(report.id)).toEqual([]);
  });

  it("refuses in the wrong state (409) with the states where it works", async () => {
    const submitted = await t.services.reports.submit(reportFields({ title: "Still new" }), [], "web");
    await makeFixRepository(t, submitted.report, team.alice.id);
    const res = await api(`/api/v1/reports/${submitted.report.id}/actions`, {
      action: "invite_reporter_to_fix",
      message: "Please check.",
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      "Cannot invite the reporter to check the fix of a report that is new. Invite the reporter to check the fix is only possible when the report is Remediation or Fix ready.",
    );
    expect(await consultations(submitted.report.id)).toEqual([]);
  });

  it("refuses viewers", async () => {
    const report = await invitedReport(t, team.alice);
    const res = await post(app, `/reports/${report.reference}/actions`, viewer, {
      action: "invite_reporter_to_fix",
      message: "Me too.",
    });
    expect(res.status).toBe(403);
    expect(await consultations(report.id)).toHaveLength(1);
    const revoke = await post(app, `/reports/${report.reference}/fix-access/revoke`, viewer, {});
    expect(revoke.status).toBe(403);
  });

  it("lets a member revoke the reporter's clone access, recorded in the audit log", async () => {
    const report = await invitedReport(t, team.alice);
    const none = await post(app, `/reports/${report.reference}/fix-access/revoke`, alice, {});
    expect(none.headers.get("location")).toBe(
      `/reports/${report.reference}?done=fix_access_none#consultation`,
    );

    await t.services.reports.showFixAccess(report.token);
    const live = await (await get(app, `/reports/${report.reference}`, alice)).text();
    expect(live).toContain('id="reporter-access-live"');
    expect(live).toContain("Revoke the reporter&#39;s access");

    const res = await post(app, `/reports/${report.reference}/fix-access/revoke`, alice, {});
    expect(res.headers.get("location")).toBe(
      `/reports/${report.reference}?done=fix_access_revoked#consultation`,
    );
    const tokens = await rows(sql`select revoked_at from fix_access_tokens where report_id = ${report.id}`);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.revoked_at).not.toBeNull();
    const [event] = await events(report.id, "fix_access.reporter_token_revoked");
    expect(event!.data).toEqual({ revoked: 1, by: "team" });
    const html = await (await follow(app, res, alice)).text();
    expect(html).toContain("The reporter&#39;s clone access is revoked");
    expect(html).toContain('id="reporter-access-none"');
  });

  it("ends the reporter's access when the report is disclosed", async () => {
    const report = await invitedReport(t, team.alice);
    await t.services.reports.showFixAccess(report.token);
    const act = (who: Actor, input: Record<string, unknown>) => t.services.reports.act(who, report.id, input);
    const [fix] = await rows(sql`select id from fixes where report_id = ${report.id}`);
    await act(team.bob, { action: "verify_fix", fix: String(fix!.id) });
    await act(team.alice, { action: "release", verification: "passed" });
    const stillLive = await rows(
      sql`select revoked_at from fix_access_tokens where report_id = ${report.id}`,
    );
    expect(stillLive[0]!.revoked_at).toBeNull();
    await act(team.alice, { action: "disclose", advisory_url: "https://example.org/advisories/1" });
    const revoked = await rows(sql`select revoked_at from fix_access_tokens where report_id = ${report.id}`);
    expect(revoked[0]!.revoked_at).not.toBeNull();
    const [event] = await events(report.id, "report.disclose");
    expect(event!.data).toMatchObject({ reporterFixAccessRevoked: 1 });
    const html = await (await get(app, `/reports/${report.reference}`, alice)).text();
    expect(html).toContain("The reporter&#39;s clone access to the fix repository ended.");
  });

  it("ends the reporter's access when the report is rejected", async () => {
    const report = await invitedReport(t, team.alice);
    await t.services.reports.showFixAccess(report.token);
    await t.services.reports.act(team.alice, report.id, {
      action: "reject",
      reason: "wont_fix",
      message: "We decided not to fix this after all.",
    });
    const revoked = await rows(sql`select revoked_at from fix_access_tokens where report_id = ${report.id}`);
    expect(revoked[0]!.revoked_at).not.toBeNull();
  });

  it("marks a disputed fix in the inbox and on the report page until the team invites again", async () => {
    const report = await invitedReport(t, team.alice);
    await t.services.reports.answerFix(report.token, {
      verdict: "does_not_fix",
      comment: "Still works with %2e%2e encoded dots.",
    });
    // Alice reads it: the marker stays, because the fix still needs the team.
    const page = await (await get(app, `/reports/${report.reference}`, alice)).text();
    expect(page).toContain('id="fix-disputed"');
    expect(page).toContain("The reporter says the fix does not fix it");
    expect(page).toContain("The reporter checked the fix: this does not fix it.");
    const inbox = await (await get(app, "/inbox", alice)).text();
    expect(inboxReferences(inbox)).toContain(report.reference);
    const row = inbox.slice(inbox.indexOf(`/reports/${report.reference}"`));
    expect(row.slice(0, 3000)).toContain('class="badge marker marker-fix_disputed">Fix disputed<');

    t.clock.advance(60_000);
    await t.services.reports.act(team.alice, report.id, {
      action: "invite_reporter_to_fix",
      message: "We also decode the name now. Please check again.",
    });
    const after = await (await get(app, "/inbox", alice)).text();
    const again = after.slice(after.indexOf(`/reports/${report.reference}"`));
    expect(again.slice(0, 3000)).not.toContain("marker-fix_disputed");
    const reportPage = await (await get(app, `/reports/${report.reference}`, alice)).text();
    expect(reportPage).not.toContain('id="fix-disputed"');
    expect(reportPage).toContain("Invited, no answer yet");
  });
});
