import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { gpgSignedEntity, mailWith, mimeEntity } from "../../../test/helpers/mail.ts";
import { type Gpg, gpgKey, makeGpg, researcherGpg } from "../../../test/helpers/pgp.ts";
import { startSmtp } from "../../../test/helpers/smtp.ts";
import { auditEvents, inboundEmails, outbox, reports } from "../../db/schema.ts";
import { createMailTransport } from "../../mail/transport.ts";
import { createMailDeliveryHandler } from "../outbox/outbox.jobs.ts";
import type { InboundDetails } from "./mail-intake.types.ts";

const RITA = "Rita Reporter <rita@researcher.test>";
const BODY = "The export endpoint returns other tenants' invoices when the tenant id is changed in the URL.";

describe.each(DB_KINDS)("held replies and pending keys on %s", (kind) => {
  let t: TestDb;
  let gpg: Gpg;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let rita: { fingerprint: string; publicArmored: string };
  let n = 0;

  const intake = () => t.services.mailIntake;
  const importRaw = (raw: string) => intake().importMessage(Buffer.from(raw, "utf8"));
  const inboundFor = async (messageId: string) =>
    (await t.database.db.select().from(inboundEmails).where(eq(inboundEmails.messageId, messageId)))[0]!;
  const outboxCount = async (reportId: string) =>
    (
      await t.database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(outbox)
        .where(eq(outbox.reportId, reportId))
    )[0]!.n;
  const auditActions = async (reportId: string) =>
    (
      await t.database.db
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(eq(auditEvents.reportId, reportId))
    ).map((e) => e.action);
  const reporterTexts = async (reference: string) =>
    (await t.services.reports.teamView(reference)).messages
      .filter((m) => m.authorType === "reporter")
      .map((m) => m.body);

  /** A report by Rita; with `key`, her key came with it and is on file. */
  async function ritasReport(key: boolean) {
    n += 1;
    const files = key
      ? [{ filename: "k.asc", contentType: "application/pgp-keys", data: Buffer.from(rita.publicArmored) }]
      : [];
    const created = await importRaw(
      mailWith(
        { from: RITA, subject: `Tenant leak ${n}`, messageId: `root-${n}@researcher.test` },
        mimeEntity(BODY, files),
      ),
    );
    if (created.outcome !== "created") throw new Error(JSON.stringify(created));
    return created;
  }

  beforeAll(async () => {
    t = await createTestDb(kind);
    team = await makeTeam(t);
    await raiseIntakeLimits(t);
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });
    ({ gpg, own: rita } = await researcherGpg(t, RITA));
  }, 60_000);
  afterAll(async () => {
    gpg?.close();
    await t?.close();
  });

  it("holds a forged From naming the report by subject or plus-address, unsigned: not in the conversation, nothing mailed", async () => {
    const created = await ritasReport(true);
    const mailsBefore = await outboxCount(created.reportId);
    const bySubject = await importRaw(
      mailWith(
        { from: RITA, subject: `Re: ${created.reference}`, messageId: `forged-subject-${n}@evil.test` },
        mimeEntity("Please send the details to my new address."),
      ),
    );
    expect(bySubject).toMatchObject({ outcome: "held", reportId: created.reportId, reason: "unsigned" });
    const byPlus = await importRaw(
      mailWith(
        {
          from: RITA,
          to: `security+${created.reference}@embargo.test`,
          subject: "follow-up",
          messageId: `forged-plus-${n}@evil.test`,
        },
        mimeEntity("Another forged follow-up."),
      ),
    );
    expect(byPlus).toMatchObject({ outcome: "held", reason: "unsigned" });
    expect(await reporterTexts(created.reference)).toEqual([]);
    expect(await outboxCount(created.reportId)).toBe(mailsBefore);
    const row = await inboundFor(`forged-subject-${n}@evil.test`);
    expect(row.status).toBe("held");
    expect(row.heldRaw).toBeTruthy();
    expect(row.heldRaw).not.toContain("new address");
    expect((row.details as InboundDetails).heldReason).toBe("unsigned");
    expect(await auditActions(created.reportId)).toContain("mail.reply_held");
    // Imported again (a second poll), it stays held once.
    expect(
      await importRaw(
        mailWith(
          { from: RITA, subject: `Re: ${created.reference}`, messageId: `forged-subject-${n}@evil.test` },
          mimeEntity("Please send the details to my new address."),
        ),
      ),
    ).toEqual({ outcome: "duplicate", reportId: created.reportId });
    // What waits is shown to the team with its text and reason.
    const waiting = await intake().toConfirm(created.reportId);
    expect(waiting.held.map((h) => h.text)).toEqual([
      "Please send the details to my new address.",
      "Another forged follow-up.",
    ]);
    expect(waiting.held[0]!.reason).toContain("Not signed");
  });

  it("holds a forged reply signed by a key it carries itself, and one signed before the reporter had a key", async () => {
    const created = await ritasReport(true);
    // The forger makes a key in Rita's name on their own machine.
    const evil = makeGpg();
    const mallory = gpgKey(evil, RITA);
    const forged = await importRaw(
      mailWith(
        { from: RITA, subject: `Re: ${created.reference}`, messageId: `forged-signed-${n}@evil.test` },
        gpgSignedEntity(
          evil,
          mimeEntity("Use my new key from now on.", [
            {
              filename: "new.asc",
              contentType: "application/pgp-keys",
              data: Buffer.from(mallory.publicArmored),
            },
          ]),
          mallory.fingerprint,
        ),
      ),
    );
    evil.close();
    expect(forged).toMatchObject({ outcome: "held", reason: "other_key" });
    // Rita's key is on file for another of her reports, but not for this one: it proves nothing here.
    const keyless = await ritasReport(false);
    const signed = await importRaw(
      mailWith(
        { from: RITA, subject: `Re: ${keyless.reference}`, messageId: `signed-nokey-${n}@researcher.test` },
        gpgSignedEntity(gpg, mimeEntity("Signed, but this report has no key."), rita.fingerprint),
      ),
    );
    expect(signed).toMatchObject({ outcome: "held", reason: "no_key_on_file" });
  });

  it("joins a reply naming the report by subject when the reporter's key on file signed it", async () => {
    const created = await ritasReport(true);
    const result = await importRaw(
      mailWith(
        { from: RITA, subject: `Re: ${created.reference}`, messageId: `signed-${n}@researcher.test` },
        gpgSignedEntity(gpg, mimeEntity("Signed: the second tenant is affected too."), rita.fingerprint),
      ),
    );
    expect(result).toMatchObject({ outcome: "appended", threadedBy: "subject" });
    expect(await reporterTexts(created.reference)).toEqual(["Signed: the second tenant is affected too."]);
  });

  it("a team member accepts a held reply: it becomes the reporter's message, audited, nothing sent to the reporter", async () => {
    const created = await ritasReport(false);
    await importRaw(
      mailWith(
        { from: RITA, subject: `Re: ${created.reference}`, messageId: `held-ok-${n}@researcher.test` },
        mimeEntity("Sent from my phone, unsigned."),
      ),
    );
    const row = await inboundFor(`held-ok-${n}@researcher.test`);
    const toRita = async () =>
      (
        await t.database.db
          .select({ id: outbox.id })
          .from(outbox)
          .where(and(eq(outbox.reportId, created.reportId), eq(outbox.toAddress, "rita@researcher.test")))
      ).length;
    const before = await toRita();
    await expect(intake().acceptHeld(team.viewer, row.id)).rejects.toMatchObject({ status: 403 });
    expect(await intake().acceptHeld(team.alice, row.id)).toEqual({ reference: created.reference });
    expect(await reporterTexts(created.reference)).toEqual(["Sent from my phone, unsigned."]);
    expect(await toRita()).toBe(before);
    const after = await inboundFor(`held-ok-${n}@researcher.test`);
    expect(after).toMatchObject({ status: "imported", heldRaw: null });
    expect(after.messageRowId).toBeTruthy();
    expect((after.details as InboundDetails).acceptedBy).toBe(team.alice.id);
    expect(await auditActions(created.reportId)).toEqual(
      expect.arrayContaining(["mail.reply_held", "message.from_reporter", "mail.reply_accepted"]),
    );
    // Decided once: a second accept finds nothing waiting.
    await expect(intake().acceptHeld(team.alice, row.id)).rejects.toMatchObject({ status: 404 });
    expect((await intake().toConfirm(created.reportId)).held).toEqual([]);

    // Dismissed, a held reply never joins, and its sealed copy is gone.
    await importRaw(
      mailWith(
        { from: RITA, subject: `Re: ${created.reference}`, messageId: `held-no-${n}@evil.test` },
        mimeEntity("Forged."),
      ),
    );
    const forged = await inboundFor(`held-no-${n}@evil.test`);
    await intake().dismissHeld(team.alice, forged.id);
    expect(await inboundFor(`held-no-${n}@evil.test`)).toMatchObject({ status: "dismissed", heldRaw: null });
    expect(await reporterTexts(created.reference)).toEqual(["Sent from my phone, unsigned."]);
    expect(await auditActions(created.reportId)).toContain("mail.reply_dismissed");
    expect(await t.services.audit.verify()).toMatchObject({ ok: true });
  });

  it("a reply by In-Reply-To of our mail joins by itself, but its key waits: no mail is encrypted to it until confirmed", async () => {
    const smtp = await startSmtp();
    try {
      const deliver = createMailDeliveryHandler({
        db: t.database.db,
        transport: createMailTransport(`smtp://127.0.0.1:${smtp.port}`, "security@embargo.test"),
        clock: t.clock,
        publicHost: "embargo.test",
        cipher: t.services.deps.cipher,
        keys: t.services.keys,
      });
      const created = await ritasReport(false);
      const [ack] = await t.database.db.select().from(outbox).where(eq(outbox.reportId, created.reportId));
      const reply = await importRaw(
        mailWith(
          {
            from: RITA,
            subject: "Re: your report",
            messageId: `with-key-${n}@researcher.test`,
            inReplyTo: `${ack!.id}@embargo.test`,
          },
          mimeEntity("Here is my key.", [
            { filename: "k.asc", contentType: "application/pgp-keys", data: Buffer.from(rita.publicArmored) },
          ]),
        ),
      );
      expect(reply).toMatchObject({ outcome: "appended", threadedBy: "message-id" });
      const reporterKey = async () => {
        const [row] = await t.database.db.select().from(reports).where(eq(reports.id, created.reportId));
        return (await t.services.keys.reporterKey(row!.reporterId))?.fingerprint ?? null;
      };
      const inbound = await inboundFor(`with-key-${n}@researcher.test`);
      expect((inbound.details as InboundDetails).pendingKey).toMatchObject({
        fingerprint: rita.fingerprint,
        state: "pending",
      });
      expect((await intake().toConfirm(created.reportId)).keys.map((k) => k.fingerprint)).toEqual([
        rita.fingerprint,
      ]);
      expect(await reporterKey()).toBeNull();
      await deliver({ outboxId: ack!.id });
      expect(smtp.mails[0]).not.toContain("multipart/encrypted");

      await expect(intake().confirmKey(team.viewer, inbound.id)).rejects.toMatchObject({ status: 403 });
      await intake().confirmKey(team.alice, inbound.id);
      expect(await auditActions(created.reportId)).toContain("mail.key_confirmed");
      expect(await reporterKey()).toBe(rita.fingerprint);
      await t.services.reports.postMessage(team.alice, created.reference, {
        body: "Thanks, we can reproduce it.",
        visibility: "reporter",
      });
      const queued = await t.database.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.reportId, created.reportId), eq(outbox.status, "queued")));
      for (const mail of queued.filter((m) => m.toAddress === "rita@researcher.test"))
        await deliver({ outboxId: mail.id });
      expect(smtp.mails.at(-1)).toContain("multipart/encrypted");
      await expect(intake().confirmKey(team.alice, inbound.id)).rejects.toMatchObject({ status: 404 });
    } finally {
      await smtp.close();
    }
  });
});
