import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { AppError } from "../../core/errors.ts";
import { alertChannels, alertDeliveries } from "../../db/schema.ts";
import { NO_PRIVATE_HOSTS, parseHostAllowList } from "../../domain/network-trust.ts";
import { sendAlertRequest, TARGET_REFUSED } from "./alert-target.adapter.ts";
import { createAlertDeliverHandler } from "./alerts.jobs.ts";
import { createAlertsService } from "./alerts.service.ts";

/** A loopback receiver that counts what reaches it. */
async function startReceiver() {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    req.resume();
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const fieldErrors = async (promise: Promise<unknown>): Promise<Record<string, string>> => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).fields ?? {};
};

describe.each(DB_KINDS)("alert channel targets on %s", (kind) => {
  let t: TestDb;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    t = await createTestDb(kind);
    team = await makeTeam(t);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  const channel = (url: string) => ({ kind: "discord", name: "Probe", events: ["report_received"], url });

  it.each([
    "http://127.0.0.1:5432/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://0x7f.1/",
    "http://127.1:22/",
    "http://0.0.0.0/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://10.1.2.3/",
    "http://192.168.0.1/",
    "http://100.64.0.1/",
    "http://localhost:8080/",
  ])("refuses to save a channel that points at %s, with a field error", async (url) => {
    const errors = await fieldErrors(t.services.alerts.createChannel(team.admin.id, channel(url)));
    expect(errors.url).toMatch(/must be a public internet host/);
    expect(errors.url).toContain("ALERT_ALLOW_PRIVATE_HOSTS");
  });

  it("checks a Matrix homeserver and an edited channel the same way, changing nothing", async () => {
    const matrix = await fieldErrors(
      t.services.alerts.createChannel(team.admin.id, {
        kind: "matrix",
        name: "Room",
        events: ["report_received"],
        homeserver: "http://localhost:8008",
        roomId: "!room:example.org",
        accessToken: "syt_token",
      }),
    );
    expect(matrix.homeserver).toMatch(/must be a public internet host/);

    const allowed = createAlertsService({
      db: t.database.db,
      clock: t.clock,
      cipher: t.services.deps.cipher,
      jobs: t.jobs,
      allowPrivateHosts: parseHostAllowList("10.1.2.3")!,
    });
    const { channel: saved } = await allowed.createChannel(team.admin.id, channel("http://10.1.2.3/x"));
    const before = await t.database.db.select().from(alertChannels).where(eq(alertChannels.id, saved.id));
    const edit = await fieldErrors(
      t.services.alerts.updateChannel(team.admin.id, saved.id, channel("http://127.0.0.1:9/")),
    );
    expect(edit.url).toMatch(/must be a public internet host/);
    const after = await t.database.db.select().from(alertChannels).where(eq(alertChannels.id, saved.id));
    expect(after).toEqual(before);
  });

  it("saves and delivers to a private host the operator allowed, and re-checks at delivery", async () => {
    const allowed = createAlertsService({
      db: t.database.db,
      clock: t.clock,
      cipher: t.services.deps.cipher,
      jobs: t.jobs,
      allowPrivateHosts: parseHostAllowList("127.0.0.1,::1,10.1.2.3")!,
    });
    for (const url of ["http://[::1]/x", "http://10.1.2.3/x"])
      await expect(allowed.createChannel(team.admin.id, channel(url))).resolves.toBeDefined();
    const { channel: saved } = await allowed.createChannel(
      team.admin.id,
      channel(`http://localhost:${receiver.port}/hook`),
    );
    const deps = {
      db: t.database.db,
      jobs: t.jobs,
      cipher: t.services.deps.cipher,
      clock: t.clock,
      publicUrl: "http://embargo.test",
      outbox: t.services.outbox,
      settings: t.services.settings,
      team: t.services.team,
    };
    const job = { id: "test-job", retryCount: 0 };

    const sent = await allowed.sendTest(team.admin.id, saved.id);
    const allowList = parseHostAllowList("127.0.0.1")!;
    await createAlertDeliverHandler({ ...deps, allowPrivateHosts: allowList })(
      { deliveryId: sent.deliveryId, detail: null },
      job,
    );
    expect(receiver.hits).toEqual(["/hook"]);

    // The allow-list no longer covers the address: the delivery is refused before any connection, not retried.
    const refused = await allowed.sendTest(team.admin.id, saved.id);
    await createAlertDeliverHandler({ ...deps, allowPrivateHosts: NO_PRIVATE_HOSTS })(
      { deliveryId: refused.deliveryId, detail: null },
      job,
    );
    expect(receiver.hits).toEqual(["/hook"]);
    const [row] = await t.database.db
      .select()
      .from(alertDeliveries)
      .where(eq(alertDeliveries.id, refused.deliveryId));
    expect(row?.status).toBe("failed");
    expect(row?.attempts).toEqual([{ at: expect.any(String), ok: false, error: TARGET_REFUSED }]);
  });

  it("says the same about every refused target, so the log is no port scanner", async () => {
    const post = (url: string) =>
      sendAlertRequest({ method: "POST", url, headers: {}, body: "{}" }, NO_PRIVATE_HOSTS);
    const open = await post(`http://127.0.0.1:${receiver.port}/open`);
    const closed = await post("http://127.0.0.1:1/closed");
    // (No non-loopback address here: were the check broken, the test itself must not reach another host.)
    for (const result of [open, closed])
      expect(result).toEqual({ ok: false, refused: true, error: TARGET_REFUSED });
    expect(receiver.hits).not.toContain("/open");
  });
});
