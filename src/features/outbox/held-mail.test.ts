import fs from "node:fs";
import path from "node:path";
import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  post,
  type Session,
  signedInTeam,
} from "../../../test/helpers/http.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { followReceipt, formData, formFields, postForm, tokenOf } from "../../../test/helpers/public.ts";
import { startSmtp } from "../../../test/helpers/smtp.ts";
import { transaction } from "../../core/db.ts";
import { MIGRATIONS_DIR } from "../../db/migrate.ts";
import { auditEvents, outbox } from "../../db/schema.ts";
import { createMailTransport } from "../../mail/transport.ts";
import { createMailDeliveryHandler } from "./outbox.jobs.ts";

const DAY = 86_400_000;
/** Quoted-printable soft line breaks undone, so a link split across lines reads whole. */
const unfold = (raw: string) => raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");

describe.each(DB_KINDS)("held mail sent or discarded once SMTP is configured, on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let admin: Session;
  let alice: Session;
  let viewer: Session;
  let adminId: string;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let n = 0;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    await raiseIntakeLimits(t);
    const signed = await signedInTeam(app, t);
    ({ admin, alice, viewer } = signed);
    adminId = signed.team.admin.id;
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await smtp?.close();
    await t?.close();
  });

  const handler = (smtpUrl: string | undefined) =>
    createMailDeliveryHandler({
      db: t.database.db,
      transport: createMailTransport(smtpUrl, "security@embargo.test"),
      clock: t.clock,
      publicHost: "embargo.test",
      cipher: t.services.deps.cipher,
      keys: t.services.keys,
    });
  /** Runs every waiting delivery job once, with SMTP (to the receiver) or without (the mail is held). */
  const runJobs = async (withSmtp: boolean): Promise<number> => {
    const deliver = handler(withSmtp ? `smtp://127.0.0.1:${smtp.port}` : undefined);
    const { rows } = (await t.database.db.execute(
      sql`select id, data from pgboss.job where name = 'mail-deliver' and state = 'created' order by created_on`,
    )) as unknown as { rows: { id: string; data: unknown }[] };
    for (const job of rows) {
      await deliver(job.data);
      await t.database.db.execute(sql`delete from pgboss.job where id = ${job.id}`);
    }
    return rows.length;
  };
  /** A report through the public form with an email address; its receipt is held. Returns the link's token. */
  const heldReceipt = async () => {
    const email = `held-${++n}@example.net`;
    const res = await postForm(app, "/report", formData(formFields({ email })));
    const token = tokenOf((await followReceipt(app, res)).trackingUrl!);
    await runJobs(false);
    const [row] = await t.database.db.select().from(outbox).where(eq(outbox.toAddress, email));
    expect(row?.status).toBe("held");
    return { email, token, id: row!.id };
  };
  const rowOf = async (id: string) =>
    (await t.database.db.select().from(outbox).where(eq(outbox.id, id)))[0]!;
  const snapshot = async () => ({
    outbox: await t.database.db
      .select({ id: outbox.id, status: outbox.status, lastError: outbox.lastError })
      .from(outbox)
      .orderBy(outbox.id),
    audit: (await t.database.db.select({ id: auditEvents.id }).from(auditEvents)).length,
    jobs: (
      (await t.database.db.execute(sql`select count(*)::int as c from pgboss.job`)) as unknown as {
        rows: { c: number }[];
      }
    ).rows[0]!.c,
  });
  const lastAudit = async (action: string) =>
    (
      await t.database.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.action, action))
        .orderBy(desc(auditEvents.seq))
        .limit(1)
    )[0];
  const sendHeld = (fields: Record<string, string> = {}, as = admin) =>
    post(app, "/admin/outbox/send-held", as, fields);
  const pageAfter = async (res: Response) => (await follow(app, res, admin)).text();

  it("without SMTP, says why held mail cannot be sent yet and sends nothing when asked", async () => {
    const mail = await heldReceipt();
    const html = await (await get(app, "/admin/outbox", admin)).text();
    expect(html).toContain("cannot be sent yet");
    expect(html).toContain("SMTP_URL");
    expect(html).not.toContain("Send held mail (");
    const before = await snapshot();
    const res = await sendHeld();
    expect(res.status).toBe(303);
    expect(await pageAfter(res)).toContain("Held mail cannot be sent: SMTP_URL is not set.");
    expect(await snapshot()).toEqual(before);
    // Discarding needs no SMTP: it sends nothing.
    const discarded = await post(app, `/admin/outbox/${mail.id}/discard`, admin, {});
    expect(await pageAfter(discarded)).toContain("The mail was discarded");
  });

  it("sends every held mail once after “Send held mail”, with its sealed link, and refreshes the banner", async () => {
    const mails = [await heldReceipt(), await heldReceipt()];
    t.services.deps.smtpConfigured = true;
    expect((await t.services.outbox.heldMail(true)).count).toBe(2); // cached for the banner now
    const page = await (await get(app, "/admin/outbox", admin)).text();
    expect(page).toContain("Send held mail (2)");
    expect(page).toContain("2 mails were held while SMTP was not configured.");

    const res = await sendHeld();
    expect(res.status).toBe(303);
    expect(await pageAfter(res)).toContain("2 mails queued for sending");
    expect((await t.services.outbox.heldMail(true)).count).toBe(0); // the action dropped the cached count
    for (const m of mails) expect((await rowOf(m.id)).status).toBe("queued");
    const audit = await lastAudit("outbox.held_sent");
    expect(audit).toMatchObject({ actorType: "user", actorId: adminId });
    expect((audit!.data as { queued: string[] }).queued.sort()).toEqual(mails.map((m) => m.id).sort());

    smtp.mails.length = 0;
    expect(await runJobs(true)).toBe(2);
    expect(await runJobs(true)).toBe(0);
    await handler(`smtp://127.0.0.1:${smtp.port}`)({ outboxId: mails[0]!.id }); // a retry sends nothing again
    expect(smtp.mails).toHaveLength(2);
    for (const m of mails) {
      const raw = unfold(smtp.mails.find((x) => x.includes(m.email))!);
      expect(raw).toContain(`http://embargo.test/r/${m.token}`);
      expect(raw).not.toContain("sealed]");
      expect((await rowOf(m.id)).status).toBe("sent");
    }
    // Nothing is left to send: the page no longer offers it, and a second press says so.
    expect(await (await get(app, "/admin/outbox", admin)).text()).not.toContain("Send held mail (");
    expect(await pageAfter(await sendHeld())).toContain("There is no held mail to send.");
  });

  it("discards one held mail: cancelled by name, never sent, audited", async () => {
    const mail = await heldReceipt();
    const res = await post(app, `/admin/outbox/${mail.id}/discard`, admin, {});
    expect(res.status).toBe(303);
    expect(await pageAfter(res)).toContain("The mail was discarded");
    const row = await rowOf(mail.id);
    expect(row).toMatchObject({ status: "cancelled", lastError: "discarded by Ada", secretsEnc: null });
    expect(await lastAudit("outbox.held_discarded")).toMatchObject({
      actorId: adminId,
      data: { outboxId: mail.id, to: mail.email },
    });
    // Neither its own Send nor the bulk one sends it.
    expect(await pageAfter(await post(app, `/admin/outbox/${mail.id}/send`, admin, {}))).toContain(
      "This mail is no longer held: it is cancelled.",
    );
    await pageAfter(await sendHeld());
    smtp.mails.length = 0;
    await runJobs(true);
    await handler(`smtp://127.0.0.1:${smtp.port}`)({ outboxId: mail.id });
    expect(smtp.mails.filter((m) => m.includes(mail.email))).toEqual([]);
  });

  it("refuses, with its reason, a held mail whose sealed link was dropped", async () => {
    const mail = await heldReceipt();
    await t.database.db.update(outbox).set({ secretsEnc: null }).where(eq(outbox.id, mail.id));
    const page = await (await get(app, "/admin/outbox", admin)).text();
    expect(page).toContain("its private link was sealed and is no longer stored");
    expect(page).not.toContain(`/admin/outbox/${mail.id}/send`);
    const res = await post(app, `/admin/outbox/${mail.id}/send`, admin, {});
    expect(await pageAfter(res)).toContain("1 mail stayed held; the reason is beside each.");
    const row = await rowOf(mail.id);
    expect(row.status).toBe("held");
    expect(row.lastError).toMatch(/no longer stored/);
    expect(await runJobs(true)).toBe(0);
    await t.services.outbox.discardHeld(await adminActor(), mail.id);
  });

  it("sends old held mail in bulk only when the admin confirms how many old mails go", async () => {
    const old = await heldReceipt();
    // Written 8 days ago (moving the clock instead would end the sessions too).
    const eightDaysAgo = new Date(t.clock().getTime() - 8 * DAY);
    await t.database.db.update(outbox).set({ createdAt: eightDaysAgo }).where(eq(outbox.id, old.id));
    const recent = await heldReceipt();
    const page = await (await get(app, "/admin/outbox", admin)).text();
    expect(page).toContain("Send held mail (2), including the 1 older than 7 days");
    expect(page).toContain("Send only the 1 recent");

    const before = await snapshot();
    const unconfirmed = await pageAfter(await sendHeld());
    expect(unconfirmed).toContain("1 mail of the 2 mails that can be sent is older than 7 days");
    expect(await snapshot()).toEqual(before);
    await pageAfter(await sendHeld({ confirmOld: "2" })); // a count the admin did not see
    expect(await snapshot()).toEqual(before);

    expect(await pageAfter(await sendHeld({ recentOnly: "true" }))).toContain("1 mail queued for sending");
    expect((await rowOf(recent.id)).status).toBe("queued");
    expect((await rowOf(old.id)).status).toBe("held");
    expect(await pageAfter(await sendHeld({ confirmOld: "1" }))).toContain("1 mail queued for sending");
    expect((await lastAudit("outbox.held_sent"))?.data).toMatchObject({ queued: [old.id], confirmedOld: 1 });
    smtp.mails.length = 0;
    expect(await runJobs(true)).toBe(2);
    expect(smtp.mails).toHaveLength(2);
  });

  it("queues a held mail again with the delivery it was first queued with, and refuses one without it", async () => {
    const queueHeld = async (subject: string) => {
      await transaction(t.database.db, (tx) =>
        t.services.outbox.queue(tx, {
          reportId: null,
          to: "member@example.org",
          subject,
          body: "Confidential: the report's title and detail.",
          plainBody: "A report needs you; open Embargo to read it.",
          recipient: { kind: "member", id: adminId },
        }),
      );
      await runJobs(false);
      const [row] = await t.database.db.select().from(outbox).where(eq(outbox.subject, subject));
      expect(row?.status).toBe("held");
      return row!.id;
    };
    const kept = await queueHeld("Alert with plain text");
    const legacy = await queueHeld("Alert held before delivery was kept");
    await t.database.db.update(outbox).set({ delivery: null }).where(eq(outbox.id, legacy));
    const ada = await adminActor();
    expect(await t.services.outbox.sendHeld(ada, kept)).toMatchObject({ queued: 1, refused: [] });
    const { rows } = (await t.database.db.execute(
      sql`select data from pgboss.job where name = 'mail-deliver' and state = 'created'`,
    )) as unknown as { rows: { data: unknown }[] };
    expect(rows.map((r) => r.data)).toEqual([
      {
        outboxId: kept,
        recipient: { kind: "member", id: adminId },
        plainBody: "A report needs you; open Embargo to read it.",
      },
    ]);
    await runJobs(false); // still held by this handler without SMTP: the job carries no mail out itself
    const refused = await t.services.outbox.sendHeld(ada, legacy);
    expect(refused.queued).toBe(0);
    expect(refused.refused[0]?.reason).toMatch(/could leave unencrypted/);
    expect((await rowOf(legacy)).status).toBe("held");
    await t.services.outbox.discardHeld(ada, legacy);
    await t.services.outbox.discardHeld(ada, kept);
  });

  it("answers a bad id with 400, an unknown one with 404, and changes nothing", async () => {
    const mail = await heldReceipt();
    const before = await snapshot();
    for (const verb of ["send", "discard"]) {
      expect((await post(app, `/admin/outbox/not-a-mail/${verb}`, admin, {})).status).toBe(400);
      const unknown = await post(app, `/admin/outbox/${crypto.randomUUID()}/${verb}`, admin, {});
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain("Mail not found.");
    }
    expect((await sendHeld({ confirmOld: "many" })).status).toBe(400);
    expect(await snapshot()).toEqual(before);
    expect((await rowOf(mail.id)).status).toBe("held");
  });

  it("refuses responders and viewers, in the page and in the service", async () => {
    const mail = await heldReceipt();
    const before = await snapshot();
    for (const who of [alice, viewer]) {
      expect((await sendHeld({}, who)).status).toBe(403);
      expect((await post(app, `/admin/outbox/${mail.id}/send`, who, {})).status).toBe(403);
      expect((await post(app, `/admin/outbox/${mail.id}/discard`, who, {})).status).toBe(403);
    }
    const responder = { id: "x", email: "r@example.org", name: "R", role: "responder" as const };
    await expect(t.services.outbox.sendHeld(responder, mail.id)).rejects.toMatchObject({ status: 403 });
    await expect(t.services.outbox.discardHeld(responder, mail.id)).rejects.toMatchObject({ status: 403 });
    await expect(t.services.outbox.sendAllHeld(responder, {})).rejects.toMatchObject({ status: 403 });
    expect(await snapshot()).toEqual(before);
    const held = await t.database.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.status, "held"), eq(outbox.id, mail.id)));
    expect(held).toHaveLength(1);
  });

  it("fills the delivery of mail written before it was kept from its pg-boss job, on upgrade", async () => {
    await transaction(t.database.db, (tx) =>
      t.services.outbox.queue(tx, {
        reportId: null,
        to: "upgrade@example.org",
        subject: "Queued before the upgrade",
        body: "Text.",
        plainBody: "Neutral text.",
      }),
    );
    const [row] = await t.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.toAddress, "upgrade@example.org"));
    await t.database.db.update(outbox).set({ delivery: null }).where(eq(outbox.id, row!.id));
    const migration = fs.readFileSync(path.join(MIGRATIONS_DIR, "0014_outbox_delivery.sql"), "utf8");
    const backfill = migration.split("--> statement-breakpoint")[1]!;
    await t.database.db.execute(sql.raw(backfill));
    expect((await rowOf(row!.id)).delivery).toEqual({ plainBody: "Neutral text." });
    await t.database.db.execute(sql`delete from pgboss.job where data->>'outboxId' = ${row!.id}`);
  });

  async function adminActor() {
    const ada = (await t.services.team.list()).find((m) => m.name === "Ada")!;
    return { id: ada.id, email: ada.email, name: ada.name, role: ada.role };
  }
});
