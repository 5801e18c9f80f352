import fs from "node:fs";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { type App, appFor, get, login, post } from "../../../test/helpers/http.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { freePort } from "../../../test/helpers/net.ts";
import { type Gpg, gpgKey, makeGpg } from "../../../test/helpers/pgp.ts";
import { insertRelease } from "../../../test/helpers/release-rows.ts";
import { startSmtp, type TestSmtp } from "../../../test/helpers/smtp.ts";
import { transaction } from "../../core/db.ts";
import { auditEvents, outbox, prenotifications, releases, reports } from "../../db/schema.ts";
import { createMailTransport } from "../../mail/transport.ts";
import { createMailDeliveryHandler } from "../outbox/outbox.jobs.ts";
import { PRENOTIFY_SEND, registerPrenotifyWorkers } from "./prenotify.jobs.ts";
import { createPrenotifyService } from "./prenotify.service.ts";

const APPROVED = "APPROVED-ADVISORY-TEXT: upgrade to 2.4.1; the preview now escapes HTML.";
const PRENOTIFY_AT = new Date("2026-03-04T09:00:00Z");
const PUBLISH_AT = new Date("2026-03-05T09:00:00Z");

interface Recipient {
  name: string;
  email: string;
  gpg: Gpg;
  publicArmored: string;
}

type Rows = { data: Record<string, unknown>; start_after?: Date | string }[];

describe.each(DB_KINDS)("encrypted pre-notification over SMTP, on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let smtp: TestSmtp;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let intakeFingerprint: string;
  let sender: ReturnType<typeof createPrenotifyService>;
  let deliver: ReturnType<typeof createMailDeliveryHandler>;
  let reportId: string;
  let listIds: string[];
  const people: Record<"imogen" | "fulton" | "expira", Recipient> = {} as never;

  const rows = async (sqlText: ReturnType<typeof sql>) =>
    ((await t.database.db.execute(sqlText)) as unknown as { rows: Rows }).rows;
  const handler = (port: number) =>
    createMailDeliveryHandler({
      db: t.database.db,
      transport: createMailTransport(`smtp://127.0.0.1:${port}`, "security@embargo.test"),
      clock: t.clock,
      publicHost: "embargo.test",
      cipher: t.services.deps.cipher,
      keys: t.services.keys,
      onOutcome: (tx, source, outcome) => sender.recordDelivery(tx, source, outcome),
    });
  /** Runs every queued delivery job of pre-notification mail once, in order, with this handler. */
  const deliverQueued = async (run = deliver) => {
    const jobs = await rows(
      sql`select data from pgboss.job where name = 'mail-deliver' and data->'source'->>'kind' = 'prenotification' order by created_on`,
    );
    for (const job of jobs) await run(job.data);
  };
  const rowsOf = (releaseId: string) =>
    t.database.db
      .select()
      .from(prenotifications)
      .where(eq(prenotifications.releaseId, releaseId))
      .orderBy(prenotifications.round, prenotifications.email);
  const mailTo = (email: string) =>
    smtp.mails.filter((m) => new RegExp(`^To: ${email.replace(".", "\\.")}\\r?$`, "mi").test(m));
  /** Decrypts a raw mail with this recipient's own gpg: the plaintext and gpg's status lines. */
  const decrypt = (who: Recipient, raw: string) => {
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(raw)![0];
    const out = path.join(who.gpg.home, "out.txt");
    const result = who.gpg.try(
      ["--status-fd", "1", "--passphrase", "", "--yes", "--output", out, "--decrypt"],
      armored.replace(/\r\n/g, "\n"),
    );
    const text =
      result.status === 0
        ? fs
            .readFileSync(out, "utf8")
            .replace(/=\r?\n/g, "")
            .replace(/=3D/g, "=")
            .replace(/\r\n/g, "\n")
        : "";
    return { ...result, text };
  };
  const newRelease = (version: string, listIdsFor = listIds) =>
    insertRelease(t, {
      version,
      createdBy: team.admin.id,
      publishAt: PUBLISH_AT,
      prenotifyAt: PRENOTIFY_AT,
      reportIds: [reportId],
      listIds: listIdsFor,
    });

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    await raiseIntakeLimits(t);
    team = await makeTeam(t);
    smtp = await startSmtp();
    await t.services.keys.ensureIntakeKey();
    const intake = (await t.services.keys.intakeOverview()).current;
    intakeFingerprint = intake.fingerprint;
    const person = (name: string, email: string, expire = "never"): Recipient => {
      const gpg = makeGpg();
      const key = gpgKey(gpg, `${name} <${email}>`, { expire });
      gpg.run(["--import"], intake.publicArmored);
      return { name, email, gpg, publicArmored: key.publicArmored };
    };
    people.imogen = person("Imogen", "imogen@distro.example");
    people.fulton = person("Fulton", "fulton@distro.example");
    // Usable when the list is kept (the test clock starts on 2026-03-02), expired at the pre-notification time.
    people.expira = person("Expira", "expira@distro.example", "2026-03-03");
    const member = (p: Recipient) => ({ name: p.name, email: p.email, pgpKey: p.publicArmored });
    const imminent = await t.services.notifications.create(team.admin.id, {
      name: "Downstream projects",
      mode: "imminent",
      members: [member(people.imogen), member(people.expira)],
    });
    const full = await t.services.notifications.create(team.admin.id, {
      name: "Distributions",
      mode: "full",
      members: [member(people.fulton)],
    });
    listIds = [imminent.id, full.id];
    const res = await app.request("/api/v1/reports", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(reportFields({ title: "Preview XSS in the comment renderer" })),
    });
    reportId = ((await res.json()) as { id: string }).id;
    await t.database.db.update(reports).set({ severity: "critical" }).where(eq(reports.id, reportId));
    sender = createPrenotifyService({
      db: t.database.db,
      clock: t.clock,
      jobs: t.jobs,
      publicUrl: "http://embargo.test",
      outbox: t.services.outbox,
      alerts: t.services.alerts,
      advisories: {
        approvedText: async (_db, ids) =>
          ids.includes(reportId)
            ? [{ publicId: "EMBSA-2026-0001", title: "Preview XSS", text: APPROVED }]
            : [],
      },
    });
    deliver = handler(smtp.port);
  });
  afterAll(async () => {
    for (const p of Object.values(people)) p.gpg?.close();
    await smtp?.close();
    await t?.close();
  });

  it("queues a durable job for prenotifyAt that is never early, skips an older time's job and sends once", async () => {
    t.clock.set("2026-03-02T09:00:00Z");
    const id = await newRelease("2.4.1");
    await transaction(t.database.db, (tx) => sender.scheduleInTx(tx, id, PRENOTIFY_AT));
    const [job] = await rows(
      sql`select data, start_after from pgboss.job where name = ${PRENOTIFY_SEND} and data->>'releaseId' = ${id}`,
    );
    expect(job!.data).toEqual({ releaseId: id, prenotifyAt: PRENOTIFY_AT.toISOString() });
    expect(new Date(job!.start_after!).getTime()).toBe(PRENOTIFY_AT.getTime());

    t.clock.set(new Date(PRENOTIFY_AT.getTime() - 1000)); // a second early
    expect(await sender.runDue(job!.data)).toBe("requeued");
    expect(await sender.runDue({ releaseId: id, prenotifyAt: "2026-03-03T09:00:00.000Z" })).toBe("skipped");
    expect(await rowsOf(id)).toHaveLength(0);

    t.clock.set(PRENOTIFY_AT);
    expect(await sender.runDue(job!.data)).toBe("sent");
    expect(await sender.runDue(job!.data)).toBe("skipped"); // a retried or second job sends nothing
    const sent = await rowsOf(id);
    expect(sent.map((r) => [r.email, r.kind, r.round, r.status])).toEqual([
      ["expira@distro.example", "notice", 1, "failed"],
      ["fulton@distro.example", "notice", 1, "queued"],
      ["imogen@distro.example", "notice", 1, "queued"],
    ]);
    const [release] = await t.database.db.select().from(releases).where(eq(releases.id, id));
    expect(release!.prenotifiedAt?.toISOString()).toBe(PRENOTIFY_AT.toISOString());
    const events = await t.database.db
      .select()
      .from(auditEvents)
      .where(
        and(eq(auditEvents.action, "release.prenotified"), sql`${auditEvents.data}->>'releaseId' = ${id}`),
      );
    expect(events).toHaveLength(1);
  });

  it("sends each member their own PGP/MIME mail, signed by the intake key; an expired key gets nothing", async () => {
    t.clock.set(PRENOTIFY_AT);
    smtp.mails.length = 0;
    await deliverQueued();
    expect(smtp.mails).toHaveLength(2);
    expect(mailTo("expira@distro.example")).toHaveLength(0);
    for (const who of [people.imogen, people.fulton]) {
      const [raw] = mailTo(who.email);
      expect(raw).toMatch(/Content-Type: multipart\/encrypted;\s+protocol="application\/pgp-encrypted"/);
      // Nothing but the neutral subject travels in the clear: no version, time, link or advisory.
      for (const secret of ["2.4.1", "/prenotify/ack/", "APPROVED", "critical"])
        expect(raw).not.toContain(secret);
      const own = decrypt(who, raw!);
      expect(own.status).toBe(0);
      expect(own.stdout).toContain("[GNUPG:] DECRYPTION_OKAY");
      expect(own.stdout).toMatch(
        new RegExp(`\\[GNUPG:\\] VALIDSIG [0-9A-F]{40} .* ${intakeFingerprint}$`, "m"),
      );
      expect(own.text).toContain("Version:           2.4.1");
      expect(own.text).toContain("Publication:       2026-03-05 09:00 UTC (2026-03-05T09:00:00.000Z)");
      expect(own.text).toContain("Track:             Security release");
      expect(own.text).toContain("Highest severity:  critical");
      expect(own.text).toMatch(/http:\/\/embargo\.test\/prenotify\/ack\/[A-Za-z0-9_-]{22}/);
      // Only the addressee can read it: the other recipient's key does not open it.
      const other = who === people.imogen ? people.fulton : people.imogen;
      expect(decrypt(other, raw!).status).not.toBe(0);
    }
    const imminent = decrypt(people.imogen, mailTo(people.imogen.email)[0]!).text;
    expect(imminent).not.toContain("APPROVED");
    expect(imminent).not.toContain("Preview XSS");
    expect(imminent).not.toContain("comment");
    const full = decrypt(people.fulton, mailTo(people.fulton.email)[0]!).text;
    expect(full).toContain("----- Advisory EMBSA-2026-0001: Preview XSS -----");
    expect(full).toContain(APPROVED);

    const [id] = (await t.database.db.select({ id: releases.id }).from(releases)).map((r) => r.id);
    const byEmail = new Map((await rowsOf(id!)).map((r) => [r.email, r]));
    expect(byEmail.get("imogen@distro.example")).toMatchObject({ status: "sent", failure: null });
    expect(byEmail.get("fulton@distro.example")).toMatchObject({ status: "sent", failure: null });
    expect(byEmail.get("expira@distro.example")!.failure).toMatch(
      /^Not sent: the OpenPGP key [0-9A-F ]{49} expired/,
    );
    expect(byEmail.get("expira@distro.example")!.ackTokenHash).toBeNull();
    // Not even a plaintext mail was queued for the expired key.
    expect(
      await t.database.db.select().from(outbox).where(eq(outbox.toAddress, "expira@distro.example")),
    ).toEqual([]);
    const alerts = await rows(
      sql`select data from pgboss.job where name = 'team-alert' and data->>'event' = 'prenotify_failed'`,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.data).toMatchObject({ reportId, userIds: [team.admin.id] });
    expect(String(alerts[0]!.data.detail)).toContain("expira@distro.example");
    expect(String(alerts[0]!.data.detail)).not.toContain("XSS");
  });

  it("records an acknowledgement once, by POST; a GET changes nothing; used and unknown links get a clear page", async () => {
    const text = decrypt(people.imogen, mailTo(people.imogen.email)[0]!).text;
    const link = /http:\/\/embargo\.test(\/prenotify\/ack\/[A-Za-z0-9_-]{22})/.exec(text)![1]!;
    const page = await get(app, link);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain("I received the pre-notification");
    expect(html).toContain(`action="${link}"`);
    const acked = async () =>
      (
        await t.database.db
          .select()
          .from(prenotifications)
          .where(eq(prenotifications.email, people.imogen.email))
      )[0]!.acknowledgedAt;
    expect(await acked()).toBeNull();

    t.clock.set("2026-03-04T10:30:00Z");
    const res = await post(app, link, null, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/prenotify/ack/thanks");
    expect(await (await get(app, "/prenotify/ack/thanks")).text()).toContain("Your receipt is recorded");
    expect((await acked())?.toISOString()).toBe("2026-03-04T10:30:00.000Z");
    const again = await post(app, link, null, {});
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("Already confirmed");
    expect((await acked())?.toISOString()).toBe("2026-03-04T10:30:00.000Z");
    expect(await (await get(app, link)).text()).toContain("Already confirmed");
    const events = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "release.prenotification_acknowledged"));
    expect(events).toHaveLength(1);

    for (const bad of ["/prenotify/ack/AAAAAAAAAAAAAAAAAAAAAA", "/prenotify/ack/not-a-token"]) {
      const unknown = await get(app, bad);
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain("Link not recognised");
      expect((await post(app, bad, null, {})).status).toBe(404);
    }
  });

  it("writes the same people again after a reschedule and after a cancel, encrypted, in higher rounds", async () => {
    const [id] = (await t.database.db.select({ id: releases.id }).from(releases)).map((r) => r.id);
    const moved = new Date("2026-03-06T15:30:00Z");
    await t.database.db.update(releases).set({ publishAt: moved }).where(eq(releases.id, id!));
    smtp.mails.length = 0;
    await transaction(t.database.db, (tx) => sender.updateInTx(tx, id!, "reschedule"));
    await deliverQueued();
    expect(smtp.mails).toHaveLength(2);
    const update = decrypt(people.fulton, mailTo(people.fulton.email)[0]!);
    expect(update.stdout).toMatch(new RegExp(`VALIDSIG [0-9A-F]{40} .* ${intakeFingerprint}$`, "m"));
    expect(update.text).toContain("has a new publication time");
    expect(update.text).toContain("2026-03-06 15:30 UTC");

    await t.database.db
      .update(releases)
      .set({ state: "cancelled", cancelReason: "The fix broke the build." })
      .where(eq(releases.id, id!));
    smtp.mails.length = 0;
    await transaction(t.database.db, (tx) => sender.updateInTx(tx, id!, "cancel"));
    await deliverQueued();
    expect(smtp.mails.map((m) => /^To: (.+?)\r?$/m.exec(m)![1]).sort()).toEqual([
      "fulton@distro.example",
      "imogen@distro.example",
    ]);
    const cancel = decrypt(people.imogen, mailTo(people.imogen.email)[0]!).text;
    expect(cancel).toContain("is cancelled");
    expect(cancel).toContain("The fix broke the build.");
    expect(cancel).not.toContain("APPROVED");
    const all = await rowsOf(id!);
    expect(all.map((r) => [r.round, r.kind, r.email, r.status])).toEqual([
      [1, "notice", "expira@distro.example", "failed"],
      [1, "notice", "fulton@distro.example", "sent"],
      [1, "notice", "imogen@distro.example", "sent"],
      [2, "reschedule", "fulton@distro.example", "sent"],
      [2, "reschedule", "imogen@distro.example", "sent"],
      [3, "cancel", "fulton@distro.example", "sent"],
      [3, "cancel", "imogen@distro.example", "sent"],
    ]);
  });

  it("marks a mail the SMTP server never took as failed with the reason, and sent once a retry gets through", async () => {
    t.clock.set(PRENOTIFY_AT);
    await t.database.db.update(releases).set({ state: "published" }); // earlier releases are done
    const id = await newRelease("2.4.2", [listIds[1]!]);
    await sender.runDue({ releaseId: id, prenotifyAt: PRENOTIFY_AT.toISOString() });
    const down = handler(await freePort());
    const [job] = await rows(
      sql`select data from pgboss.job where name = 'mail-deliver' and data->'source'->>'id' = (select id::text from prenotifications where release_id = ${id})`,
    );
    await expect(down(job!.data)).rejects.toThrow();
    const [failed] = await rowsOf(id);
    expect(failed!.status).toBe("failed");
    expect(failed!.failure).toMatch(/ECONNREFUSED|connect/i);
    smtp.mails.length = 0;
    await deliver(job!.data);
    expect(smtp.mails).toHaveLength(1);
    expect((await rowsOf(id))[0]).toMatchObject({ status: "sent", failure: null });
  });

  it("shows members each recipient's status on the release page and in the JSON API", async () => {
    const [id] = (
      await t.database.db.select({ id: releases.id }).from(releases).where(eq(releases.version, "2.4.1"))
    ).map((r) => r.id);
    const viewer = await login(app, team.viewer.email, team.viewer.password);
    const page = await get(app, `/releases/${id}/prenotifications`, viewer);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Pre-notification of 2.4.1");
    expect(html).toContain("imogen@distro.example");
    expect(html).toContain("Acknowledged");
    expect(html).toMatch(/Not sent: the OpenPGP key [0-9A-F ]{49} expired/);
    expect((await get(app, `/releases/${id}/prenotifications`)).status).toBe(303);
    expect((await get(app, "/releases/not-a-uuid/prenotifications", viewer)).status).toBe(404);

    const api = (path: string, token?: string) =>
      app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const res = await api(`/api/v1/releases/${id}/prenotifications`, team.viewer.token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { release: { version: string }; items: Record<string, unknown>[] };
    expect(body.release.version).toBe("2.4.1");
    expect(body.items).toHaveLength(7);
    expect(body.items.find((i) => i.email === "imogen@distro.example" && i.round === 1)).toMatchObject({
      status: "acknowledged",
      acknowledgedAt: "2026-03-04T10:30:00.000Z",
      list: "Downstream projects",
    });
    expect(JSON.stringify(body)).not.toMatch(/ackToken|ack_token/);
    expect((await api(`/api/v1/releases/${id}/prenotifications`)).status).toBe(401);
    const missing = await api(
      "/api/v1/releases/00000000-0000-4000-8000-000000000000/prenotifications",
      team.viewer.token,
    );
    expect(missing.status).toBe(404);
  });
  it("sends nothing to a key that expired after the job queued its mail, and alerts the admins", async () => {
    await t.database.db.update(releases).set({ state: "published" }); // earlier releases are done
    t.clock.set("2026-03-02T12:00:00Z"); // Expira's key is still good (it expires on 2026-03-03)
    const early = new Date("2026-03-02T10:00:00Z");
    const id = await insertRelease(t, {
      version: "2.4.4",
      createdBy: team.admin.id,
      publishAt: PUBLISH_AT,
      prenotifyAt: early,
      reportIds: [reportId],
      listIds: [listIds[0]!],
    });
    expect(await sender.runDue({ releaseId: id, prenotifyAt: early.toISOString() })).toBe("sent");
    expect((await rowsOf(id)).map((r) => [r.email, r.status])).toEqual([
      ["expira@distro.example", "queued"],
      ["imogen@distro.example", "queued"],
    ]);
    t.clock.set("2026-03-04T08:00:00Z"); // the delivery runs after the key expired
    smtp.mails.length = 0;
    const [job] = await rows(
      sql`select data from pgboss.job where name = 'mail-deliver' and data->'source'->>'id' = (select id::text from prenotifications where release_id = ${id} and email = 'expira@distro.example')`,
    );
    await expect(deliver(job!.data)).rejects.toThrow(/never sent unencrypted/);
    expect(smtp.mails).toHaveLength(0);
    const [refused] = await rowsOf(id);
    expect(refused).toMatchObject({ email: "expira@distro.example", status: "failed" });
    expect(refused!.failure).toMatch(/^Not sent: .* expired on 2026-03-03/);
    const alerts = await rows(
      sql`select data from pgboss.job where name = 'team-alert' and data->>'occurrence' = ${`prenotification:${refused!.id}`}`,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.data).toMatchObject({ event: "prenotify_failed", userIds: [team.admin.id] });
  });

  it("runs through the durable queue: a registered worker picks the job up and pre-notifies", async () => {
    t.clock.set(PRENOTIFY_AT);
    const id = await newRelease("2.4.3", [listIds[1]!]);
    await registerPrenotifyWorkers({ jobs: t.jobs, prenotify: sender });
    await transaction(t.database.db, (tx) => sender.scheduleInTx(tx, id, PRENOTIFY_AT));
    await expect
      .poll(
        async () =>
          (await t.database.db.select().from(releases).where(eq(releases.id, id)))[0]!.prenotifiedAt,
        {
          timeout: 15_000,
        },
      )
      .toEqual(PRENOTIFY_AT);
    expect((await rowsOf(id)).map((r) => r.email)).toEqual(["fulton@distro.example"]);
  });
});
