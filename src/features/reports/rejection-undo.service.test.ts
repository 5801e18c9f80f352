import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { createMailDeliveryHandler } from "../outbox/outbox.jobs.ts";

const MINUTE = 60_000;

describe.each(DB_KINDS)("undoing a rejection on %s", (kind) => {
  let t: TestDb;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  beforeAll(async () => {
    t = await createTestDb(kind);
    team = await makeTeam(t);
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });
  });
  afterAll(async () => {
    await t?.close();
  });
  const rows = async (q: ReturnType<typeof sql>) =>
    ((await t.database.db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;
  const act = (ref: string, input: Record<string, unknown>, who = team.alice) =>
    t.services.reports.act(who, ref, input);
  /** The report's row as stored, without the fields every change writes. */
  const reportRow = async (id: string) => {
    const [row] = await rows(sql`select * from reports where id = ${id}`);
    const { updated_at: _u, rejection_undo: _r, search_index: _s, ...rest } = row!;
    return rest;
  };
  const outboxOf = (id: string) =>
    rows(sql`select id, status, last_error from outbox where report_id = ${id} order by created_at, id`);
  const auditOf = (id: string, action: string) =>
    rows(sql`select data from audit_events where report_id = ${id} and action = ${action} order by seq`);
  const deliverWith = (sent: unknown[]) =>
    createMailDeliveryHandler({
      db: t.database.db,
      transport: async (mail) => {
        sent.push(mail);
      },
      clock: t.clock,
      publicHost: "embargo.test",
      cipher: t.services.deps.cipher,
      keys: t.services.keys,
    });

  /** A report in triage with Alice as Response Manager; the clock then moves on so later mail is told apart. */
  const inTriage = async (email = "researcher@example.net") => {
    const submitted = await t.services.reports.submit(reportFields({ email }), [], "web");
    const ref = submitted.report.reference;
    await act(ref, { action: "acknowledge" });
    await act(ref, { action: "assign", assignee: team.alice.email });
    await act(ref, { action: "start_triage" });
    t.clock.advance(MINUTE);
    return { ref, id: submitted.report.id, token: submitted.token };
  };

  it("puts a spam-rejected report back exactly as it was, audited, with nothing sent", async () => {
    const { ref, id } = await inTriage();
    const before = await reportRow(id);
    const mailBefore = await outboxOf(id);
    await act(ref, { action: "reject", reason: "spam" });
    expect((await t.services.reports.teamView(ref)).undoRejection).toMatchObject({
      possible: true,
      reason: "spam",
      previousState: "triage",
      until: null,
    });

    t.clock.advance(3 * 24 * 60 * MINUTE); // days later: spam told no one, so it can still be undone
    const result = await act(ref, { action: "undo_rejection" });
    expect(result.state).toBe("triage");
    expect(await reportRow(id)).toEqual(before);
    const [stored] = await rows(sql`select rejection_undo from reports where id = ${id}`);
    expect(stored!.rejection_undo).toBeNull();
    expect(await outboxOf(id)).toEqual(mailBefore);
    const [event] = await auditOf(id, "report.undo_rejection");
    expect(event!.data).toMatchObject({ from: "rejected", to: "triage", reason: "spam", cancelledMails: 0 });
    expect((await t.services.reports.teamView(ref)).availableActions).toContain("reject");
  });

  it("refuses a double undo with a clear message and changes nothing", async () => {
    const { ref, id } = await inTriage();
    await act(ref, { action: "reject", reason: "spam" });
    await act(ref, { action: "undo_rejection" });
    const after = await reportRow(id);
    await expect(act(ref, { action: "undo_rejection" })).rejects.toMatchObject({
      status: 409,
      code: "invalid_transition",
      userMessage: expect.stringContaining("Undo rejection is only possible when the report is Rejected"),
    });
    expect(await reportRow(id)).toEqual(after);
    expect(await auditOf(id, "report.undo_rejection")).toHaveLength(1);
  });

  it("cancels the unsent rejection mail, withdraws the message from the reporter, and sends nothing later", async () => {
    const { ref, id, token } = await inTriage();
    const before = await reportRow(id);
    await act(ref, {
      action: "reject",
      reason: "out_of_scope",
      message: "The staging host is out of scope.",
    });
    const queued = (await outboxOf(id)).at(-1)!;
    expect(queued.status).toBe("queued");
    expect((await t.services.reports.reporterView(token))!.messages.map((m) => m.body)).toContain(
      "The staging host is out of scope.",
    );

    t.clock.advance(9 * MINUTE);
    await act(ref, { action: "undo_rejection" });
    expect(await reportRow(id)).toEqual(before);
    const cancelled = (await outboxOf(id)).find((m) => m.id === queued.id)!;
    expect(cancelled.status).toBe("cancelled");
    expect(String(cancelled.last_error)).toContain("was undone before this mail left");

    // The reporter's page no longer shows the message or the rejection step; the team keeps the message.
    const reporter = (await t.services.reports.reporterView(token))!;
    expect(reporter.messages.map((m) => m.body)).not.toContain("The staging host is out of scope.");
    expect(JSON.stringify(reporter)).not.toContain("Closed without a fix");
    const teamView = await t.services.reports.teamView(ref);
    const withdrawn = teamView.messages.find((m) => m.body === "The staging host is out of scope.")!;
    expect(withdrawn.visibility).toBe("internal");
    expect(withdrawn.withdrawnAt).toEqual(t.clock());

    // The delivery job, retried later, sends nothing.
    const sent: unknown[] = [];
    await deliverWith(sent)({ outboxId: queued.id });
    expect(sent).toHaveLength(0);
    expect((await outboxOf(id)).find((m) => m.id === queued.id)!.status).toBe("cancelled");
    const [event] = await auditOf(id, "report.undo_rejection");
    expect(event!.data).toMatchObject({
      reason: "out_of_scope",
      cancelledMails: 1,
      withdrawnMessageId: withdrawn.id,
    });
  });

  it("refuses once the ten-minute window is over", async () => {
    const { ref, id } = await inTriage();
    await act(ref, { action: "reject", reason: "invalid", message: "This is expected behaviour." });
    t.clock.advance(10 * MINUTE + 1000);
    const row = await reportRow(id);
    await expect(act(ref, { action: "undo_rejection" })).rejects.toMatchObject({
      status: 409,
      code: "guard_failed",
      userMessage: expect.stringContaining("can be undone only within 10 minutes"),
    });
    expect(await reportRow(id)).toEqual(row);
    expect((await outboxOf(id)).at(-1)!.status).toBe("queued");
  });

  it("refuses once the rejection mail was sent", async () => {
    const { ref, id } = await inTriage();
    await act(ref, { action: "reject", reason: "informative", message: "Thanks, but this is informative." });
    const mail = (await outboxOf(id)).at(-1)!;
    const sent: unknown[] = [];
    await deliverWith(sent)({ outboxId: mail.id });
    expect(sent).toHaveLength(1);
    await expect(act(ref, { action: "undo_rejection" })).rejects.toMatchObject({
      status: 409,
      userMessage: expect.stringContaining("has already been sent"),
    });
    expect((await t.services.reports.teamView(ref)).state).toBe("rejected");
  });

  it("refuses once the reporter answered the rejection", async () => {
    const { ref, token } = await inTriage();
    await act(ref, { action: "reject", reason: "wont_fix", message: "We accept this risk." });
    await t.services.reports.replyAsReporter(token, { body: "Please reconsider." });
    await expect(act(ref, { action: "undo_rejection" })).rejects.toMatchObject({
      status: 409,
      userMessage: expect.stringContaining("written to each other since the rejection"),
    });
  });

  it("undoes a rejection of a reporter without an address: nothing to cancel, message withdrawn", async () => {
    const { ref, id } = await inTriage("");
    const before = await reportRow(id);
    const mailBefore = await outboxOf(id); // the team's own alerts about the report
    await act(ref, { action: "reject", reason: "not_reproducible", message: "We could not reproduce it." });
    expect(await outboxOf(id)).toEqual(mailBefore);
    await act(ref, { action: "undo_rejection" });
    expect(await reportRow(id)).toEqual(before);
    expect(await outboxOf(id)).toEqual(mailBefore);
    const [event] = await auditOf(id, "report.undo_rejection");
    expect(event!.data).toMatchObject({ cancelledMails: 0, withdrawnMessageId: expect.any(String) });
  });

  it("restores a needs-info pause the rejection ended: flag, start, paused time and deadlines", async () => {
    const { ref, id } = await inTriage();
    await act(ref, { action: "request_info", message: "Which version?" });
    t.clock.advance(2 * 60 * MINUTE);
    const before = await reportRow(id);
    expect(before.needs_info).toBe(true);
    await act(ref, { action: "reject", reason: "spam" });
    expect((await reportRow(id)).needs_info).toBe(false);
    await act(ref, { action: "undo_rejection" });
    expect(await reportRow(id)).toEqual(before);
  });

  it("undoes a duplicate marking: the link goes, and the original's timeline says so", async () => {
    const original = await inTriage();
    const dup = await inTriage();
    const before = await reportRow(dup.id);
    await act(dup.ref, { action: "mark_duplicate", of: original.ref, message: "Already reported." });
    await act(dup.ref, { action: "undo_rejection" });
    expect(await reportRow(dup.id)).toEqual(before);
    const [unlinked] = await auditOf(original.id, "report.duplicate_unlinked");
    expect(unlinked!.data).toMatchObject({ duplicateId: dup.id, duplicateReference: dup.ref });
  });

  it("is gone once the report is closed, and a reopened report's new rejection is undone on its own", async () => {
    const { ref } = await inTriage();
    await act(ref, { action: "reject", reason: "spam" });
    await act(ref, { action: "close", message: "Closing this." });
    await expect(act(ref, { action: "undo_rejection" })).rejects.toMatchObject({ status: 409 });
    await act(ref, { action: "reopen", reason: "It was real after all." });
    t.clock.advance(MINUTE);
    await act(ref, { action: "reject", reason: "spam" });
    expect((await act(ref, { action: "undo_rejection" })).state).toBe("triage");
  });

  it("refuses an undo by a viewer, and on a report that was never rejected", async () => {
    const { ref } = await inTriage();
    await expect(act(ref, { action: "undo_rejection" })).rejects.toMatchObject({
      status: 409,
      code: "invalid_transition",
    });
    await act(ref, { action: "reject", reason: "spam" });
    await expect(act(ref, { action: "undo_rejection" }, team.viewer)).rejects.toMatchObject({ status: 403 });
    expect((await t.services.reports.teamView(ref)).state).toBe("rejected");
  });
});
