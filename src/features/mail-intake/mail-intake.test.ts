import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { gpgEncryptedEntity, gpgSignedEntity, mailWith, mimeEntity } from "../../../test/helpers/mail.ts";
import { type Gpg, gpgKey, researcherGpg } from "../../../test/helpers/pgp.ts";
import { startSmtp } from "../../../test/helpers/smtp.ts";
import { attachments, inboundEmails, messages, outbox, reports } from "../../db/schema.ts";
import { createMailTransport } from "../../mail/transport.ts";
import { createMailDeliveryHandler } from "../outbox/outbox.jobs.ts";
import type { InboundDetails } from "./mail-intake.service.ts";

const RITA = "Rita Reporter <rita@researcher.test>";
const BODY =
  "The password reset endpoint accepts any token once the account's email is known.\nSteps: request a reset, then POST /reset with token=0.";

describe.each(DB_KINDS)("mail intake on %s", (kind) => {
  let t: TestDb;
  let gpg: Gpg;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let rita: { fingerprint: string; publicArmored: string };
  let intakeFingerprint: string;

  const intake = () => t.services.mailIntake;
  const importRaw = (raw: string) => intake().importMessage(Buffer.from(raw, "utf8"));
  const reportCount = async () =>
    (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(reports))[0]!.n;
  const inboundFor = async (messageId: string) =>
    (await t.database.db.select().from(inboundEmails).where(eq(inboundEmails.messageId, messageId)))[0];

  beforeAll(async () => {
    t = await createTestDb(kind);
    team = await makeTeam(t);
    await raiseIntakeLimits(t);
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });
    ({ gpg, intakeFingerprint, own: rita } = await researcherGpg(t, RITA));
  }, 60_000);
  afterAll(async () => {
    gpg?.close();
    await t?.close();
  });

  it("turns a plain mail into a report with source email, and acknowledges it to the sender", async () => {
    const raw = mailWith(
      { from: RITA, subject: "Password reset accepts any token", messageId: "plain-1@researcher.test" },
      mimeEntity(BODY),
    );
    const result = await importRaw(raw);
    expect(result.outcome).toBe("created");
    if (result.outcome !== "created") return;
    const view = await t.services.reports.teamView(result.reference);
    expect(view.title).toBe("Password reset accepts any token");
    expect(view.description).toContain("POST /reset with token=0");
    const [row] = await t.database.db.select().from(reports).where(eq(reports.id, result.reportId));
    expect(row!.source).toBe("email");
    // The acknowledgement with the tracking link goes to the sender, never with the details.
    const mails = await t.database.db.select().from(outbox).where(eq(outbox.reportId, result.reportId));
    expect(mails.map((m) => m.toAddress)).toContain("rita@researcher.test");
    const receipt = mails.find((m) => m.toAddress === "rita@researcher.test")!;
    expect(receipt.body).toContain(result.reference);
    expect(receipt.body).toContain("[private tracking link 1, sealed]"); // the link goes in at sending
    expect(receipt.secretsEnc).toMatch(/^v1\./);
    expect(receipt.body).not.toContain("token=0");
    const inbound = await inboundFor("plain-1@researcher.test");
    expect(inbound?.status).toBe("imported");
    expect((inbound!.details as InboundDetails).encryption).toBe("none");
    expect((inbound!.details as InboundDetails).signature.status).toBe("unsigned");
  });

  it("imports the same message only once", async () => {
    const before = await reportCount();
    const raw = mailWith(
      { from: RITA, subject: "Open redirect on /login?next=", messageId: "twice@researcher.test" },
      mimeEntity("The next parameter accepts any absolute URL, so login links can send users elsewhere."),
    );
    const first = await importRaw(raw);
    const second = await importRaw(raw);
    expect(first.outcome).toBe("created");
    expect(second).toEqual({ outcome: "duplicate", reportId: (first as { reportId: string }).reportId });
    expect(await reportCount()).toBe(before + 1);
  });

  it("creates one report when two pollers import the same new mail at the same time", async () => {
    const before = await reportCount();
    const raw = mailWith(
      { from: RITA, subject: "Race: same mail twice at once", messageId: "race@researcher.test" },
      mimeEntity(BODY),
    );
    const results = await Promise.all([importRaw(raw), importRaw(raw), importRaw(raw)]);
    expect(results.filter((r) => r.outcome === "created")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "duplicate")).toHaveLength(2);
    expect(await reportCount()).toBe(before + 1);
  });

  it("never makes a report of, or answers, automatic mail; an admin can import it anyway or dismiss it", async () => {
    const before = await reportCount();
    const outboxBefore = (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(outbox))[0]!.n;
    const outOfOffice = `${mailWith(
      {
        from: RITA,
        subject: "Out of office: Update on your security report",
        messageId: "ooo@researcher.test",
      },
      mimeEntity("I am away until Monday."),
    ).replace("MIME-Version: 1.0", "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0")}`;
    const bounce = mailWith(
      {
        from: "Mail Delivery System <MAILER-DAEMON@mx.researcher.test>",
        subject: "Undelivered Mail",
        messageId: "bounce@mx.researcher.test",
      },
      'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n--r--\r\n',
    );
    const ourOwn = mailWith(
      {
        from: "Security <security@embargo.test>",
        subject: "[EMB-2026-0001] Update on your security report",
        messageId: "own@embargo.test",
      },
      mimeEntity("Hello, there is news."),
    );
    for (const raw of [outOfOffice, bounce, ourOwn])
      expect(await importRaw(raw)).toMatchObject({ outcome: "failed", code: "automatic" });
    expect(await reportCount()).toBe(before);
    // Nothing went back out: no acknowledgement to a robot.
    expect((await t.database.db.select({ n: sql<number>`count(*)::int` }).from(outbox))[0]!.n).toBe(
      outboxBefore,
    );
    const ooo = await inboundFor("ooo@researcher.test");
    expect(ooo!.error).toMatch(/Auto-Submitted: auto-replied/);
    await intake().dismiss(team.admin, (await inboundFor("bounce@mx.researcher.test"))!.id);
    expect((await intake().failures()).map((f) => f.messageId)).not.toContain("bounce@mx.researcher.test");
    expect((await importRaw(bounce)).outcome).toBe("skipped");
    await expect(intake().dismiss(team.admin, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({
      status: 404,
    });
    await expect(intake().dismiss(team.alice, ooo!.id)).rejects.toMatchObject({ status: 403 });
    // A person looked at it: retried, it is imported although it looks automatic.
    await intake().retry(team.admin, ooo!.id, "same");
    expect((await importRaw(outOfOffice)).outcome).toBe("created");
    expect(await reportCount()).toBe(before + 1);
  });

  it("holds back new reports beyond the hourly budget per sender, but not replies, until an admin retries", async () => {
    await raiseIntakeLimits(t, { emailReportsPerHourPerSender: 2 });
    try {
      const flood = (i: number) =>
        mailWith(
          {
            from: "flood@forged.test",
            subject: `Flood report number ${i}`,
            messageId: `flood-${i}@forged.test`,
          },
          mimeEntity(BODY),
        );
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await importRaw(flood(i)));
      expect(results.map((r) => r.outcome)).toEqual(["created", "created", "failed"]);
      expect(results[2]).toMatchObject({ code: "rate_limited" });
      const first = results[0] as { reportId: string; reference: string };
      // A reply to an existing report is not a new report: it is not held back.
      const [ack] = await t.database.db.select().from(outbox).where(eq(outbox.reportId, first.reportId));
      const reply = await importRaw(
        mailWith(
          {
            from: "flood@forged.test",
            subject: `Re: ${first.reference}`,
            messageId: "flood-reply@forged.test",
            inReplyTo: `${ack!.id}@embargo.test`,
          },
          mimeEntity("One more detail."),
        ),
      );
      expect(reply.outcome).toBe("appended");
      // An hour later the budget is back.
      t.clock.advance(60 * 60 * 1000);
      expect((await importRaw(flood(3))).outcome).toBe("created");
      const held = await inboundFor("flood-2@forged.test");
      await intake().retry(team.admin, held!.id, "same");
      await raiseIntakeLimits(t, { emailReportsPerHourPerSender: 1 });
      expect((await importRaw(flood(2))).outcome).toBe("created");
    } finally {
      await raiseIntakeLimits(t);
    }
  });

  it("marks our mail bounced when a delivery report returns it, and says so on the report's timeline", async () => {
    const created = await importRaw(
      mailWith(
        {
          from: "gone@researcher.test",
          subject: "Report from a mailbox that will vanish",
          messageId: "gone@researcher.test",
        },
        mimeEntity(BODY),
      ),
    );
    if (created.outcome !== "created") throw new Error("not created");
    const [ack] = await t.database.db.select().from(outbox).where(eq(outbox.reportId, created.reportId));
    await t.database.db.update(outbox).set({ status: "sent" }).where(eq(outbox.id, ack!.id));
    const dsn = mailWith(
      {
        from: "Mail Delivery System <MAILER-DAEMON@mx.researcher.test>",
        subject: "Undelivered Mail Returned to Sender",
        messageId: "dsn-1@mx.researcher.test",
      },
      [
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"',
        "",
        "--dsn",
        "Content-Type: text/plain",
        "",
        "I'm sorry to have to inform you that your message could not be delivered.",
        "--dsn",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.researcher.test",
        "",
        "Final-Recipient: rfc822; gone@researcher.test",
        "Action: failed",
        "Status: 5.1.1",
        "Diagnostic-Code: smtp; 550 5.1.1 <gone@researcher.test>: Recipient address rejected:",
        "    User unknown in virtual mailbox table",
        "--dsn",
        "Content-Type: text/rfc822-headers",
        "",
        "From: security@embargo.test",
        "To: gone@researcher.test",
        `Message-ID: <${ack!.id}@embargo.test>`,
        "--dsn--",
        "",
      ].join("\r\n"),
    );
    const result = await importRaw(dsn);
    expect(result).toMatchObject({ outcome: "failed", code: "automatic" });
    expect((result as { error: string }).error).toContain("returns our mail to gone@researcher.test");
    const [row] = await t.database.db.select().from(outbox).where(eq(outbox.id, ack!.id));
    expect(row).toMatchObject({
      status: "bounced",
      lastError:
        "Bounced: 550 5.1.1 <gone@researcher.test>: Recipient address rejected: User unknown in virtual mailbox table",
    });
    const view = await t.services.reports.teamView(created.reference);
    expect(view.timeline.map((e) => e.text).join("\n")).toContain(
      "Mail to gone@researcher.test bounced (550 5.1.1",
    );
    expect(await t.services.audit.verify()).toMatchObject({ ok: true });
  });

  it("decrypts PGP/MIME mail to the intake key, verifies the signature and keeps the key sent with it", async () => {
    const inner = mimeEntity(BODY, [
      { filename: "rita.asc", contentType: "application/pgp-keys", data: Buffer.from(rita.publicArmored) },
      {
        filename: "poc.txt",
        contentType: "text/plain",
        data: Buffer.from("curl -X POST https://app/reset -d token=0\n"),
      },
    ]);
    const raw = mailWith(
      { from: RITA, subject: "...", messageId: "encrypted-1@researcher.test" },
      gpgEncryptedEntity(
        gpg,
        `Subject: Account takeover through password reset\r\n${inner}`,
        intakeFingerprint,
        rita.fingerprint,
      ),
    );
    expect(raw).not.toContain("token=0");
    const result = await importRaw(raw);
    expect(result.outcome).toBe("created");
    if (result.outcome !== "created") return;
    const view = await t.services.reports.teamView(result.reference);
    // The protected subject inside the encrypted part is the title, not the outer "...".
    expect(view.title).toBe("Account takeover through password reset");
    expect(view.description).toContain("POST /reset with token=0");
    expect(view.attachments.map((a) => a.filename)).toEqual(["poc.txt"]);
    const details = (await inboundFor("encrypted-1@researcher.test"))!.details as InboundDetails;
    expect(details.encryption).toBe("pgp-mime");
    expect(details.signature).toMatchObject({
      status: "verified",
      fingerprint: rita.fingerprint,
      keySource: "attached",
    });
    expect(details.keyAdded).toBe(rita.fingerprint);
    const report = (await t.database.db.select().from(reports).where(eq(reports.id, result.reportId)))[0]!;
    expect((await t.services.keys.reporterKey(report.reporterId))?.fingerprint).toBe(rita.fingerprint);
    // At rest the attachment is ciphertext.
    const [file] = await t.database.db
      .select()
      .from(attachments)
      .where(eq(attachments.reportId, result.reportId));
    expect(file!.dataEnc).not.toContain("curl");
    expect(Buffer.from(file!.dataEnc, "latin1").toString()).not.toContain("token=0");
  });

  it("threads replies by In-Reply-To of our own mail, by plus-address and by the reference in the subject", async () => {
    const created = await importRaw(
      mailWith(
        { from: RITA, subject: "SSRF in the webhook tester", messageId: "thread-root@researcher.test" },
        mimeEntity(BODY, [
          { filename: "key.asc", contentType: "application/pgp-keys", data: Buffer.from(rita.publicArmored) },
        ]),
      ),
    );
    if (created.outcome !== "created") throw new Error(JSON.stringify(created));
    const [ack] = await t.database.db.select().from(outbox).where(eq(outbox.reportId, created.reportId));
    const viaOurId = await importRaw(
      mailWith(
        {
          from: RITA,
          subject: `Re: [${created.reference}] Update on your security report`,
          messageId: "reply-1@researcher.test",
          inReplyTo: `${ack!.id}@embargo.test`,
        },
        mimeEntity(
          `Here is the video you asked for.\n\nOn Mon, Mar 2, 2026, security wrote:\n> Hello,\n> We received your report.`,
        ),
      ),
    );
    expect(viaOurId).toMatchObject({
      outcome: "appended",
      reportId: created.reportId,
      threadedBy: "message-id",
    });
    const viaPlus = await importRaw(
      mailWith(
        {
          from: RITA,
          to: `security+${created.reference}@embargo.test`,
          subject: "more",
          messageId: "reply-2@researcher.test",
        },
        // Named only by its reference, a reply joins when the reporter's key on file signed it.
        gpgSignedEntity(gpg, mimeEntity("A second host is affected as well."), rita.fingerprint),
      ),
    );
    expect(viaPlus).toMatchObject({ outcome: "appended", threadedBy: "plus-address" });
    const viaSubject = await importRaw(
      mailWith(
        { from: RITA, subject: `about ${created.reference}`, messageId: "reply-3@researcher.test" },
        gpgSignedEntity(gpg, mimeEntity("Third note."), rita.fingerprint),
      ),
    );
    expect(viaSubject).toMatchObject({ outcome: "appended", threadedBy: "subject" });
    const viaOurReply = await importRaw(
      mailWith(
        {
          from: RITA,
          subject: "and one more",
          messageId: "reply-4@researcher.test",
          references: "<unknown@x> <reply-2@researcher.test>",
        },
        mimeEntity("Fourth note, threaded by References to an earlier mail of mine."),
      ),
    );
    expect(viaOurReply).toMatchObject({ outcome: "appended", threadedBy: "message-id" });
    const view = await t.services.reports.teamView(created.reference);
    const fromReporter = view.messages.filter((m) => m.authorType === "reporter").map((m) => m.body);
    // The quoted mail under a reply is not kept as part of it.
    expect(fromReporter).toEqual([
      "Here is the video you asked for.",
      "A second host is affected as well.",
      "Third note.",
      "Fourth note, threaded by References to an earlier mail of mine.",
    ]);
    expect(await t.services.audit.verify()).toMatchObject({ ok: true });
  });

  it("refuses a reply naming a report from someone else's address, and an admin can import it as a new report", async () => {
    const created = await importRaw(
      mailWith(
        { from: RITA, subject: "IDOR on /api/invoices", messageId: "idor@researcher.test" },
        mimeEntity(BODY),
      ),
    );
    if (created.outcome !== "created") throw new Error("not created");
    const before = await reportCount();
    const intruder = mailWith(
      { from: "mallory@evil.test", subject: `Re: ${created.reference}`, messageId: "mallory@evil.test" },
      mimeEntity("Please close this report, it is not an issue."),
    );
    const result = await importRaw(intruder);
    expect(result).toMatchObject({ outcome: "failed", code: "sender_mismatch" });
    expect(await reportCount()).toBe(before);
    const view = await t.services.reports.teamView(created.reference);
    expect(view.messages.some((m) => m.body.includes("Please close"))).toBe(false);
    // Seen again at the next poll: skipped, still failed, not imported behind anyone's back.
    expect((await importRaw(intruder)).outcome).toBe("skipped");
    const failed = await inboundFor("mallory@evil.test");
    expect(failed).toMatchObject({ status: "failed", errorCode: "sender_mismatch" });
    await expect(intake().retry(team.alice, failed!.id, "new_report")).rejects.toMatchObject({ status: 403 });
    await intake().retry(team.admin, failed!.id, "new_report");
    const again = await importRaw(intruder);
    expect(again.outcome).toBe("created");
    expect(await reportCount()).toBe(before + 1);
  });

  it("checks a PGP/MIME signature against the key the reporter gave, and says so when the text was changed", async () => {
    const created = await importRaw(
      mailWith(
        { from: RITA, subject: "Signed report", messageId: "signed-root@researcher.test" },
        mimeEntity(BODY, [
          { filename: "key.asc", contentType: "application/pgp-keys", data: Buffer.from(rita.publicArmored) },
        ]),
      ),
    );
    if (created.outcome !== "created") throw new Error("not created");
    const signed = gpgSignedEntity(
      gpg,
      mimeEntity("Signed follow-up: the fix in 2.3.1 works for me."),
      rita.fingerprint,
    );
    const ok = await importRaw(
      mailWith(
        { from: RITA, subject: `Re: ${created.reference}`, messageId: "signed-ok@researcher.test" },
        signed,
      ),
    );
    expect(ok.outcome).toBe("appended");
    expect(
      ((await inboundFor("signed-ok@researcher.test"))!.details as InboundDetails).signature,
    ).toMatchObject({
      status: "verified",
      keySource: "reporter",
      fingerprint: rita.fingerprint,
    });
    const tampered = signed.replace("works for me", "does not work");
    await importRaw(
      mailWith(
        { from: RITA, subject: `Re: ${created.reference}`, messageId: "signed-bad@researcher.test" },
        tampered,
      ),
    );
    expect(
      ((await inboundFor("signed-bad@researcher.test"))!.details as InboundDetails).signature.status,
    ).toBe("bad");
    // Signed by a key we have never seen: neither verified nor bad.
    const stranger = gpgKey(gpg, "Stranger <stranger@elsewhere.test>");
    await importRaw(
      mailWith(
        {
          from: "stranger@elsewhere.test",
          subject: "Unknown signer report",
          messageId: "signed-unknown@elsewhere.test",
        },
        gpgSignedEntity(gpg, mimeEntity(BODY), stranger.fingerprint),
      ),
    );
    expect(
      ((await inboundFor("signed-unknown@elsewhere.test"))!.details as InboundDetails).signature.status,
    ).toBe("unknown_key");
  });

  it("decrypts inline PGP text and mail sent to an intake key that has since been rotated", async () => {
    const inlineArmored = gpg.run(
      ["--armor", "--trust-model", "always", "--encrypt", "--recipient", intakeFingerprint],
      BODY,
    );
    const oldKeyMail = mailWith(
      { from: RITA, subject: "Inline encrypted", messageId: "inline-old@researcher.test" },
      mimeEntity(`Hello team,\n\n${inlineArmored}`),
    );
    await t.services.keys.rotateIntakeKey(team.admin.id);
    const result = await importRaw(oldKeyMail);
    expect(result.outcome).toBe("created");
    if (result.outcome !== "created") return;
    const view = await t.services.reports.teamView(result.reference);
    expect(view.description).toContain("POST /reset with token=0");
    expect(view.description).not.toContain("BEGIN PGP MESSAGE");
    expect(((await inboundFor("inline-old@researcher.test"))!.details as InboundDetails).encryption).toBe(
      "inline",
    );
    // Keep gpg's copy of the intake key current for later tests.
    gpg.run(["--import"], (await t.services.keys.intakeOverview()).current.publicArmored);
    intakeFingerprint = (await t.services.keys.intakeOverview()).current.fingerprint;
  });

  it("records mail that cannot be imported, stores nothing of it, and keeps the rest of the data intact", async () => {
    const before = await reportCount();
    const messagesBefore = (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(messages))[0]!
      .n;
    const other = gpgKey(gpg, "Someone Else <else@elsewhere.test>");
    const cases: [string, string, string][] = [
      ["no-headers", "just some text without any header\r\nor blank line", "malformed"],
      [
        "not-for-us@researcher.test",
        mailWith(
          { from: RITA, subject: "Encrypted to the wrong key", messageId: "not-for-us@researcher.test" },
          gpgEncryptedEntity(gpg, mimeEntity(BODY), other.fingerprint),
        ),
        "undecryptable",
      ],
      [
        "broken-multipart@researcher.test",
        mailWith(
          { from: RITA, subject: "Broken PGP/MIME", messageId: "broken-multipart@researcher.test" },
          'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"\r\n\r\n--b\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--b--\r\n',
        ),
        "malformed",
      ],
      [
        "no-from@researcher.test",
        "Subject: nobody\r\nMessage-ID: <no-from@researcher.test>\r\n\r\nA body without a sender.",
        "no_sender",
      ],
      [
        "empty@researcher.test",
        mailWith({ from: RITA, subject: "Empty", messageId: "empty@researcher.test" }, mimeEntity("")),
        "empty",
      ],
      [
        "encoded-subject@researcher.test",
        mailWith(
          {
            from: "=?UTF-8?Q?J=C3=BCrgen?= <juergen@researcher.test>",
            subject: "=?UTF-8?B?TMO8Y2tl?=",
            messageId: "encoded-subject@researcher.test",
          },
          mimeEntity(""),
        ),
        "empty",
      ],
    ];
    for (const [, raw, code] of cases) {
      const result = await importRaw(raw);
      expect(result, code).toMatchObject({ outcome: "failed", code });
    }
    expect(await reportCount()).toBe(before);
    expect((await t.database.db.select({ n: sql<number>`count(*)::int` }).from(messages))[0]!.n).toBe(
      messagesBefore,
    );
    const failures = await intake().failures();
    expect(failures.map((f) => f.errorCode)).toEqual(
      expect.arrayContaining(["malformed", "undecryptable", "no_sender", "empty"]),
    );
    const undecryptable = failures.find((f) => f.errorCode === "undecryptable")!;
    expect(undecryptable.error).toMatch(/not to any of our intake keys/);
    expect(undecryptable.subject).toBe("Encrypted to the wrong key");
    const encoded = failures.find((f) => f.messageId === "encoded-subject@researcher.test")!;
    expect(encoded).toMatchObject({ subject: "Lücke", fromAddress: "Jürgen <juergen@researcher.test>" });
    expect(await t.services.audit.verify()).toMatchObject({ ok: true });
  });

  it("answers the reporter's own mail: the acknowledgement threads under it, encrypted or not", async () => {
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
      const plain = await importRaw(
        mailWith(
          {
            from: "sam@researcher.test",
            subject: "Threaded plain report",
            messageId: "thread-plain@researcher.test",
          },
          mimeEntity(BODY),
        ),
      );
      const signedWithKey = await importRaw(
        mailWith(
          { from: RITA, subject: "Threaded encrypted report", messageId: "thread-enc@researcher.test" },
          mimeEntity(BODY, [
            { filename: "k.asc", contentType: "application/pgp-keys", data: Buffer.from(rita.publicArmored) },
          ]),
        ),
      );
      for (const created of [plain, signedWithKey]) {
        if (created.outcome !== "created") throw new Error("not created");
        const [ack] = await t.database.db.select().from(outbox).where(eq(outbox.reportId, created.reportId));
        await deliver({ outboxId: ack!.id });
      }
      expect(smtp.mails).toHaveLength(2);
      const [plainMail, encryptedMail] = smtp.mails as [string, string];
      expect(plainMail).toMatch(/^In-Reply-To: <thread-plain@researcher\.test>\r?$/m);
      expect(plainMail).toMatch(/^References: <thread-plain@researcher\.test>\r?$/m);
      expect(encryptedMail).toContain("multipart/encrypted");
      expect(encryptedMail).toMatch(/^In-Reply-To: <thread-enc@researcher\.test>\r?$/m);
    } finally {
      await smtp.close();
    }
  });
});
