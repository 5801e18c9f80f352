import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  login,
  post,
  type Session,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import { apiTokens, auditEvents } from "../../db/schema.ts";

const DAY = 86_400_000;

describe.each(DB_KINDS)("API tokens on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let admin: Session;
  let alice: Session;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    team = await makeTeam(t);
    admin = await login(app, team.admin.email, team.admin.password);
    alice = await login(app, team.alice.email, team.alice.password);
  });
  afterAll(async () => {
    await t?.close();
  });

  const api = (token: string) =>
    app.request("/api/v1/reports", {
      headers: { authorization: `Bearer ${token}`, accept: "application/json" },
    });
  const errorOf = async (res: Response) =>
    ((await res.json()) as { error: { message: string } }).error.message;
  const audit = (action: string) =>
    t.database.db.select().from(auditEvents).where(eq(auditEvents.action, action));
  const tokenRow = async (id: string) =>
    (await t.database.db.select().from(apiTokens).where(eq(apiTokens.id, id)))[0]!;

  it("records lastUsedAt at most once a minute", async () => {
    const made = await t.services.team.tokens.createForEmail(team.bob.email, { label: "poll" });
    expect((await tokenRow(made.id)).lastUsedAt).toBeNull();
    await api(made.token);
    const first = (await tokenRow(made.id)).lastUsedAt;
    expect(first?.getTime()).toBe(t.clock().getTime());
    t.clock.advance(30_000);
    await api(made.token);
    expect((await tokenRow(made.id)).lastUsedAt).toEqual(first);
    t.clock.advance(30_000);
    await api(made.token);
    expect((await tokenRow(made.id)).lastUsedAt?.getTime()).toBe(t.clock().getTime());
  });

  it("lets a member create a token on the page, shown once, and revoke it; both audited", async () => {
    const created = await post(app, "/account/tokens", alice, { label: "laptop script", expiresDays: "30" });
    // Post/redirect/get: the secret is on the page the post redirects to, once; a reload shows it no more.
    expect(created.status).toBe(303);
    const shown = await follow(app, created, alice);
    expect(shown.headers.get("cache-control")).toBe("no-store");
    const html = unescapeHtml(await shown.text());
    const reload = await (await get(app, created.headers.get("location")!, alice)).text();
    expect(reload).not.toContain('id="token-secret"');
    const secret = /<code id="token-secret"[^>]*>(emb_[^<]+)<\/code>/.exec(html)?.[1];
    expect(secret).toBeDefined();
    expect((await api(secret!)).status).toBe(200);

    const list = unescapeHtml(await (await get(app, "/account/tokens", alice)).text());
    expect(list).toContain("laptop script");
    expect(list).not.toContain(secret!);
    const day = new Date(t.clock().getTime() + 30 * DAY).toISOString().slice(0, 10);
    expect(list).toContain(`<td>${day}</td>`);
    const id = /action="\/account\/tokens\/([0-9a-f-]{36})\/revoke"/.exec(list)?.[1];
    expect(id).toBeDefined();

    const revoked = await post(app, `/account/tokens/${id}/revoke`, alice, {});
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get("location")).toBe("/account/tokens?revoked=1");
    const refused = await api(secret!);
    expect(refused.status).toBe(401);
    expect(await errorOf(refused)).toMatch(/revoked/);
    expect((await audit("team.api_token_created")).some((e) => e.actorId === team.alice.id)).toBe(true);
    const revokedEvents = await audit("team.api_token_revoked");
    expect(
      revokedEvents.some(
        (e) => e.actorId === team.alice.id && (e.data as { tokenId: string }).tokenId === id,
      ),
    ).toBe(true);
  });

  it("keeps what was typed and says why when the expiry is out of range", async () => {
    const res = await post(app, "/account/tokens", alice, { label: "kept label", expiresDays: "400" });
    expect(res.status).toBe(303);
    const html = unescapeHtml(await (await follow(app, res, alice)).text());
    expect(html).toContain("A token may live at most 365 days.");
    expect(html).toContain('value="kept label"');
    expect(html).toContain('value="400"');
  });

  it("refuses a member revoking another member's token (403) and lets an admin do it", async () => {
    const bobs = await t.services.team.tokens.createForEmail(team.bob.email, { label: "bob's" });
    const denied = await post(app, `/account/tokens/${bobs.id}/revoke`, alice, {});
    expect(denied.status).toBe(403);
    expect((await api(bobs.token)).status).toBe(200);
    // Alice's page lists only her own tokens; the admin's lists everyone's.
    expect(await (await get(app, "/account/tokens", alice)).text()).not.toContain(bobs.id);
    expect(await (await get(app, "/account/tokens", admin)).text()).toContain(bobs.id);
    const done = await post(app, `/account/tokens/${bobs.id}/revoke`, admin, {});
    expect(done.status).toBe(303);
    expect((await api(bobs.token)).status).toBe(401);
    const events = await audit("team.api_token_revoked");
    expect(
      events.some((e) => e.actorId === team.admin.id && (e.data as { tokenId: string }).tokenId === bobs.id),
    ).toBe(true);
  });

  it("revokes a member's tokens when their password changes and when they are deactivated", async () => {
    const a = await t.services.team.tokens.createForEmail(team.viewer.email, { label: "a" });
    await t.services.team.updateMember(team.admin.id, team.viewer.id, {
      password: "a brand new long password",
    });
    const afterPassword = await api(a.token);
    expect(afterPassword.status).toBe(401);
    expect(await errorOf(afterPassword)).toMatch(/revoked/);
    expect((await tokenRow(a.id)).revokedAt).not.toBeNull();

    const b = await t.services.team.tokens.createForEmail(team.viewer.email, { label: "b" });
    expect((await api(b.token)).status).toBe(200);
    await t.services.team.updateMember(team.admin.id, team.viewer.id, { active: false });
    expect((await tokenRow(b.id)).revokedAt).not.toBeNull();
    await t.services.team.updateMember(team.admin.id, team.viewer.id, { active: true });
    expect((await api(b.token)).status).toBe(401);
    const updates = await audit("team.member_updated");
    expect(updates.some((e) => (e.data as { tokensRevoked?: string[] }).tokensRevoked?.includes(b.id))).toBe(
      true,
    );
  });

  it("links the page from every member's navigation", async () => {
    const res = await get(app, "/inbox", alice);
    expect(await res.text()).toContain('href="/account/tokens"');
  });

  // Last: it moves the clock a day on, past the sessions' end.
  it("gives a token 90 days by default and refuses it with a clear 401 once it has expired", async () => {
    const made = await t.services.team.tokens.createForEmail(team.bob.email, { label: "ci" });
    expect(made.expiresAt.getTime()).toBe(t.clock().getTime() + 90 * DAY);
    const short = await t.services.team.tokens.createForEmail(team.bob.email, {
      label: "one",
      expiresDays: 1,
    });
    expect((await api(short.token)).status).toBe(200);
    t.clock.advance(DAY);
    const expired = await api(short.token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toMatch(/invalid_token/);
    expect(await errorOf(expired)).toMatch(/expired on \d{4}-\d{2}-\d{2}/);
    expect((await api(made.token)).status).toBe(200);
  });
});
