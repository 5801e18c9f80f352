import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { startDovecot, type TestImap } from "../../../test/helpers/dovecot.ts";
import { gpgEncryptedEntity, mailWith, mimeEntity } from "../../../test/helpers/mail.ts";
import { freePort } from "../../../test/helpers/net.ts";
import { type Gpg, researcherGpg } from "../../../test/helpers/pgp.ts";
import { inboundEmails, outbox, reports } from "../../db/schema.ts";
import { FAILED_KEYWORD, IMPORTED_KEYWORD, pollMailbox } from "./imap.adapter.ts";
import { registerMailFetch } from "./mail-intake.jobs.ts";

const RITA = "Rita Reporter <rita@researcher.test>";
const SECRET = "the admin panel at /internal/debug runs any shell command given in ?cmd=";

describe.each(DB_KINDS)("email intake from a real IMAP server (Dovecot), on %s", (kind) => {
  let t: TestDb;
  let imap: TestImap;
  let gpg: Gpg;
  let intakeFingerprint: string;
  let rita: { fingerprint: string; publicArmored: string };

  const reportCount = async () =>
    (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(reports))[0]!.n;
  const flagsOf = async (messageId: string) =>
    (await imap.list()).filter((m) => m.messageId === `<${messageId}>`).map((m) => m.flags);

  beforeAll(async () => {
    [t, imap] = await Promise.all([createTestDb(kind), startDovecot()]);
    await makeTeam(t);
    ({ gpg, intakeFingerprint, own: rita } = await researcherGpg(t, RITA));
  }, 60_000);
  afterAll(async () => {
    gpg?.close();
    await imap?.stop();
    await t?.close();
  });

  it("imports a new encrypted report, a threaded reply, a message seen twice, and leaves a malformed one in place", async () => {
    const encrypted = mailWith(
      { from: RITA, subject: "Encrypted report", messageId: "imap-enc@researcher.test" },
      gpgEncryptedEntity(
        gpg,
        mimeEntity(`Hello security team,\n\n${SECRET}\n`, [
          {
            filename: "rita.asc",
            contentType: "application/pgp-keys",
            data: Buffer.from(rita.publicArmored),
          },
        ]),
        intakeFingerprint,
        rita.fingerprint,
      ),
    );
    const malformed = mailWith(
      { from: RITA, subject: "Broken", messageId: "imap-broken@researcher.test" },
      'Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary="x"\r\n\r\n--x\r\nonly one part\r\n--x--\r\n',
    );
    const twice = mailWith(
      {
        from: "sam@researcher.test",
        subject: "CSRF on the settings form",
        messageId: "imap-twice@researcher.test",
      },
      mimeEntity("The settings form has no CSRF token, so any site can change a victim's email address."),
    );
    await imap.append(encrypted);
    await imap.append(malformed);
    await imap.append(twice);
    await imap.append(twice);
    const before = await reportCount();

    const first = await pollMailbox(t.services.mailIntake, imap.url);
    expect(first).toMatchObject({ ok: true, seen: 4, imported: 2, failed: 1, skipped: 0 });
    expect(await reportCount()).toBe(before + 2);

    // The encrypted report reads in clear for the team; the mailbox only ever held ciphertext.
    const [row] = await t.database.db
      .select()
      .from(inboundEmails)
      .where(eq(inboundEmails.messageId, "imap-enc@researcher.test"));
    const view = await t.services.reports.teamView(row!.reportId!);
    expect(view.description).toContain(SECRET);
    expect(view.title).toBe("Encrypted report");
    expect(row!.details).toMatchObject({ encryption: "pgp-mime", signature: { status: "verified" } });
    expect(encrypted).not.toContain("/internal/debug");

    // Imported and duplicate copies are flagged; the malformed one stays as it was, and admins see why.
    expect(await flagsOf("imap-enc@researcher.test")).toEqual([
      expect.arrayContaining([IMPORTED_KEYWORD, "\\Seen"]),
    ]);
    const twiceFlags = await flagsOf("imap-twice@researcher.test");
    expect(twiceFlags).toHaveLength(2);
    for (const flags of twiceFlags) expect(flags).toContain(IMPORTED_KEYWORD);
    expect(await flagsOf("imap-broken@researcher.test")).toEqual([[FAILED_KEYWORD]]);
    const failures = await t.services.mailIntake.failures();
    expect(failures).toEqual([
      expect.objectContaining({
        messageId: "imap-broken@researcher.test",
        errorCode: "malformed",
        subject: "Broken",
        mailbox: "INBOX",
      }),
    ]);

    // A reply to our acknowledgement (In-Reply-To our Message-ID) lands in the same report's conversation.
    const [ack] = await t.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.reportId, row!.reportId!))
      .orderBy(outbox.createdAt);
    await imap.append(
      mailWith(
        {
          from: RITA,
          subject: `Re: [${view.reference}] Update on your security report`,
          messageId: "imap-reply@researcher.test",
          inReplyTo: `${ack!.id}@embargo.test`,
        },
        gpgEncryptedEntity(
          gpg,
          mimeEntity("It also works without the session cookie."),
          intakeFingerprint,
          rita.fingerprint,
        ),
      ),
    );
    const second = await pollMailbox(t.services.mailIntake, imap.url);
    // The malformed message is marked and not fetched again: it waits for an admin.
    expect(second).toMatchObject({ ok: true, seen: 1, imported: 1, failed: 0, skipped: 0 });
    const after = await t.services.reports.teamView(row!.reportId!);
    expect(after.messages.filter((m) => m.authorType === "reporter").map((m) => m.body)).toEqual([
      "It also works without the session cookie.",
    ]);
    expect(await reportCount()).toBe(before + 2);
    expect((await t.services.mailIntake.failures())[0]!.attempts).toBe(1);
    expect(await t.services.audit.verify()).toMatchObject({ ok: true });
  });

  it("takes a failed mail up again after an admin's retry: the failure mark goes, the import mark comes", async () => {
    const team = await t.services.team.list();
    const admin = team.find((m) => m.role === "admin")!;
    await imap.append(
      mailWith(
        {
          from: "someone@elsewhere.test",
          subject: "Re: EMB-2026-0001",
          messageId: "imap-mismatch@elsewhere.test",
        },
        mimeEntity("A related issue in the same endpoint, found independently."),
      ),
    );
    expect(await pollMailbox(t.services.mailIntake, imap.url)).toMatchObject({ failed: 1, imported: 0 });
    expect(await flagsOf("imap-mismatch@elsewhere.test")).toEqual([[FAILED_KEYWORD]]);
    const failed = (await t.services.mailIntake.failures()).find(
      (f) => f.messageId === "imap-mismatch@elsewhere.test",
    )!;
    expect(failed.errorCode).toBe("sender_mismatch");
    const before = await reportCount();
    await t.services.mailIntake.retry({ ...admin, role: "admin" }, failed.id, "new_report");
    expect(await pollMailbox(t.services.mailIntake, imap.url)).toMatchObject({ imported: 1, failed: 0 });
    expect(await reportCount()).toBe(before + 1);
    const flags = (await flagsOf("imap-mismatch@elsewhere.test"))[0]!;
    expect(flags).toContain(IMPORTED_KEYWORD);
    expect(flags).not.toContain(FAILED_KEYWORD);
    // The malformed one is still marked failed and untouched.
    expect(await flagsOf("imap-broken@researcher.test")).toEqual([[FAILED_KEYWORD]]);
  });

  it("runs one poll of a mailbox at a time: two polls at once import a new mail once", async () => {
    await imap.append(
      mailWith(
        {
          from: "sam@researcher.test",
          subject: "Open redirect on logout",
          messageId: "imap-race@researcher.test",
        },
        mimeEntity("The logout endpoint redirects to any URL in its next parameter, which phishing can use."),
      ),
    );
    const before = await reportCount();
    const [a, b] = await Promise.all([
      pollMailbox(t.services.mailIntake, imap.url),
      pollMailbox(t.services.mailIntake, imap.url),
    ]);
    expect([a.seen, b.seen]).toEqual([1, 0]);
    expect(await reportCount()).toBe(before + 1);
    const [row] = await t.database.db
      .select()
      .from(inboundEmails)
      .where(eq(inboundEmails.messageId, "imap-race@researcher.test"));
    expect(row).toMatchObject({ status: "imported", attempts: 1 });
  });
  it("marks a mail whose encrypted part unpacks past 35 MB as failed once and does not fetch it again", async () => {
    // gpg compresses 36 MB of spaces into a mail of a few kilobytes.
    const bomb = mailWith(
      { from: RITA, subject: "Small mail, huge inside", messageId: "imap-bomb@researcher.test" },
      gpgEncryptedEntity(
        gpg,
        `${mimeEntity("Hello")}${" ".repeat(36 * 1024 * 1024)}`,
        intakeFingerprint,
        undefined,
        ["--compress-algo", "zlib"],
      ),
    );
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await imap.append(bomb);
    const before = await reportCount();
    expect(await pollMailbox(t.services.mailIntake, imap.url)).toMatchObject({
      ok: true,
      seen: 1,
      failed: 1,
      imported: 0,
    });
    expect(await flagsOf("imap-bomb@researcher.test")).toEqual([[FAILED_KEYWORD]]);
    const [row] = await t.database.db
      .select()
      .from(inboundEmails)
      .where(eq(inboundEmails.messageId, "imap-bomb@researcher.test"));
    expect(row).toMatchObject({ status: "failed", errorCode: "too_large", attempts: 1 });
    expect(row!.error).toContain("more than 35 MB");
    // The next poll does not even fetch it: the mark keeps it out of the search for new mail.
    expect(await pollMailbox(t.services.mailIntake, imap.url)).toMatchObject({
      ok: true,
      seen: 0,
      failed: 0,
    });
    expect(await reportCount()).toBe(before);
  });
  // Last: from here on the durable job polls this mailbox every second, and would race a test's own poll.
  it("polls from the durable job, and records a mailbox that cannot be reached", async () => {
    const down = `imap://intake:wrong@127.0.0.1:${await freePort()}/INBOX`;
    const status = await pollMailbox(t.services.mailIntake, down);
    expect(status.ok).toBe(false);
    expect(status.error).toBeTruthy();
    expect(await t.services.mailIntake.lastPoll()).toMatchObject({ ok: false });

    await registerMailFetch({
      db: t.database.db,
      jobs: t.jobs,
      service: t.services.mailIntake,
      imapUrl: imap.url,
      intervalSeconds: 1,
      logger: pino({ level: "silent" }),
    });
    await imap.append(
      mailWith(
        { from: "lee@researcher.test", subject: "Job-polled report", messageId: "imap-job@researcher.test" },
        mimeEntity("The export endpoint includes other tenants' rows when the page size is zero."),
      ),
    );
    const deadline = Date.now() + 20_000;
    let imported = false;
    while (!imported && Date.now() < deadline) {
      const [row] = await t.database.db
        .select()
        .from(inboundEmails)
        .where(eq(inboundEmails.messageId, "imap-job@researcher.test"));
      imported = row?.status === "imported";
      if (!imported) await new Promise((r) => setTimeout(r, 250));
    }
    expect(imported).toBe(true);
    expect(await flagsOf("imap-job@researcher.test")).toEqual([expect.arrayContaining([IMPORTED_KEYWORD])]);
    expect(await t.services.mailIntake.lastPoll()).toMatchObject({ ok: true });
  }, 40_000);
});
