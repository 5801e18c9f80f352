import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { createMailDeliveryHandler } from "../outbox/outbox.jobs.ts";

describe.each(DB_KINDS)("reports service on %s", (kind) => {
  let t: TestDb;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  beforeAll(async () => {
    t = await createTestDb(kind);
    team = await makeTeam(t);
  });
  afterAll(async () => {
    await t?.close();
  });
  const rows = async (q: ReturnType<typeof sql>) =>
    ((await t.database.db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;

  it("stores report text, messages and attachments only as ciphertext", async () => {
    const secret = "UNIQUE-PLAINTEXT-MARKER-7f3a";
    const { report } = await t.services.reports.submit(
      reportFields({ description: `The preview leaks ${secret} to anyone.` }),
      [{ filename: "poc.txt", data: Buffer.from(`attachment ${secret}`) }],
      "web",
    );
    await t.services.reports.postMessage(team.alice, report.id, {
      body: `note ${secret}`,
      visibility: "internal",
    });
    const dump = JSON.stringify([
      await rows(sql`select * from reports`),
      await rows(sql`select * from messages`),
      await rows(sql`select * from attachments`),
      await rows(sql`select * from audit_events`),
    ]);
    expect(dump).not.toContain(secret);
    const view = await t.services.reports.teamView(report.id);
    expect(view.description).toContain(secret);
    const file = await t.services.reports.attachmentForTeam(report.reference, view.attachments[0]!.id);
    expect(file.data.toString()).toBe(`attachment ${secret}`);
  });

  it("keeps only the hash of the tracking token", async () => {
    const { token, report } = await t.services.reports.submit(reportFields(), [], "api");
    const stored = await rows(sql`select token_hash from tracking_tokens where report_id = ${report.id}`);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toBe(token);
    expect(String(stored[0]!.token_hash)).toMatch(/^[0-9a-f]{64}$/);
    expect(token.length).toBeGreaterThanOrEqual(22); // 128 bits in base64url
  });

  it("refuses invalid intake naming every field, and stores nothing", async () => {
    const before = await rows(sql`select count(*)::int as n from reports`);
    await expect(
      t.services.reports.submit(
        {
          title: "x",
          asset: "",
          description: "short",
          steps: "",
          impact: "",
          email: "nope",
          credit: "name",
          weakness: "CWE-0",
        },
        [{ filename: "evil.exe", data: Buffer.from("MZ") }],
        "web",
      ),
    ).rejects.toMatchObject({
      status: 400,
      fields: {
        title: expect.any(String),
        asset: expect.any(String),
        description: expect.any(String),
        steps: expect.any(String),
        impact: expect.any(String),
        email: expect.any(String),
        weakness: expect.any(String),
        attachments: expect.stringMatching(/evil\.exe/),
      },
    });
    const after = await rows(sql`select count(*)::int as n from reports`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it("gives references in sequence and deadlines from the SLA settings", async () => {
    t.clock.set("2026-03-06T15:00:00Z"); // a Friday
    const a = await t.services.reports.submit(reportFields(), [], "web");
    const b = await t.services.reports.submit(reportFields(), [], "web");
    const n = (ref: string) => Number(ref.split("-")[2]);
    expect(a.report.reference).toMatch(/^EMB-2026-\d{4}$/);
    expect(n(b.report.reference)).toBe(n(a.report.reference) + 1);
    // 1 business day from Friday afternoon is Monday afternoon
    expect(a.report.acknowledgeBy.toISOString()).toBe("2026-03-09T15:00:00.000Z");
    expect(a.report.resolveBy.toISOString()).toBe("2026-06-04T15:00:00.000Z");
  });

  it("writes the acknowledgement mail to the outbox in the same transaction and holds it without SMTP", async () => {
    const { report } = await t.services.reports.submit(
      reportFields({ email: "ack-test@example.net" }),
      [],
      "web",
    );
    await t.services.reports.act(team.alice, report.id, { action: "acknowledge" });
    const mails = await rows(
      sql`select id, subject, body, status from outbox where to_address = 'ack-test@example.net' order by created_at`,
    );
    expect(mails).toHaveLength(2); // receipt with the link, then the acknowledgement notice
    expect(String(mails[0]!.body)).toContain("[private tracking link 1, sealed]"); // the link goes in at sending
    for (const mail of mails) {
      expect(String(mail.body)).not.toContain("comment preview"); // no vulnerability details in plaintext mail
      expect(String(mail.subject)).toContain(report.reference);
    }
    const deliver = createMailDeliveryHandler({
      db: t.database.db,
      transport: undefined,
      clock: t.clock,
      publicHost: "embargo.test",
      cipher: t.services.deps.cipher,
      keys: t.services.keys,
    });
    await deliver({ outboxId: mails[1]!.id });
    const [held] = await rows(sql`select status from outbox where id = ${mails[1]!.id}`);
    expect(held!.status).toBe("held");
  });

  it("rolls back the whole action, mail included, when the audit write fails", async () => {
    const { report } = await t.services.reports.submit(
      reportFields({ email: "rollback@example.net" }),
      [],
      "web",
    );
    await t.database.db.execute(
      sql`alter table audit_events add constraint no_ack check (action <> 'report.acknowledge') not valid`,
    );
    try {
      await expect(
        t.services.reports.act(team.alice, report.id, { action: "acknowledge" }),
      ).rejects.toThrow();
    } finally {
      await t.database.db.execute(sql`alter table audit_events drop constraint no_ack`);
    }
    const view = await t.services.reports.teamView(report.id);
    expect(view.state).toBe("new");
    expect(view.messages).toHaveLength(0);
    const mails = await rows(
      sql`select count(*)::int as n from outbox where to_address = 'rollback@example.net'`,
    );
    expect(mails[0]!.n).toBe(1); // only the receipt
  });
});
