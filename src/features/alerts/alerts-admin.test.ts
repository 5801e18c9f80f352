import { desc, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { makeTeam } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import { alertChannels, auditEvents, users } from "../../db/schema.ts";
import type { ChannelConfig } from "./alerts.schema.ts";

const ALL_EVENTS = ["report_received", "report_assigned", "reporter_replied", "sla_reminder", "sla_breach"];

describe.each(DB_KINDS)("alert admin pages on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let admin: Session;
  let alice: Session;
  let viewer: Session;

  beforeAll(async () => {
    // The test network has no DNS: the public-looking hosts below are allowed by name, so nothing resolves them.
    t = await createTestDb(kind, {
      alertAllowPrivateHosts: "hooks.slack.com,siem.example.org,matrix.example.org,matrix.other.example",
    });
    app = appFor(t);
    ({ team, admin, alice, viewer } = await signedInTeam(app, t));
  });
  afterAll(async () => {
    await t?.close();
  });

  const channelByName = async (name: string) => {
    const [row] = await t.database.db.select().from(alertChannels).where(eq(alertChannels.name, name));
    return row!;
  };
  const lastAudit = async (action: string) => {
    const [row] = await t.database.db
      .select()
      .from(auditEvents)
      .where(like(auditEvents.action, action))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    return row;
  };

  it("is for admins only; every member has their own alert settings page", async () => {
    for (const path of ["/admin/alerts", "/admin/alerts/log"]) {
      expect((await get(app, path, admin)).status).toBe(200);
      expect((await get(app, path, alice)).status).toBe(403);
      expect((await get(app, path, viewer)).status).toBe(403);
      expect((await get(app, path)).status).toBe(303);
    }
    const add = {
      kind: "slack",
      name: "Sneaky",
      url: "https://hooks.slack.com/services/T/B/X",
      events: ["sla_breach"],
    };
    expect((await post(app, "/admin/alerts", alice, add)).status).toBe(403);
    expect((await post(app, "/admin/alerts", viewer, add)).status).toBe(403);
    expect((await post(app, "/admin/alerts", admin, add, { csrf: "forged" })).status).toBe(403);
    expect(
      await t.database.db.select().from(alertChannels).where(eq(alertChannels.name, "Sneaky")),
    ).toHaveLength(0);
    for (const s of [admin, alice, viewer]) expect((await get(app, "/account/alerts", s)).status).toBe(200);
    const nav = await (await get(app, "/admin/team", admin)).text();
    expect(nav).toContain('href="/admin/alerts"');
    expect(nav).toContain('href="/account/alerts"');
  });

  it("adds a Slack channel, stores its URL encrypted and never shows it back in full", async () => {
    const url = "https://hooks.slack.com/services/T000/B000/secretpartXYZ9";
    const res = await post(app, "/admin/alerts", admin, {
      kind: "slack",
      name: "#security",
      url,
      events: ["report_received", "sla_breach"],
    });
    expect(res.status).toBe(303);
    const row = await channelByName("#security");
    expect(row.configEnc).not.toContain("secretpart");
    expect(t.services.deps.cipher.decryptJson<ChannelConfig>(row.configEnc)).toEqual({ url });
    expect(row.events).toEqual(["report_received", "sla_breach"]);
    const page = await (await get(app, "/admin/alerts", admin)).text();
    expect(page).toContain("#security");
    expect(page).toContain("••••XYZ9");
    expect(page).not.toContain("secretpart");
    const audit = await lastAudit("alert_channel.created");
    expect(audit?.data).toMatchObject({ channelId: row.id, kind: "slack", name: "#security" });
    expect(JSON.stringify(audit?.data)).not.toContain("secretpart");
  });

  it("shows specific errors, keeps what was typed and never echoes a typed secret", async () => {
    const res = await post(app, "/admin/alerts", admin, {
      kind: "matrix",
      name: "Matrix room",
      homeserver: "ftp://matrix.example.org",
      roomId: "#security:example.org",
      accessToken: "syt_very_secret_token",
      events: ["report_received", "not_an_event"],
    });
    expect(res.status).toBe(303);
    const html = unescapeHtml(await (await follow(app, res, admin)).text());
    expect(html).toContain("The homeserver URL must start with https:// (or http://), not ftp://.");
    expect(html).toContain("an alias starting with # is not a room id");
    expect(html).toContain("“not_an_event” is not an alert event.");
    expect(html).toContain('value="Matrix room"');
    expect(html).toContain('value="ftp://matrix.example.org"');
    expect(html).toContain('value="#security:example.org"');
    expect(html).not.toContain("syt_very_secret_token");
    expect(html).toContain("Secrets are never shown back: enter it again.");

    const empty = unescapeHtml(
      await (
        await follow(
          app,
          await post(app, "/admin/alerts", admin, { kind: "discord", name: "", url: "not a url" }),
          admin,
        )
      ).text(),
    );
    expect(empty).toContain("Give the channel a name");
    expect(empty).toContain("The Discord webhook URL is not a valid URL");
    expect(empty).toContain("Choose at least one event to send.");
    const badKind = await post(app, "/admin/alerts", admin, {
      kind: "carrier-pigeon",
      name: "x",
      events: ["sla_breach"],
    });
    expect(badKind.status).toBe(303);
    expect(unescapeHtml(await (await follow(app, badKind, admin)).text())).toContain(
      "Choose the kind of channel",
    );
    const short = await post(app, "/admin/alerts", admin, {
      kind: "webhook",
      name: "Short",
      url: "https://siem.example.org/hook",
      secret: "short",
      events: ["sla_breach"],
    });
    expect(short.status).toBe(303);
    expect(unescapeHtml(await (await follow(app, short, admin)).text())).toContain(
      "The secret must be at least 16 characters",
    );
    expect(
      await t.database.db.select().from(alertChannels).where(eq(alertChannels.kind, "matrix")),
    ).toHaveLength(0);
  });

  it("generates a webhook secret when left blank and shows it exactly once", async () => {
    const res = await post(app, "/admin/alerts", admin, {
      kind: "webhook",
      name: "SIEM",
      url: "https://siem.example.org/hook",
      secret: "",
      events: ALL_EVENTS,
    });
    // The generated secret is shown once, on the page the post redirects to.
    expect(res.status).toBe(303);
    const html = await (await follow(app, res, admin)).text();
    expect(await (await get(app, res.headers.get("location")!, admin)).text()).not.toContain(
      'id="generated-secret"',
    );
    const row = await channelByName("SIEM");
    const { secret } = t.services.deps.cipher.decryptJson<ChannelConfig>(row.configEnc);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(html).toContain(secret!);
    const again = await (await get(app, "/admin/alerts", admin)).text();
    expect(again).not.toContain(secret!);
    expect(again).toContain(`••••${secret!.slice(-4)}`);
    expect(again).toContain("https://siem.example.org/hook");
  });

  it("edits a channel keeping a secret left blank, disables it, and audits each change", async () => {
    const row = await channelByName("SIEM");
    const before = t.services.deps.cipher.decryptJson<ChannelConfig>(row.configEnc);
    const res = await post(app, `/admin/alerts/${row.id}`, admin, {
      name: "SIEM (prod)",
      url: "https://siem.example.org/v2/hook",
      secret: "",
      events: ["sla_breach"],
      active: ["false"],
    });
    expect(res.status).toBe(303);
    const after = await channelByName("SIEM (prod)");
    const config = t.services.deps.cipher.decryptJson<ChannelConfig>(after.configEnc);
    expect(config).toEqual({ url: "https://siem.example.org/v2/hook", secret: before.secret });
    expect(after.active).toBe(false);
    expect(after.events).toEqual(["sla_breach"]);
    const audit = await lastAudit("alert_channel.updated");
    expect((audit!.data as { changed: string[] }).changed.sort()).toEqual(
      ["active", "config.url", "events", "name"].sort(),
    );
    const bad = await post(app, `/admin/alerts/${row.id}`, admin, {
      name: "SIEM (prod)",
      url: "javascript:alert(1)",
      events: ["sla_breach"],
      active: ["false", "true"],
    });
    expect(bad.status).toBe(303);
    expect(unescapeHtml(await (await follow(app, bad, admin)).text())).toContain(
      "The URL must start with https:// (or http://)",
    );
    expect((await channelByName("SIEM (prod)")).active).toBe(false); // nothing stored from the bad form
    const disabledTest = await post(app, `/admin/alerts/${row.id}/test`, admin, {});
    expect(disabledTest.status).toBe(409);
    expect((await post(app, "/admin/alerts/not-a-uuid", admin, { name: "x" })).status).toBe(404);
  });

  it("does not send a saved Matrix token to a new homeserver: it must be entered again", async () => {
    const created = await post(app, "/admin/alerts", admin, {
      kind: "matrix",
      name: "Room",
      homeserver: "https://matrix.example.org",
      roomId: "!room:example.org",
      accessToken: "syt_first_token_abcd",
      events: ["report_received"],
    });
    expect(created.status).toBe(303);
    const before = await channelByName("Room");
    const moved = {
      name: "Room",
      homeserver: "https://matrix.other.example",
      roomId: "",
      events: ["sla_breach"],
    };
    const blank = await post(app, `/admin/alerts/${before.id}`, admin, { ...moved, accessToken: "" });
    expect(blank.status).toBe(303);
    expect(unescapeHtml(await (await follow(app, blank, admin)).text())).toContain(
      "Enter the access token again for the new homeserver.",
    );
    expect(await channelByName("Room")).toEqual(before);

    const entered = await post(app, `/admin/alerts/${before.id}`, admin, {
      ...moved,
      accessToken: "syt_second",
    });
    expect(entered.status).toBe(303);
    const after = await channelByName("Room");
    expect(t.services.deps.cipher.decryptJson<ChannelConfig>(after.configEnc)).toEqual({
      homeserver: "https://matrix.other.example",
      roomId: "!room:example.org",
      accessToken: "syt_second",
    });
    expect(after.events).toEqual(["sla_breach"]);
  });

  it("queues a test alert and lists it in the delivery log", async () => {
    const row = await channelByName("#security");
    const res = await post(app, `/admin/alerts/${row.id}/test`, admin, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/alerts?done=test");
    expect((await lastAudit("alert_channel.test_queued"))?.data).toMatchObject({ channelId: row.id });
    const log = unescapeHtml(await (await get(app, "/admin/alerts/log", admin)).text());
    expect(log).toContain("Test alert");
    expect(log).toContain("#security");
    expect(log).toContain("pending");
    expect(log).toContain("none yet");
  });

  it("pages the delivery log, newest first", async () => {
    const row = await channelByName("#security");
    const ids: string[] = [];
    for (let i = 0; i < 26; i++) {
      t.clock.advance(60_000);
      ids.push((await t.services.alerts.sendTest(team.admin.id, row.id)).deliveryId);
    }
    const rowsOf = (html: string) => [...html.matchAll(/id="delivery-([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    const first = await (await get(app, "/admin/alerts/log", admin)).text();
    expect(rowsOf(first)).toHaveLength(25);
    expect(rowsOf(first)[0]).toBe(ids[25]); // the newest
    expect(first).toContain('href="/admin/alerts/log?page=2"');
    const second = await (await get(app, "/admin/alerts/log?page=2", admin)).text();
    expect(rowsOf(second).length).toBeGreaterThanOrEqual(2); // the oldest test sends, including the earlier one
    expect(rowsOf(second)).toContain(ids[0]);
    expect(second).toContain('href="/admin/alerts/log?page=1"');
    expect((await get(app, "/admin/alerts/log?page=abc", admin)).status).toBe(200);
  });

  it("lets a member turn alert mail off and choose events; the defaults are every event", async () => {
    const first = unescapeHtml(await (await get(app, "/account/alerts", alice)).text());
    expect(first).toMatch(/id="prefs-email"[^>]*checked/);
    expect(first).toMatch(/id="prefs-event-sla_breach"[^>]*checked/);
    const res = await post(app, "/account/alerts", alice, { email: ["false"], events: ["sla_breach"] });
    expect(res.status).toBe(303);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, team.alice.id));
    expect(row!.alertPrefs).toEqual({ email: false, events: ["sla_breach"] });
    const page = unescapeHtml(await (await get(app, "/account/alerts?done=1", alice)).text());
    expect(page).not.toMatch(/id="prefs-email"[^>]*checked/);
    expect(page).not.toMatch(/id="prefs-event-report_received"[^>]*checked/);
    expect((await lastAudit("alert_prefs.updated"))?.actorId).toBe(team.alice.id);
    const bad = await post(app, "/account/alerts", alice, { email: ["false", "true"], events: ["rm -rf"] });
    expect(bad.status).toBe(303);
    expect(unescapeHtml(await (await follow(app, bad, alice)).text())).toContain(
      "“rm -rf” is not an alert event.",
    );
    const [kept] = await t.database.db.select().from(users).where(eq(users.id, team.alice.id));
    expect(kept!.alertPrefs).toEqual({ email: false, events: ["sla_breach"] });
  });
});
