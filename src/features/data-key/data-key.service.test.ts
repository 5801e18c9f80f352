import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { createDataCipher, type DataCipher, envelopeKeyId } from "../../crypto/data-key.ts";
import { inboundEmails, outbox } from "../../db/schema.ts";
import { createServices } from "../../services.ts";
import { createDataKeyService } from "./data-key.service.ts";

/** The data-key service over the test database, with the search service that re-indexes what it re-seals. */
const dataKeyOf = (t: TestDb) => createDataKeyService({ db: t.database.db, search: t.services.search });

describe.each(DB_KINDS)("data key rotation (%s)", (kind) => {
  let t: TestDb | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const servicesWith = (db: TestDb, cipher: DataCipher) =>
    createServices({
      database: db.database,
      cipher,
      jobs: db.jobs,
      clock: db.clock,
      logger: pino({ level: "silent" }),
      publicUrl: "http://embargo.test",
      smtpConfigured: false,
      gitDir: db.services.deps.gitDir,
    });

  const keyIds = async (db: TestDb) => {
    const result = (await db.database.db.execute(
      sql`select body_enc as e from reports union all select body_enc from messages union all select data_enc from attachments
          union all select secrets_enc from outbox where secrets_enc is not null`,
    )) as unknown as { rows: { e: string }[] };
    return new Set(result.rows.map((r) => envelopeKeyId(r.e)));
  };

  it("re-seals every row, survives a failure midway, resumes, and is then a no-op", async () => {
    t = await createTestDb(kind);
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = servicesWith(t, createDataCipher(oldKey));
    for (let i = 0; i < 5; i++) {
      const { token } = await before.reports.submit(
        reportFields({
          description: `Preview renders HTML${i === 2 ? " beside the labradorite panel" : ""}.`,
        }),
        [{ filename: "poc.txt", data: Buffer.from(`proof ${i}`) }],
        "web",
      );
      await before.reports.replyAsReporter(token, { body: `A reply about ${i}.` });
    }
    await before.keys.ensureIntakeKey();
    // A reply held for a member's decision: its raw mail and readable text are sealed like everything else.
    const oldCipher = createDataCipher(oldKey);
    await t.database.db.insert(inboundEmails).values({
      dedupeKey: "mid:<held@example.net>",
      messageId: "<held@example.net>",
      status: "held",
      fromAddress: "forger@example.net",
      subject: "Re: EMB-2026-0001",
      details: { heldReason: "unsigned", heldText: oldCipher.encrypt("the held reply's text") },
      heldRaw: oldCipher.encrypt(Buffer.from("From: forger@example.net\r\n\r\nthe raw held mail")),
      firstSeenAt: t.clock(),
      updatedAt: t.clock(),
    });

    const rotating = createDataCipher(newKey, [oldKey]);
    expect(await dataKeyOf(t).pending(rotating)).toEqual({
      reports: 5,
      messages: 5,
      attachments: 5,
      alert_channels: 0,
      intake_keys: 1,
      outbox: 5, // each receipt's tracking link, sealed until the mail is sent
      held_mail: 1,
      repositories: 0,
      package_verifications: 0,
    });
    // A failure after the first batch: that batch is committed, the rest is untouched.
    let calls = 0;
    await expect(
      dataKeyOf(t).rotate(rotating, {
        batchSize: 2,
        progress: () => {
          calls++;
          throw new Error("interrupted");
        },
      }),
    ).rejects.toThrow("interrupted");
    expect(calls).toBe(1);
    expect(await keyIds(t)).toEqual(new Set([rotating.keyId, createDataCipher(oldKey).keyId]));
    const middle = servicesWith(t, rotating);
    const list = await middle.reports.inbox({ state: "all" });
    expect(list.total).toBe(5);
    for (const r of list.items)
      expect(JSON.stringify(await middle.reports.teamView(r.id))).toContain("renders HTML");

    const lines: string[] = [];
    const result = await dataKeyOf(t).rotate(rotating, {
      batchSize: 2,
      progress: (table, done, total) => lines.push(`${table} ${done}/${total}`),
    });
    expect(result.changed).toBe(true);
    expect(lines).toContain("reports 3/3");
    expect(lines).toContain("messages 5/5");
    expect(lines).toContain("intake_keys 1/1");
    expect(lines).toContain("outbox 5/5");
    expect(lines).toContain("held_mail 1/1");
    expect(await keyIds(t)).toEqual(new Set([rotating.keyId]));

    // Only the new key from now on: everything reads, and search finds the report by a word of its body.
    const after = servicesWith(t, createDataCipher(newKey));
    const all = await after.reports.inbox({ state: "all" });
    for (const r of all.items) {
      const view = await after.reports.teamView(r.id);
      expect(JSON.stringify(view)).toContain("renders HTML");
    }
    expect((await after.reports.inbox({ q: "labradorite", state: "all" })).total).toBe(1);
    // The unsent receipts' links open under the new key alone, so held mail can still be sent.
    const sealed = await t.database.db.select({ s: outbox.secretsEnc }).from(outbox);
    expect(sealed).toHaveLength(5);
    for (const { s } of sealed)
      expect(createDataCipher(newKey).decryptJson<string[]>(s!)).toEqual([
        expect.stringMatching(/^http:\/\/embargo\.test\/r\/[A-Za-z0-9_-]{22}$/),
      ]);
    const [held] = await t.database.db.select().from(inboundEmails);
    expect(createDataCipher(newKey).decrypt(held!.heldRaw!).toString()).toContain("the raw held mail");
    expect(createDataCipher(newKey).decryptText((held!.details as { heldText: string }).heldText)).toBe(
      "the held reply's text",
    );
    expect((await after.audit.verify()).ok).toBe(true);

    const countEvents = async () =>
      (
        (await t!.database.db.execute(
          sql`select count(*)::int as n from audit_events where action like 'data_key.%'`,
        )) as unknown as { rows: { n: number }[] }
      ).rows[0]!.n;
    expect(await countEvents()).toBe(3);
    const again = await dataKeyOf(t).rotate(createDataCipher(newKey), { batchSize: 2 });
    expect(again.changed).toBe(false);
    expect(await countEvents()).toBe(3);
  });

  it("stops without changing a row when a value is sealed under a key it does not hold", async () => {
    t = await createTestDb(kind);
    const oldKey = randomBytes(32);
    await servicesWith(t, createDataCipher(oldKey)).reports.submit(reportFields(), [], "web");
    const wrong = createDataCipher(randomBytes(32), [randomBytes(32)]);
    await expect(dataKeyOf(t).rotate(wrong)).rejects.toThrow(/not loaded/);
    expect(await keyIds(t)).toEqual(new Set([createDataCipher(oldKey).keyId]));
  });
});
