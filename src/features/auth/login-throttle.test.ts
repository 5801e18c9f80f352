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
  ORIGIN,
  post,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import { auditEvents } from "../../db/schema.ts";

const ATTACKER = "203.0.113.9";
const OWNER = "198.51.100.7";

describe.each(DB_KINDS)("sign-in throttling per account and source on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    team = await makeTeam(t);
    // The rate limiter's view of the client: behind one trusted proxy, the entry that proxy appended.
    t.services.deps.trustProxy = { kind: "hops", hops: 1 };
  });
  afterAll(async () => {
    await t?.close();
  });

  const signInFrom = (ip: string, email: string, password: string) =>
    app.request("/login", {
      method: "POST",
      headers: { origin: ORIGIN, "x-forwarded-for": ip },
      body: new URLSearchParams({ email, password }),
    });

  it("does not stop the owner signing in from another source while an attacker hammers the account", async () => {
    const { email, password } = team.alice;
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await signInFrom(ATTACKER, email, `guess-${i}`)).status);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4).every((s) => s === 429)).toBe(true);
    // The owner, from an address that has not been failing, gets in at once.
    const owner = await signInFrom(OWNER, email, password);
    expect(owner.status).toBe(303);
    // The attacker's address does not, even with the right password, until its wait is over.
    expect((await signInFrom(ATTACKER, email, password)).status).toBe(429);
  });

  it("makes the failing source wait longer after each failure and says how long on the form", async () => {
    const { email } = team.bob;
    const source = "203.0.113.20";
    for (let i = 0; i < 4; i++) expect((await signInFrom(source, email, `guess-${i}`)).status).toBe(401);
    const waits: number[] = [];
    for (let round = 0; round < 4; round++) {
      const refused = await signInFrom(source, email, "still-wrong");
      expect(refused.status).toBe(429);
      const wait = Number(refused.headers.get("retry-after"));
      expect(unescapeHtml(await refused.text())).toContain(`Try again in ${wait} seconds`);
      waits.push(wait);
      t.clock.advance(wait * 1000);
      expect((await signInFrom(source, email, "wrong-after-the-wait")).status).toBe(401);
    }
    expect(waits).toEqual([2, 4, 8, 16]);
  });

  it("ignores X-Forwarded-For unless a proxy is trusted, so a client cannot pick a fresh source", async () => {
    t.services.deps.trustProxy = { kind: "none" };
    try {
      const { email } = team.viewer;
      for (let i = 0; i < 4; i++) await signInFrom(`192.0.2.${i}`, email, `guess-${i}`);
      expect((await signInFrom("192.0.2.99", email, "guess")).status).toBe(429);
    } finally {
      t.services.deps.trustProxy = { kind: "hops", hops: 1 };
    }
  });

  it("lists throttles for admins, refuses others, and lets an admin clear one (audited)", async () => {
    const admin = await login(app, team.admin.email, team.admin.password);
    const page = await get(app, "/admin/sign-ins", admin);
    expect(page.status).toBe(200);
    const html = unescapeHtml(await page.text());
    expect(html).toContain(team.alice.email);
    expect(html).toContain(ATTACKER);
    // Refused tries are not checked, so they do not count: the four wrong passwords that were checked do.
    expect(html).toContain(`<td>${team.alice.email}</td><td><code>${ATTACKER}</code></td><td>4</td>`);
    expect(html).toMatch(
      /<td>bob@example\.org<\/td><td><code>203\.0\.113\.20<\/code><\/td><td>8<\/td>.*?<td>2026-03-02 09:01:02 UTC<\/td>/,
    );

    const responder = await login(app, team.bob.email, team.bob.password);
    expect((await get(app, "/admin/sign-ins", responder)).status).toBe(403);

    const cleared = await post(app, "/admin/sign-ins/clear", admin, {
      email: team.alice.email,
      ip: ATTACKER,
    });
    expect(cleared.status).toBe(303);
    expect(cleared.headers.get("location")).toBe("/admin/sign-ins?cleared=1");
    const after = unescapeHtml(await (await get(app, "/admin/sign-ins?cleared=1", admin)).text());
    expect(after).toContain("The throttle was cleared.");
    expect(after).not.toContain(ATTACKER);
    expect((await signInFrom(ATTACKER, team.alice.email, team.alice.password)).status).toBe(303);

    const events = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "auth.login_throttle_cleared"));
    expect(events).toHaveLength(1);
    expect(events[0]!.actorId).toBe(team.admin.id);
    expect(events[0]!.data).toMatchObject({ email: team.alice.email, ip: ATTACKER, failures: 4 });

    const again = await post(app, "/admin/sign-ins/clear", admin, { email: team.alice.email, ip: ATTACKER });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toMatch(/^\/admin\/sign-ins\?form=/);
    const refused = unescapeHtml(await (await follow(app, again, admin)).text());
    expect(refused).toContain('id="throttle-error"');
    expect(refused).toContain("Sign-in throttle not found.");
    expect(
      await t.database.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.action, "auth.login_throttle_cleared")),
    ).toHaveLength(1);
  });
});
