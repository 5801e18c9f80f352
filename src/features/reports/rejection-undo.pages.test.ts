import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  get,
  offeredActions,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";

describe.each(DB_KINDS)("spam confirmation and undo on the pages and the API on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let alice: Session;
  let viewer: Session;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ team, alice, viewer } = await signedInTeam(app, t));
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });
  });
  afterAll(async () => {
    await t?.close();
  });

  const outboxCount = async (reportId: string) => {
    const result = (await t.database.db.execute(
      sql`select count(*)::int as n from outbox where report_id = ${reportId} and status <> 'cancelled'`,
    )) as unknown as { rows: { n: number }[] };
    return Number(result.rows[0]!.n);
  };
  const inTriage = async (email = "researcher@example.net") => {
    const { report } = await t.services.reports.submit(reportFields({ email }), [], "web");
    for (const input of [
      { action: "acknowledge" },
      { action: "assign", assignee: team.alice.email },
      { action: "start_triage" },
    ])
      await t.services.reports.act(team.alice, report.reference, input);
    t.clock.advance(60_000);
    return { ref: report.reference, id: report.id };
  };
  const follow = async (res: Response) => {
    expect(res.status).toBe(303);
    const page = await get(app, res.headers.get("location")!, alice);
    expect(page.status).toBe(200);
    return unescapeHtml(await page.text());
  };
  const api = (path: string, body: unknown) =>
    app.request(path, {
      method: "POST",
      headers: { authorization: `Bearer ${team.alice.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("without JS: spam → confirmation page → confirm → a true message → undo → back in triage, nothing mailed", async () => {
    const { ref, id } = await inTriage();
    const page = unescapeHtml(await (await get(app, `/reports/${ref}`, alice)).text());
    // The report page offers a link to the confirmation, not a one-click form.
    expect(page).toContain(`<a href="/reports/${ref}/spam" class="button danger"`);
    expect(page).not.toContain('name="reason" value="spam"');

    const confirm = await get(app, `/reports/${ref}/spam`, alice);
    expect(confirm.status).toBe(200);
    expect(confirm.headers.get("cache-control")).toContain("no-store");
    const confirmHtml = unescapeHtml(await confirm.text());
    expect(confirmHtml).toContain(`Reject ${ref} as spam?`);
    expect(confirmHtml).toContain("Nothing is sent to the sender");
    expect(confirmHtml).toContain(`<form method="post" action="/reports/${ref}/actions"`);
    expect(confirmHtml).toContain('name="reason" value="spam"');
    expect(confirmHtml).toContain(`<a href="/reports/${ref}#actions" class="button secondary">Cancel</a>`);
    expect((await t.services.reports.teamView(ref)).state).toBe("triage"); // looking asks, it does not act

    const mails = await outboxCount(id);
    const rejected = await follow(
      await post(app, `/reports/${ref}/actions`, alice, { action: "reject", reason: "spam" }),
    );
    expect(rejected).toContain(
      "Rejected as spam and hidden from the inbox. Nothing was sent to the sender. You can undo it below.",
    );
    expect(rejected).not.toContain("told why");
    expect(offeredActions(rejected)).toEqual(expect.arrayContaining(["undo_rejection", "close"]));
    expect(rejected).toContain("Undo puts the report back in Triage, exactly as it was. It mails no one.");
    expect(await outboxCount(id)).toBe(mails);

    const undone = await follow(
      await post(app, `/reports/${ref}/actions`, alice, { action: "undo_rejection" }),
    );
    expect(undone).toContain(
      "The rejection is undone: the report is back in Triage, as it was. No one was mailed.",
    );
    expect(undone).toContain("Rejection as Spam undone; back in Triage. No one was mailed.");
    expect((await t.services.reports.teamView(ref)).state).toBe("triage");
    expect(await outboxCount(id)).toBe(mails);
    expect(offeredActions(undone)).not.toContain("undo_rejection");
  });

  it("with htmx, answers the same confirmation as a fragment to put in place", async () => {
    const { ref } = await inTriage();
    const res = await get(app, `/reports/${ref}/spam`, alice, { "HX-Request": "true" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("<html");
    expect(html).toMatch(/^<section id="action-spam"/);
    expect(html).toContain('name="reason" value="spam"');
    expect(html).toContain("autofocus");
  });

  it("explains on the confirmation page why a report cannot be rejected as spam, and refuses viewers", async () => {
    const { ref } = await inTriage();
    await t.services.reports.act(team.alice, ref, { action: "reject", reason: "spam" });
    const res = await get(app, `/reports/${ref}/spam`, alice);
    expect(res.status).toBe(409);
    const html = unescapeHtml(await res.text());
    expect(html).toContain(`${ref} is rejected, so it cannot be rejected as spam.`);
    expect(html).not.toContain('name="reason" value="spam"');
    const fragment = await get(app, `/reports/${ref}/spam`, alice, { "HX-Request": "true" });
    expect(await fragment.text()).toContain("cannot be rejected as spam");
    expect((await get(app, `/reports/${ref}/spam`, viewer)).status).toBe(403);
    expect((await get(app, "/reports/EMB-2026-9999/spam", alice)).status).toBe(404);
  });

  it("says truthfully where a rejection went: a queued mail with an address, the tracking page without", async () => {
    const withMail = await inTriage();
    const html = await follow(
      await post(app, `/reports/${withMail.ref}/actions`, alice, {
        action: "reject",
        reason: "out_of_scope",
        message: "The staging host is out of scope.",
      }),
    );
    expect(html).toContain(
      "The report is rejected. Your message is on the reporter's tracking page, and a mail to researcher@example.net telling them so is queued in the outbox. You can undo it below until",
    );
    expect(html).toContain(", while that mail is unsent.");

    const noMail = await inTriage("");
    const quiet = await follow(
      await post(app, `/reports/${noMail.ref}/actions`, alice, {
        action: "reject",
        reason: "invalid",
        message: "This is expected behaviour.",
      }),
    );
    expect(quiet).toContain(
      "Your message is on the reporter's tracking page. They gave no email address, so no mail was sent.",
    );
    const undone = await follow(
      await post(app, `/reports/${withMail.ref}/actions`, alice, { action: "undo_rejection" }),
    );
    expect(undone).toContain(
      "Your message was taken off the reporter's tracking page, and its mail, still unsent, was cancelled in the outbox.",
    );
    expect(undone).toContain("Withdrawn rejection");
  });

  it("refuses an undo after the window on the page and says why after the redirect, keeping the rejection", async () => {
    const { ref } = await inTriage();
    await t.services.reports.act(team.alice, ref, {
      action: "reject",
      reason: "informative",
      message: "Thanks; informative only.",
    });
    t.clock.advance(11 * 60_000);
    const page = unescapeHtml(await (await get(app, `/reports/${ref}`, alice)).text());
    expect(offeredActions(page)).not.toContain("undo_rejection");
    expect(page).toContain(
      "The rejection as Informative can no longer be undone: A rejection as Informative can be undone only within 10 minutes",
    );
    const refused = await follow(
      await post(app, `/reports/${ref}/actions`, alice, { action: "undo_rejection" }),
    );
    expect(refused).toContain("Undo rejection was not possible:");
    expect(refused).toContain("can be undone only within 10 minutes");
    expect((await t.services.reports.teamView(ref)).state).toBe("rejected");
  });

  it("undoes through the JSON API actions endpoint, and refuses a second undo with 409", async () => {
    const { ref, id } = await inTriage();
    expect((await api(`/api/v1/reports/${id}/actions`, { action: "reject", reason: "spam" })).status).toBe(
      200,
    );
    const res = await api(`/api/v1/reports/${ref}/actions`, { action: "undo_rejection" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ reference: ref, state: "triage" });
    const again = await api(`/api/v1/reports/${ref}/actions`, { action: "undo_rejection" });
    expect(again.status).toBe(409);
    const body = (await again.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_transition");
    expect(body.error.message).toContain("Undo rejection is only possible when the report is Rejected");
    const unknownField = await api(`/api/v1/reports/${ref}/actions`, { action: "undo_rejections" });
    expect(unknownField.status).toBe(400);
  });
});
