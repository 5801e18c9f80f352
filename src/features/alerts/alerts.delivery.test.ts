import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { freePort } from "../../../test/helpers/net.ts";
import { startSmtp } from "../../../test/helpers/smtp.ts";
import { transaction } from "../../core/db.ts";
import { alertChannels, alertDeliveries, outbox } from "../../db/schema.ts";
import { parseHostAllowList } from "../../domain/network-trust.ts";
import { startJobQueue } from "../../jobs/queue.ts";
import { registerWorkers } from "../../jobs/workers.ts";
import { createMailTransport } from "../../mail/transport.ts";
import { createMailDeliveryHandler } from "../outbox/outbox.jobs.ts";
import { ALERT_DELIVER_RETRY_LIMIT, type TeamAlert } from "./alert-queue.jobs.ts";
import { signWebhook } from "./alert-send.adapter.ts";
import { sendAlertRequest } from "./alert-target.adapter.ts";
import { type AlertJobDeps, createAlertDeliverHandler, createTeamAlertHandler } from "./alerts.jobs.ts";

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on loopback that records each request and answers with the given statuses, then 200. */
async function startReceiver(statuses: number[] = [], delayMs = 0) {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const status = statuses.shift() ?? 200;
      setTimeout(() => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(status < 300 ? '{"ok":true}' : '{"error":"boom"}');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const SECRET = "whsec-0123456789abcdef0123456789";

describe.each(DB_KINDS)("team alert delivery on %s", (kind) => {
  let t: TestDb;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let deps: AlertJobDeps;
  let fanOut: ReturnType<typeof createTeamAlertHandler>;
  let deliver: ReturnType<typeof createAlertDeliverHandler>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const job = (retryCount = 0) => ({ id: "test-job", retryCount });

  beforeAll(async () => {
    t = await createTestDb(kind, { alertAllowPrivateHosts: "127.0.0.1" });
    team = await makeTeam(t);
    deps = {
      db: t.database.db,
      jobs: t.jobs,
      cipher: t.services.deps.cipher,
      clock: t.clock,
      publicUrl: "http://embargo.test",
      outbox: t.services.outbox,
      settings: t.services.settings,
      team: t.services.team,
      allowPrivateHosts: parseHostAllowList("127.0.0.1")!,
    };
    fanOut = createTeamAlertHandler(deps);
    deliver = createAlertDeliverHandler(deps);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });
  beforeEach(async () => {
    // Each test sets up its own channels; the ones before it stop receiving.
    await t.database.db.update(alertChannels).set({ active: false });
    receiver.requests.length = 0;
  });

  const submit = async (overrides: Record<string, unknown> = {}) =>
    (await t.services.reports.submit(reportFields(overrides), [], "web")).report;
  const addChannel = (input: Record<string, unknown>) =>
    t.services.alerts.createChannel(team.admin.id, { events: ["report_received"], ...input });
  const deliveriesFor = (reportId: string) =>
    t.database.db.select().from(alertDeliveries).where(eq(alertDeliveries.reportId, reportId));
  const alertFor = (reportId: string, extra: Partial<TeamAlert> = {}): TeamAlert => ({
    event: "report_received",
    reportId,
    occurrence: reportId,
    ...extra,
  });
  const queuedJobs = async (name: string) => {
    const result = (await t.database.db.execute(
      sql`select data from pgboss.job where name = ${name}`,
    )) as unknown as { rows: { data: Record<string, unknown> }[] };
    return result.rows.map((r) => r.data);
  };

  it("queues a team alert when a report arrives and when its reporter replies", async () => {
    const { report, token } = await t.services.reports.submit(reportFields(), [], "web");
    await t.services.reports.replyAsReporter(token, { body: "Any news?" });
    const alerts = (await queuedJobs("team-alert")).filter((d) => d.reportId === report.id);
    expect(alerts.map((a) => a.event).sort()).toEqual(["report_received", "reporter_replied"]);
  });

  it("sends signed webhooks and the Slack, Discord and Matrix shapes, with no vulnerability details", async () => {
    const hook = await addChannel({
      kind: "webhook",
      name: "SIEM",
      url: `${receiver.url}/hook`,
      secret: SECRET,
    });
    await addChannel({ kind: "slack", name: "Slack", url: `${receiver.url}/slack` });
    await addChannel({ kind: "discord", name: "Discord", url: `${receiver.url}/discord` });
    await addChannel({
      kind: "matrix",
      name: "Matrix",
      homeserver: `${receiver.url}/mx/`,
      roomId: "!room42:example.org",
      accessToken: "syt_matrix_token",
    });
    const report = await submit({ title: "XSS <b>&amp; @everyone <!channel>" });
    await fanOut(alertFor(report.id, { detail: "new via web" }), job());
    const rows = await deliveriesFor(report.id);
    expect(rows).toHaveLength(4);
    for (const row of rows) await deliver({ deliveryId: row.id, detail: "new via web" }, job());
    const byPath = (p: string) => receiver.requests.find((r) => r.url.startsWith(p))!;
    const url = `http://embargo.test/reports/${report.reference}`;

    const webhook = byPath("/hook");
    expect(webhook.method).toBe("POST");
    const timestamp = webhook.headers["x-embargo-timestamp"] as string;
    expect(timestamp).toBe(String(Math.floor(t.clock().getTime() / 1000)));
    expect(webhook.headers["x-embargo-signature"]).toBe(signWebhook(SECRET, timestamp, webhook.body));
    expect(webhook.headers["x-embargo-signature"]).not.toBe(
      signWebhook("wrong-secret", timestamp, webhook.body),
    );
    const hookRow = rows.find((r) => r.channelId === hook.channel.id)!;
    expect(webhook.headers["x-embargo-event"]).toBe("report_received");
    expect(webhook.headers["x-embargo-delivery"]).toBe(hookRow.id);
    expect(JSON.parse(webhook.body)).toEqual({
      event: "report_received",
      report: { id: report.id, reference: report.reference, title: report.title, url },
      detail: "new via web",
      occurredAt: t.clock().toISOString(),
      deliveryId: hookRow.id,
    });

    const slack = JSON.parse(byPath("/slack").body);
    expect(Object.keys(slack)).toEqual(["text"]);
    expect(slack.text).toContain(report.reference);
    expect(slack.text).toContain(url);
    expect(slack.text).toContain("&lt;!channel&gt;"); // a title cannot mention the channel
    expect(slack.text).not.toContain("<!channel>");

    const discord = JSON.parse(byPath("/discord").body);
    expect(discord.content).toContain(`${report.reference}: ${report.title}`);
    expect(discord.allowed_mentions).toEqual({ parse: [] });

    const matrix = byPath("/mx/");
    expect(matrix.method).toBe("PUT");
    const matrixRow = rows.find((r) => r.channelId !== hook.channel.id && matrix.url.endsWith(r.id))!;
    expect(matrix.url).toBe(
      `/mx/_matrix/client/v3/rooms/${encodeURIComponent("!room42:example.org")}/send/m.room.message/${matrixRow.id}`,
    );
    expect(matrix.headers.authorization).toBe("Bearer syt_matrix_token");
    const matrixBody = JSON.parse(matrix.body);
    expect(matrixBody.msgtype).toBe("m.text");
    expect(matrixBody.body).toContain(report.reference);

    for (const r of receiver.requests) {
      expect(r.body).not.toContain("comment preview renders HTML"); // the description
      expect(r.body).not.toContain("onerror"); // the steps
    }
    const after = await deliveriesFor(report.id);
    expect(after.every((r) => r.status === "sent" && r.attempts.length === 1 && r.attempts[0]!.ok)).toBe(
      true,
    );
    expect(after.every((r) => r.attempts[0]!.status === 200)).toBe(true);
  });

  it("retries a receiver that fails first: two attempts logged on one delivery", async () => {
    const flaky = await startReceiver([500]);
    try {
      await addChannel({ kind: "slack", name: "Flaky", url: `${flaky.url}/slack` });
      const report = await submit();
      await fanOut(alertFor(report.id), job());
      const [row] = await deliveriesFor(report.id);
      await expect(deliver({ deliveryId: row!.id }, job(0))).rejects.toThrow(/HTTP 500/);
      expect((await deliveriesFor(report.id))[0]!.status).toBe("pending");
      await deliver({ deliveryId: row!.id }, job(1));
      await deliver({ deliveryId: row!.id }, job(2)); // a stray re-run after success sends nothing
      const [done] = await deliveriesFor(report.id);
      expect(done!.status).toBe("sent");
      expect(done!.sentAt).not.toBeNull();
      expect(done!.attempts.map((a) => [a.ok, a.status])).toEqual([
        [false, 500],
        [true, 200],
      ]);
      expect(flaky.requests).toHaveLength(2);
    } finally {
      await flaky.close();
    }
  });

  it("records failed attempts to a dead port and marks the delivery failed after the last retry", async () => {
    const port = await freePort();
    await addChannel({ kind: "discord", name: "Dead", url: `http://127.0.0.1:${port}/hook` });
    const report = await submit();
    await fanOut(alertFor(report.id), job());
    const [row] = await deliveriesFor(report.id);
    await expect(deliver({ deliveryId: row!.id }, job(0))).rejects.toThrow(/failed/);
    expect((await deliveriesFor(report.id))[0]!.status).toBe("pending");
    await expect(deliver({ deliveryId: row!.id }, job(ALERT_DELIVER_RETRY_LIMIT))).rejects.toThrow();
    const [failed] = await deliveriesFor(report.id);
    expect(failed!.status).toBe("failed");
    expect(failed!.attempts).toHaveLength(2);
    for (const a of failed!.attempts) {
      expect(a.ok).toBe(false);
      expect(a.status).toBeUndefined();
      expect(a.error).toMatch(/ECONNREFUSED|connect|refused/i);
    }
  });

  it("fans out once: the same job run twice makes one delivery and one send job per target", async () => {
    const ch = await addChannel({
      kind: "webhook",
      name: "Twice",
      url: `${receiver.url}/twice`,
      secret: SECRET,
    });
    await addChannel({ kind: "slack", name: "Wrong event", url: receiver.url, events: ["sla_breach"] });
    const report = await submit();
    await fanOut(alertFor(report.id), job());
    await fanOut(alertFor(report.id), job());
    const rows = await deliveriesFor(report.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.channelId).toBe(ch.channel.id);
    expect(rows[0]!.dedupeKey).toBe(`report_received:${report.id}:channel:${ch.channel.id}`);
    const sends = (await queuedJobs("alert-deliver")).filter((d) => d.deliveryId === rows[0]!.id);
    expect(sends).toHaveLength(1);
    // A different occurrence of the same event is a new delivery.
    await fanOut(alertFor(report.id, { occurrence: `${report.id}:again` }), job());
    expect(await deliveriesFor(report.id)).toHaveLength(2);
  });

  it("emails only the members whose preferences allow the event", async () => {
    await addChannel({ kind: "email", name: "Team mail", events: ["report_received", "sla_breach"] });
    await t.services.alerts.updatePrefs(team.alice.id, { email: "false", events: ["report_received"] });
    await t.services.alerts.updatePrefs(team.bob.id, { email: "true", events: ["sla_breach"] });
    const report = await submit();
    await fanOut(alertFor(report.id), job());
    const received = await deliveriesFor(report.id);
    expect(received.map((r) => r.userId)).toEqual([team.admin.id]); // Alice opted out, Bob chose other events
    await fanOut(
      alertFor(report.id, { event: "sla_breach", occurrence: "breach-1", userIds: [team.bob.id] }),
      job(),
    );
    const breach = (await deliveriesFor(report.id)).filter((r) => r.event === "sla_breach");
    expect(breach.map((r) => r.userId)).toEqual([team.bob.id]);
    // The viewer is never alerted, even when named.
    await fanOut(alertFor(report.id, { occurrence: "named", userIds: [team.viewer.id] }), job());
    expect((await deliveriesFor(report.id)).filter((r) => r.dedupeKey.includes("named"))).toHaveLength(0);
    // Back to the defaults for the next tests.
    for (const m of [team.alice, team.bob])
      await t.database.db.execute(sql`update users set alert_prefs = '{}'::jsonb where id = ${m.id}`);
  });

  it("gives up on a request that gets no answer within the timeout", async () => {
    const slow = await startReceiver([], 2_000);
    try {
      const result = await sendAlertRequest(
        { method: "POST", url: `${slow.url}/slow`, headers: {}, body: "{}" },
        parseHostAllowList("127.0.0.1")!,
        200,
      );
      expect(result).toEqual({ ok: false, error: "no answer within 0.2 s" });
    } finally {
      await slow.close();
    }
  });

  it("delivers alert mail through a real SMTP server encrypted to each member's key", async () => {
    const smtp = await startSmtp();
    const { mails, port } = smtp;
    try {
      await addChannel({ kind: "email", name: "Team mail" });
      const report = await submit({ title: "Token leak in the export" });
      await fanOut(alertFor(report.id), job());
      const rows = await deliveriesFor(report.id);
      expect(rows.map((r) => r.userId).sort()).toEqual([team.admin.id, team.alice.id, team.bob.id].sort());
      for (const row of rows) {
        await deliver({ deliveryId: row.id }, job());
        await deliver({ deliveryId: row.id }, job()); // a re-run never writes a second mail
      }
      const queued = (await t.database.db.select().from(outbox).where(eq(outbox.reportId, report.id))).filter(
        (m) => m.subject.includes("New report"),
      );
      expect(queued).toHaveLength(3);
      const sendMail = createMailDeliveryHandler({
        db: t.database.db,
        transport: createMailTransport(`smtp://127.0.0.1:${port}`, "alerts@embargo.test"),
        clock: t.clock,
        publicHost: "embargo.test",
        cipher: t.services.deps.cipher,
        keys: t.services.keys,
      });
      for (const m of queued) await sendMail({ outboxId: m.id });
      expect(mails).toHaveLength(3);
      const toAda = mails.find((m) => m.includes(`To: ${team.admin.email}`))!;
      expect(toAda).toContain(report.reference);
      // Members with a key (all of them here) get PGP/MIME: the title and link travel only inside the ciphertext.
      expect(toAda).toContain('multipart/encrypted; protocol="application/pgp-encrypted"');
      expect(toAda).not.toContain("Token leak in the export");
      for (const mail of mails) {
        expect(mail).not.toContain("comment preview");
        expect(mail).not.toContain("onerror");
        expect(mail).not.toContain("Session theft");
      }
      const sent = await deliveriesFor(report.id);
      expect(sent.every((r) => r.status === "sent" && r.attempts.length === 1)).toBe(true);
    } finally {
      await smtp.close();
    }
  });

  it("sends a test alert queued from the admin service, and refuses one to a disabled channel", async () => {
    const { channel } = await addChannel({
      kind: "webhook",
      name: "Test me",
      url: `${receiver.url}/test`,
      secret: SECRET,
    });
    const { deliveryId } = await t.services.alerts.sendTest(team.admin.id, channel.id);
    await deliver({ deliveryId, detail: null }, job());
    const body = JSON.parse(receiver.requests.find((r) => r.url === "/test")!.body);
    expect(body.event).toBe("test");
    expect(body.report).toBeNull();
    await t.database.db.update(alertChannels).set({ active: false });
    await expect(t.services.alerts.sendTest(team.admin.id, channel.id)).rejects.toThrow(/Enable the channel/);
  });
});

describe.each(DB_KINDS)("team alerts through the real workers on %s", (kind) => {
  it("delivers a new report's alert to a webhook and by SMTP mail, from the jobs alone", async () => {
    const t = await createTestDb(kind, { alertAllowPrivateHosts: "127.0.0.1" });
    const receiver = await startReceiver();
    const smtp = await startSmtp();
    const { mails, port } = smtp;
    try {
      const team = await makeTeam(t);
      await t.services.alerts.updatePrefs(team.alice.id, { email: "false" });
      await t.services.alerts.updatePrefs(team.bob.id, { email: "false" });
      const events = ["report_received"];
      await t.services.alerts.createChannel(team.admin.id, { kind: "email", name: "Mail", events });
      await t.services.alerts.createChannel(team.admin.id, {
        kind: "webhook",
        name: "Hook",
        url: `${receiver.url}/hook`,
        secret: SECRET,
        events,
      });
      await registerWorkers(t.services, {
        logger: pino({ level: "silent" }),
        transport: createMailTransport(`smtp://127.0.0.1:${port}`, "alerts@embargo.test"),
      });
      const { report } = await t.services.reports.submit(reportFields(), [], "web");
      const deadline = Date.now() + 20_000;
      const alertMails = () => mails.filter((m) => m.includes(`To: ${team.admin.email}`));
      while ((receiver.requests.length < 1 || alertMails().length < 1) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(receiver.requests).toHaveLength(1);
      const hook = receiver.requests[0]!;
      const ts = hook.headers["x-embargo-timestamp"] as string;
      expect(hook.headers["x-embargo-signature"]).toBe(signWebhook(SECRET, ts, hook.body));
      expect(JSON.parse(hook.body).report.reference).toBe(report.reference);
      expect(alertMails()).toHaveLength(1);
      expect(alertMails()[0]).toContain(report.reference);
      expect(alertMails()[0]).not.toContain("without escaping");
    } finally {
      await smtp.close();
      await receiver.close();
      await t.close();
    }
  }, 90_000);
});

describe.each(DB_KINDS)("job retries on %s", (kind) => {
  it("give handlers pg-boss's retry count, so a delivery knows its last try", async () => {
    const t = await createTestDb(kind);
    const probe = await startJobQueue(
      t.database.executor,
      [{ name: "retry-probe", retryLimit: 2, retryDelay: 1, retryBackoff: false }],
      pino({ level: "silent" }),
      { pollingIntervalSeconds: 0.5 },
    );
    try {
      const seen: number[] = [];
      await probe.work("retry-probe", async (_data, job) => {
        seen.push(job.retryCount);
        throw new Error("still failing");
      });
      await transaction(t.database.db, (tx) => probe.send(tx, "retry-probe", {}));
      const deadline = Date.now() + 15_000;
      while (seen.length < 3 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual([0, 1, 2]);
    } finally {
      await probe.stop();
      await t.close();
    }
  }, 90_000);
});
