import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  csrfOf,
  follow,
  get,
  login,
  ORIGIN,
  post,
  sessionCookie,
  unescapeHtml,
} from "../../../test/helpers/http.ts";

describe.each(DB_KINDS)("team sign-in pages on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    team = await makeTeam(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const signIn = (email: string, password: string, extra: Record<string, string> = {}, url = "/login") =>
    post(app, url, null, { email, password, ...extra });

  it("renders the sign-in form without secrets or links to team pages", async () => {
    const res = await get(app, "/login");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="email"');
    expect(html).toContain('type="password"');
    expect(html).not.toContain("/admin/");
    expect(html).not.toContain("/setup/");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("signs in with a session cookie that is HttpOnly, SameSite=Lax, Path=/ and expires with the session", async () => {
    const res = await signIn(team.alice.email, team.alice.password);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/inbox");
    const header = res.headers.get("set-cookie") ?? "";
    expect(header).toMatch(/^embargo_session=[^;]+;/);
    expect(header).toMatch(/HttpOnly/i);
    expect(header).toMatch(/SameSite=Lax/i);
    expect(header).toMatch(/Path=\//);
    const expires = /Expires=([^;]+)/i.exec(header)?.[1];
    expect(new Date(expires!).getTime()).toBe(
      Math.floor((t.clock().getTime() + 12 * 3_600_000) / 1000) * 1000,
    );
    expect(header).not.toMatch(/Secure/i);
    const inbox = await get(app, "/inbox", { cookie: sessionCookie(res)!, csrf: "" });
    expect(inbox.status).toBe(200);
    expect(await inbox.text()).toContain("Sign out (Alice)");
  });

  it("marks the cookie Secure when the site is reached over https", async () => {
    const res = await signIn(team.bob.email, team.bob.password, {}, "https://embargo.test/login");
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toMatch(/;\s*Secure/i);
  });

  it("follows a safe next path and ignores one that leaves the site", async () => {
    const ok = await signIn(team.alice.email, team.alice.password, { next: "/inbox?state=all" });
    expect(ok.headers.get("location")).toBe("/inbox?state=all");
    for (const next of [
      "//evil.example/x",
      "https://evil.example/",
      "/\\evil.example",
      "javascript:alert(1)",
    ]) {
      const res = await signIn(team.alice.email, team.alice.password, { next });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/inbox");
    }
  });

  it("sends anonymous browsers to the sign-in page and keeps where they wanted to go", async () => {
    const res = await get(app, "/reports/EMB-2026-0001?done=x");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(
      `/login?next=${encodeURIComponent("/reports/EMB-2026-0001?done=x")}`,
    );
    const form = await get(app, res.headers.get("location")!);
    expect(await form.text()).toContain('name="next" value="/reports/EMB-2026-0001?done=x"');
  });

  it("refuses a wrong password and an unknown email with the same generic 401 message", async () => {
    const wrong = await signIn(team.viewer.email, "not-the-password");
    const unknown = await signIn("nobody@example.org", "whatever-password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = await wrong.text();
    const b = await unknown.text();
    expect(a).toContain("The email or password is not correct.");
    expect(b).toContain("The email or password is not correct.");
    expect(sessionCookie(wrong)).toBeNull();
    // The typed email comes back; the password never does.
    expect(a).toContain(`value="${team.viewer.email}"`);
    expect(a).not.toContain("not-the-password");
  });

  it("slows a source that keeps failing with 429 and Retry-After, even if its next try is right", async () => {
    const email = team.bob.email;
    for (let i = 0; i < 4; i++) expect((await signIn(email, `wrong-${i}`)).status).toBe(401);
    const fifth = await signIn(email, "wrong-again");
    expect(fifth.status).toBe(429);
    const retry = Number(fifth.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    expect(await fifth.text()).toContain("Too many failed sign-in attempts");
    expect((await signIn(email, team.bob.password)).status).toBe(429);
    t.clock.advance(retry * 1000);
    expect((await signIn(email, team.bob.password)).status).toBe(303);
  });

  it("refuses team form posts without a CSRF token, with a wrong one, or from another origin", async () => {
    const session = await login(app, team.alice.email, team.alice.password);
    const { report } = await t.services.reports.submit(reportFields(), [], "web");
    const path = `/reports/${report.reference}/actions`;
    const missing = await post(app, path, session, { action: "acknowledge" }, { csrf: null });
    const wrong = await post(app, path, session, { action: "acknowledge" }, { csrf: "x".repeat(32) });
    const foreign = await post(
      app,
      path,
      session,
      { action: "acknowledge" },
      { origin: "https://evil.example" },
    );
    const noOrigin = await post(app, path, session, { action: "acknowledge" }, { origin: null });
    for (const res of [missing, wrong, foreign, noOrigin]) expect(res.status).toBe(403);
    expect(await missing.text()).toContain("This form has expired or did not come from Embargo");
    expect((await t.services.reports.teamView(report.id)).state).toBe("new");
    // The header form of the token works for scripts.
    const viaHeader = await app.request(path, {
      method: "POST",
      headers: { origin: ORIGIN, cookie: session.cookie, "x-csrf-token": session.csrf },
      body: new URLSearchParams({ action: "acknowledge" }),
    });
    expect(viaHeader.status).toBe(303);
    expect((await t.services.reports.teamView(report.id)).state).toBe("acknowledged");
  });

  it("answers an anonymous form post with 401 instead of acting", async () => {
    const { report } = await t.services.reports.submit(reportFields(), [], "web");
    const res = await post(app, `/reports/${report.reference}/actions`, null, { action: "acknowledge" });
    expect(res.status).toBe(401);
    expect((await t.services.reports.teamView(report.id)).state).toBe("new");
  });

  it("signs out: the session is deleted, the cookie cleared, and the old cookie no longer works", async () => {
    const session = await login(app, team.viewer.email, team.viewer.password);
    const refused = await post(app, "/logout", session, {}, { csrf: null });
    expect(refused.status).toBe(403);
    expect((await get(app, "/inbox", session)).status).toBe(200);
    const res = await post(app, "/logout", session, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login");
    expect(res.headers.get("set-cookie")).toMatch(/embargo_session=;.*Max-Age=0/i);
    const after = await get(app, "/inbox", session);
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toMatch(/^\/login/);
  });

  it("does not sign in a disabled member", async () => {
    const member = await t.services.team.createMember(null, {
      email: "gone@example.org",
      name: "Gone",
      role: "responder",
      password: "gone-password-long",
    });
    await t.services.team.updateMember(team.admin.id, member.id, { active: false });
    const res = await signIn("gone@example.org", "gone-password-long");
    expect(res.status).toBe(401);
  });
});

describe.each(DB_KINDS)("first-admin setup link on %s", (kind) => {
  let t: TestDb;
  let app: App;
  // This instance is published over https, so its cookies must be Secure even on a plain-http hop behind a proxy.
  const PUBLIC = "https://embargo.test";

  beforeAll(async () => {
    t = await createTestDb(kind, { publicUrl: PUBLIC });
    app = appFor(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const fields = (overrides: Record<string, string> = {}) => ({
    orgName: "Acme",
    securityEmail: "psirt@acme.example",
    email: "First@Example.org",
    name: "First Admin",
    password: "first-admin-password",
    passwordConfirm: "first-admin-password",
    ...overrides,
  });

  // These run in order: the link lifecycle is the point.
  it("answers 404 for an expired link", async () => {
    const link = await t.services.auth.createSetupLinkIfNeeded();
    expect(link).not.toBeNull();
    expect((await get(app, `/setup/${link!.token}`)).status).toBe(200);
    t.clock.advance(25 * 3_600_000);
    const res = await get(app, `/setup/${link!.token}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("This setup link is not valid");
    expect((await post(app, `/setup/${link!.token}`, null, fields(), { origin: PUBLIC })).status).toBe(404);
    expect(await t.services.team.countActiveAdmins()).toBe(0);
  });

  it("answers 404 for a made-up link", async () => {
    expect((await get(app, "/setup/not-a-real-token")).status).toBe(404);
  });

  it("creates the first admin through a valid link, signs them in, and then the link is used up", async () => {
    const link = await t.services.auth.createSetupLinkIfNeeded();
    const second = await t.services.auth.createSetupLinkIfNeeded();
    const path = `/setup/${link!.token}`;
    const form = await get(app, path);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="passwordConfirm"');

    const mismatch = await post(app, path, null, fields({ passwordConfirm: "something-else-entirely" }), {
      origin: PUBLIC,
    });
    expect(mismatch.status).toBe(303);
    const mismatchHtml = await (await follow(app, mismatch, null)).text();
    expect(mismatchHtml).toContain("The two passwords differ.");
    expect(mismatchHtml).toContain('value="First Admin"');

    const weak = await post(app, path, null, fields({ password: "short", passwordConfirm: "short" }), {
      origin: PUBLIC,
    });
    expect(weak.status).toBe(303);
    expect(await (await follow(app, weak, null)).text()).toContain("Use at least 12 characters.");

    const foreign = await post(app, path, null, fields(), { origin: "http://embargo.test" });
    expect(foreign.status).toBe(403);
    const res = await post(app, path, null, fields(), { origin: PUBLIC });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/inbox");
    expect(res.headers.get("set-cookie")).toMatch(/;\s*Secure/i);
    expect(res.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    const cookie = sessionCookie(res)!;
    expect(cookie).toBeTruthy();
    const inbox = await get(app, "/inbox", { cookie, csrf: "" });
    expect(inbox.status).toBe(200);
    const html = await inbox.text();
    expect(html).toContain("Sign out (First Admin)");
    expect(csrfOf(html)).toMatch(/\S{16,}/);
    const admin = await t.services.team.byEmail("first@example.org");
    expect(admin?.role).toBe("admin");

    // Reused: the same link is gone.
    expect((await get(app, path)).status).toBe(404);
    expect(
      (await post(app, path, null, fields({ email: "again@example.org" }), { origin: PUBLIC })).status,
    ).toBe(404);
    // Another unused link stops working as soon as an admin exists.
    const other = await get(app, `/setup/${second!.token}`);
    expect(other.status).toBe(404);
    expect(unescapeHtml(await other.text())).toContain("an admin exists");
    expect(await t.services.team.countActiveAdmins()).toBe(1);
  });
});

describe.each(DB_KINDS)("two first-admin setup links on %s", (kind) => {
  let t: TestDb;

  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("submitted at the same moment, make exactly one admin; the other link answers 404", async () => {
    // Each start of the server without an admin prints a new link, so two may be out at once.
    const first = await t.services.auth.createSetupLinkIfNeeded();
    const second = await t.services.auth.createSetupLinkIfNeeded();
    const results = await Promise.allSettled([
      t.services.auth.completeSetup(first!.token, {
        email: "first@example.org",
        name: "First",
        password: "first-admin-password",
      }),
      t.services.auth.completeSetup(second!.token, {
        email: "second@example.org",
        name: "Second",
        password: "second-admin-password",
      }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ status: 404, code: "setup_link_invalid" });
    expect(await t.services.team.countActiveAdmins()).toBe(1);
    expect((await t.services.team.list()).map((m) => m.email)).toHaveLength(1);
  });
});
