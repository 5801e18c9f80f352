import fs from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import * as openpgp from "openpgp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { type App, appFor, get } from "../../../test/helpers/http.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { freePort } from "../../../test/helpers/net.ts";
import { type Gpg, gpgKey, MEMBER_PRIVATE_KEY, makeGpg } from "../../../test/helpers/pgp.ts";
import { startSmtp } from "../../../test/helpers/smtp.ts";
import { transaction } from "../../core/db.ts";
import { outbox, reports } from "../../db/schema.ts";
import { createMailTransport } from "../../mail/transport.ts";
import { alertMail } from "../alerts/alert-send.adapter.ts";
import { deleteMemberKey, writeReporterKey } from "../keys/keys.repo.ts";
import { createMailDeliveryHandler, queueMail } from "./outbox.jobs.ts";

interface MimePart {
  headers: Map<string, string>;
  body: string;
}

/** Splits a raw message into unfolded headers (lower-cased names) and body. */
function parseEntity(raw: string): MimePart {
  const text = raw.replace(/\r\n/g, "\n");
  const cut = text.indexOf("\n\n");
  const head = text.slice(0, cut).replace(/\n[ \t]+/g, " ");
  const headers = new Map<string, string>();
  for (const line of head.split("\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: text.slice(cut + 2) };
}

/** The parts of a multipart entity, by its boundary parameter. */
function multipartParts(entity: MimePart): MimePart[] {
  const boundary = /boundary="?([^";]+)"?/.exec(entity.headers.get("content-type") ?? "")?.[1];
  if (!boundary) throw new Error("no boundary");
  const sections = entity.body.split(`--${boundary}`);
  return sections.slice(1, -1).map((s) => parseEntity(s.replace(/^\n/, "")));
}

describe.each(DB_KINDS)("outgoing mail, PGP/MIME to reporters with a key, on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let gpg: Gpg;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let reporterKey: { fingerprint: string; publicArmored: string };
  let intakeFingerprint: string;
  let deliver: ReturnType<typeof createMailDeliveryHandler>;
  let team: Awaited<ReturnType<typeof makeTeam>>;

  const submit = async (fields: Record<string, unknown>) => {
    const res = await app.request("/api/v1/reports", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(fields),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; reference: string };
  };
  const mailsTo = (address: string) =>
    t.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.toAddress, address))
      .orderBy(outbox.createdAt, outbox.id);
  const handlerFor = (port: number) =>
    createMailDeliveryHandler({
      db: t.database.db,
      transport: createMailTransport(`smtp://127.0.0.1:${port}`, "security@embargo.test"),
      clock: t.clock,
      publicHost: "embargo.test",
      cipher: t.services.deps.cipher,
      keys: t.services.keys,
    });

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    await raiseIntakeLimits(t);
    team = await makeTeam(t);
    smtp = await startSmtp();
    deliver = handlerFor(smtp.port);
    gpg = makeGpg();
    reporterKey = gpgKey(gpg, "Researcher <pgp-researcher@example.net>");
    // The researcher trusts the intake key they fetched from the address security.txt names.
    gpg.run(["--import"], await (await get(app, "/keys/intake.asc")).text());
    intakeFingerprint = (await t.services.keys.intakeKeys()).current.fingerprint;
  });
  afterAll(async () => {
    gpg?.close();
    await smtp?.close();
    await t?.close();
  });

  it("sends RFC 3156 PGP/MIME that gpg decrypts, with the intake key's good signature", async () => {
    const report = await submit(
      reportFields({ email: "pgp-researcher@example.net", pgpKey: reporterKey.publicArmored }),
    );
    const [ack] = await mailsTo("pgp-researcher@example.net");
    expect(ack).toBeDefined();
    smtp.mails.length = 0;
    const job = await jobPayload(ack!.id);
    expect(job).toEqual({
      outboxId: ack!.id,
      recipient: { kind: "reporter", id: await reporterOf(report.id) },
    });
    await deliver(job);
    await deliver({ outboxId: ack!.id }); // a retried job never sends twice
    expect(smtp.mails).toHaveLength(1);
    const raw = smtp.mails[0]!;

    const top = parseEntity(raw);
    expect(top.headers.get("from")).toBe("security@embargo.test");
    expect(top.headers.get("to")).toBe("pgp-researcher@example.net");
    expect(top.headers.get("subject")).toBe(`[${report.reference}] Update on your security report`);
    expect(top.headers.get("reply-to")).toBe(`security+${report.reference}@embargo.test`);
    expect(top.headers.get("message-id")).toBe(`<${ack!.id}@embargo.test>`);
    expect(top.headers.get("content-type")).toMatch(
      /^multipart\/encrypted; protocol="application\/pgp-encrypted";/,
    );
    const parts = multipartParts(top);
    expect(parts).toHaveLength(2);
    expect(parts[0]!.headers.get("content-type")).toBe("application/pgp-encrypted");
    expect(parts[0]!.body.trim()).toBe("Version: 1");
    expect(parts[1]!.headers.get("content-type")).toMatch(/^application\/octet-stream/);
    const armored = parts[1]!.body.trim();
    expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----\n[\s\S]+\n-----END PGP MESSAGE-----$/);
    // Nothing about the report leaks outside the ciphertext: not even the tracking link.
    for (const secret of ["/r/", "comment preview", "without escaping", "onerror", "Session theft"])
      expect(raw).not.toContain(secret);

    const out = path.join(gpg.home, "decrypted.txt");
    const status = gpg.run(["--status-fd", "1", "--passphrase", "", "--output", out, "--decrypt"], armored);
    expect(status).toContain("[GNUPG:] DECRYPTION_OKAY");
    expect(status).toMatch(new RegExp(`\\[GNUPG:\\] VALIDSIG [0-9A-F]{40} .* ${intakeFingerprint}$`, "m"));
    expect(status).toContain("[GNUPG:] GOODSIG");
    // The plaintext is a MIME entity a mail client shows as the body.
    const inner = parseEntity(fs.readFileSync(out, "utf8"));
    expect(inner.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(inner.headers.get("content-transfer-encoding")).toBe("quoted-printable");
    const body = inner.body.replace(/=\n/g, "").replace(/=3D/g, "=");
    expect(body).toContain(`Reference: ${report.reference}`);
    expect(body).toMatch(/http:\/\/[^\s]+\/r\/[A-Za-z0-9_-]+/);
    const [row] = await t.database.db.select().from(outbox).where(eq(outbox.id, ack!.id));
    expect(row).toMatchObject({ status: "sent", attempts: 1, lastError: null });
  });

  it("finds the reporter's key from the report when the job names no recipient", async () => {
    const report = await submit(
      reportFields({ email: "pgp-researcher@example.net", pgpKey: reporterKey.publicArmored }),
    );
    const mine = (await mailsTo("pgp-researcher@example.net")).filter((m) => m.reportId === report.id);
    smtp.mails.length = 0;
    await deliver({ outboxId: mine[0]!.id });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toContain("multipart/encrypted");
    expect(smtp.mails[0]).not.toContain("/r/");
  });

  it("carries the team's message itself inside mail encrypted to the reporter, read from the encrypted store", async () => {
    const report = await submit(
      reportFields({ email: "pgp-researcher@example.net", pgpKey: reporterKey.publicArmored }),
    );
    await t.services.reports.postMessage(team.alice, report.id, {
      body: "Could you retest with build 4.2.7? The encoder now escapes event attributes.",
      visibility: "reporter",
    });
    await t.services.reports.postMessage(team.alice, report.id, {
      body: "Internal: the encoder fix is in PR 812.",
      visibility: "internal",
    });
    const mine = (await mailsTo("pgp-researcher@example.net")).filter((m) => m.reportId === report.id);
    expect(mine).toHaveLength(2);
    const notice = mine.find((m) => m.body.includes("There is a new message"))!;
    // Neither the outbox row nor the queued job holds the message text: only its id travels.
    expect(notice.body).not.toContain("build 4.2.7");
    const job = (await jobPayload(notice.id)) as Record<string, unknown>;
    expect(JSON.stringify(job)).not.toContain("build 4.2.7");
    expect(job.messageRowId).toEqual(expect.any(String));
    smtp.mails.length = 0;
    await deliver(job);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).not.toContain("4.2.7");
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(smtp.mails[0]!)![0];
    const out = path.join(gpg.home, "message.txt");
    gpg.run(["--passphrase", "", "--yes", "--output", out, "--decrypt"], armored.replace(/\r\n/g, "\n"));
    const body = fs
      .readFileSync(out, "utf8")
      .replace(/=\r?\n/g, "")
      .replace(/=3D/g, "=");
    expect(body).toContain("There is a new message on your security report");
    expect(body).toContain("Could you retest with build 4.2.7? The encoder now escapes event attributes.");
    expect(body).not.toContain("PR 812");
  });

  it("sends a reporter without a key only the reference, a neutral subject and the link", async () => {
    const report = await submit(reportFields({ email: "plain-researcher@example.net" }));
    await t.services.reports.postMessage(team.alice, report.id, {
      body: "Please confirm the payload still fires after the 4.2 patch.",
      visibility: "reporter",
    });
    const mails = await mailsTo("plain-researcher@example.net");
    expect(mails).toHaveLength(2);
    smtp.mails.length = 0;
    for (const m of mails) await deliver({ outboxId: m.id });
    expect(smtp.mails).toHaveLength(2);
    for (const raw of smtp.mails) {
      expect(raw).not.toContain("multipart/encrypted");
      expect(raw).toContain(`Subject: [${report.reference}] Update on your security report`);
      expect(raw).toContain(`Reply-To: security+${report.reference}@embargo.test`);
      expect(raw).toContain(report.reference);
      for (const secret of [
        "Stored XSS",
        "comment preview",
        "without escaping",
        "onerror",
        "Session theft",
        "payload still fires",
        "4.2 patch",
      ])
        expect(raw).not.toContain(secret);
    }
    // The receipt carries the private link; the link is not stored, so later mail points to the recovery page.
    expect(smtp.mails.filter((m) => m.includes("We received your security report"))).toHaveLength(1);
    expect(smtp.mails.find((m) => m.includes("We received"))).toMatch(/\/r\/[A-Za-z0-9_-]{10,}/);
    expect(smtp.mails.find((m) => !m.includes("We received"))).toContain("/r/recover");
  });

  it("records a failed encryption on the outbox row and never sends plaintext instead", async () => {
    const report = await submit(
      reportFields({ email: "expired-key@example.net", pgpKey: reporterKey.publicArmored }),
    );
    const reporterId = (await reporterOf(report.id))!;
    // The key expired after it was given: the stored facts say so, and the key itself is unusable.
    const expired = gpgKey(gpg, "Late <expired-key@example.net>", { expire: "2026-01-01" });
    await transaction(t.database.db, (tx) =>
      writeReporterKey(tx, reporterId, {
        armored: expired.publicArmored,
        fingerprint: expired.fingerprint,
        userIds: ["Late <expired-key@example.net>"],
        expiresAt: null,
      }),
    );
    const [mail] = await mailsTo("expired-key@example.net");
    smtp.mails.length = 0;
    await expect(
      deliver({ outboxId: mail!.id, recipient: { kind: "reporter", id: reporterId } }),
    ).rejects.toThrow(/never sent unencrypted/);
    const [row] = await t.database.db.select().from(outbox).where(eq(outbox.id, mail!.id));
    expect(row!.status).toBe("failed");
    expect(row!.attempts).toBe(1);
    expect(row!.lastError).toContain(expired.fingerprint);
    expect(row!.lastError).toMatch(/encrypting to it failed/);
    // With the expiry on record the error names the date.
    await transaction(t.database.db, (tx) =>
      writeReporterKey(tx, reporterId, {
        armored: expired.publicArmored,
        fingerprint: expired.fingerprint,
        userIds: [],
        expiresAt: "2026-01-01T00:00:00.000Z",
      }),
    );
    await expect(deliver({ outboxId: mail!.id })).rejects.toThrow(/expired on 2026-01-01/);
    const [again] = await t.database.db.select().from(outbox).where(eq(outbox.id, mail!.id));
    expect(again).toMatchObject({ status: "failed", attempts: 2 });
    expect(smtp.mails).toHaveLength(0);
  });

  it("encrypts mail to a team member to their uploaded key, found by their address", async () => {
    await transaction(t.database.db, (tx) =>
      queueMail(
        tx,
        { jobs: t.jobs, cipher: t.services.deps.cipher },
        { reportId: null, to: team.bob.email, subject: "[Embargo security] Test", body: "Für Bob: héllo\n" },
        t.clock(),
      ),
    );
    const [mail] = await mailsTo(team.bob.email);
    smtp.mails.length = 0;
    await deliver({ outboxId: mail!.id });
    expect(smtp.mails).toHaveLength(1);
    const parts = multipartParts(parseEntity(smtp.mails[0]!));
    expect(parseEntity(smtp.mails[0]!).headers.has("reply-to")).toBe(false); // no report, no reply address
    const intakePublic = await openpgp.readKey({
      armoredKey: (await t.services.keys.intakeKeys()).current.publicArmored,
    });
    const { data, signatures } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: parts[1]!.body }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: MEMBER_PRIVATE_KEY }),
      verificationKeys: intakePublic,
      expectSigned: true,
      date: t.clock(),
    });
    expect(await signatures[0]!.verified).toBe(true);
    const inner = parseEntity(String(data));
    expect(inner.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(inner.body).toContain("F=C3=BCr Bob: h=C3=A9llo");
  });

  it("sends a member without a key the neutral alert text, with the job payload as queued", async () => {
    const report = await submit(reportFields({ title: "Token leak in the export", email: "x@example.net" }));
    await transaction(t.database.db, (tx) => deleteMemberKey(tx, team.alice.id));
    const message = {
      event: "report_received",
      deliveryId: "d-1",
      report: {
        id: report.id,
        reference: report.reference,
        title: "Token leak in the export",
        url: "http://x/r",
      },
      detail: null,
      occurredAt: t.clock().toISOString(),
    };
    await transaction(t.database.db, (tx) =>
      queueMail(
        tx,
        { jobs: t.jobs, cipher: t.services.deps.cipher },
        {
          reportId: report.id,
          to: team.alice.email,
          ...alertMail(message, "Acme"),
          recipient: { kind: "member", id: team.alice.id },
        },
        t.clock(),
      ),
    );
    const [mail] = await mailsTo(team.alice.email);
    const job = await jobPayload(mail!.id);
    expect(job.recipient).toEqual({ kind: "member", id: team.alice.id });
    smtp.mails.length = 0;
    await deliver(job);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).not.toContain("multipart/encrypted");
    expect(smtp.mails[0]).toContain(report.reference);
    expect(smtp.mails[0]).not.toContain("Token leak");
  });

  it("fails while the SMTP server is down and delivers exactly once when it is back", async () => {
    const report = await submit(reportFields({ email: "patient@example.net" }));
    const [mail] = await mailsTo("patient@example.net");
    const port = await freePort();
    const later = handlerFor(port);
    await expect(later({ outboxId: mail!.id })).rejects.toThrow();
    const [failed] = await t.database.db.select().from(outbox).where(eq(outbox.id, mail!.id));
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed!.lastError).toMatch(/ECONNREFUSED|connect/i);

    const back = await startSmtp(port);
    try {
      await later({ outboxId: mail!.id }); // the retry
      await later({ outboxId: mail!.id }); // a duplicate run of the job
      expect(back.mails).toHaveLength(1);
      expect(back.mails[0]).toContain(`Message-ID: <${mail!.id}@embargo.test>`);
      expect(back.mails[0]).toContain(report.reference);
      const [sent] = await t.database.db.select().from(outbox).where(eq(outbox.id, mail!.id));
      expect(sent).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    } finally {
      await back.close();
    }
  });

  /** The payload queueMail gave the delivery job, as pg-boss stored it. */
  async function jobPayload(outboxId: string): Promise<Record<string, unknown>> {
    const result = (await t.database.db.execute(
      sql`select data from pgboss.job where name = 'mail-deliver' and data->>'outboxId' = ${outboxId}`,
    )) as unknown as { rows: { data: Record<string, unknown> }[] };
    return result.rows[0]!.data;
  }

  async function reporterOf(reportId: string): Promise<string | undefined> {
    const [row] = await t.database.db
      .select({ reporterId: reports.reporterId })
      .from(reports)
      .where(eq(reports.id, reportId));
    return row?.reporterId;
  }
});
