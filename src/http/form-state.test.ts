import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, DB_KINDS, type TestDb } from "../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  formCookie,
  get,
  login,
  post,
  type Session,
  signedInTeam,
} from "../../test/helpers/http.ts";
import { formStates } from "../db/schema.ts";
import { FORM_STATE_TTL_MS, keptValues } from "./form-state.ts";

describe("keptValues", () => {
  it("keeps text and lists, drops passwords, the CSRF token and what the form names, and notes what was typed", () => {
    const kept = keptValues({
      form: "x",
      values: {
        name: "Ada",
        events: ["a", "b"],
        password: "correct horse battery",
        passwordConfirm: "",
        _csrf: "token",
        key: "-----BEGIN PGP PRIVATE KEY BLOCK-----",
        gone: undefined,
      },
      omit: ["key"],
    });
    expect(kept.values).toEqual({ name: "Ada", events: ["a", "b"] });
    expect(kept.omitted).toEqual(["password", "_csrf", "key"]);
  });

  it("cuts an absurdly long value instead of storing it whole", () => {
    const kept = keptValues({ form: "x", values: { body: "x".repeat(1_000_000) } });
    expect((kept.values.body as string).length).toBe(200_000);
  });
});

describe.each(DB_KINDS)("one-time form states on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let admin: Session;
  let team: Awaited<ReturnType<typeof signedInTeam>>["team"];

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ admin, team } = await signedInTeam(app, t));
  });
  afterAll(async () => {
    await t?.close();
  });

  const rows = () => t.database.db.select().from(formStates);
  const refuseLimits = (session: Session, typed = "-5") =>
    post(app, "/admin/intake", session, { reportsPerHourPerIp: typed, repliesPerHourPerIp: "30" });

  it("answers a refused post with 303 to the page, which shows the error and the typed value once", async () => {
    const before = await t.services.settings.intake();
    const res = await refuseLimits(admin, "-5");
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/admin\/intake\?form=[A-Za-z0-9_-]{32}$/);
    const page = await follow(app, res, admin);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain('id="error-summary"');
    expect(html).toMatch(/id="reportsPerHourPerIp"[^>]*value="-5"/);
    expect(html).toMatch(/aria-invalid="true"/);
    // Reloading the page is a GET: nothing is posted again, and the state was shown once.
    const reload = await (await get(app, location, admin)).text();
    expect(reload).not.toContain('id="error-summary"');
    expect(reload).not.toContain('value="-5"');
    expect(await t.services.settings.intake()).toEqual(before);
    expect(await rows()).toHaveLength(0);
  });

  it("is sealed at rest: the typed value is nowhere in the table", async () => {
    const marker = "typed-9f3c-marker";
    const res = await post(app, "/admin/scope", admin, {
      name: marker,
      identifier: "",
      kind: "nonsense-kind",
      inScope: "true",
    });
    expect(res.status).toBe(303);
    const [row] = await rows();
    expect(row).toBeDefined();
    const dump = await t.database.db.execute(sql`select row_to_json(f)::text as t from form_states f`);
    const text = JSON.stringify(dump);
    expect(text).not.toContain(marker);
    expect(row!.sealed).toMatch(/^v1\./);
    expect(t.cipher.decryptText(row!.sealed)).toContain(marker);
    // The page still shows it to the browser that posted.
    expect(await (await follow(app, res, admin)).text()).toContain(marker);
  });

  it("never stores a typed password: the member form asks for it again", async () => {
    const password = "a-secret-password-that-must-not-persist";
    const res = await post(app, `/admin/team/${team.alice.id}`, admin, {
      name: "Dora",
      role: "boss",
      active: "true",
      password,
    });
    expect(res.status).toBe(303);
    const [row] = await rows();
    const state = t.cipher.decryptText(row!.sealed);
    expect(state).not.toContain(password);
    expect(state).toContain("Dora");
    const html = await (await follow(app, res, admin)).text();
    expect(html).toContain("Dora");
    expect(html).not.toContain(password);
    expect(html).toContain("type it again: password");
  });

  it("cannot be read by another browser, even the same member's other session; the owner still can", async () => {
    const res = await refuseLimits(admin, "-7");
    const location = res.headers.get("location")!;
    const otherSession = await login(app, team.admin.email, team.admin.password);
    const other = await (await get(app, location, otherSession)).text();
    expect(other).not.toContain('value="-7"');
    const anonymous = await app.request(location);
    expect(anonymous.status).toBe(303); // to the sign-in page
    const mine = await (await follow(app, res, admin)).text();
    expect(mine).toContain('value="-7"');
  });

  it("is not shown on another page than the one it was made for", async () => {
    const res = await refuseLimits(admin, "-8765");
    const id = new URL(res.headers.get("location")!, "http://x").searchParams.get("form");
    const elsewhere = await (await get(app, `/admin/settings?form=${id}`, admin)).text();
    expect(elsewhere).not.toContain("-8765");
    expect(elsewhere).not.toContain('id="error-summary"');
    expect(await (await follow(app, res, admin)).text()).toContain('value="-8765"');
  });

  it("expires after 15 minutes and is then deleted", async () => {
    const res = await refuseLimits(admin, "-9");
    expect(await rows()).toHaveLength(1);
    const start = t.clock();
    t.clock.advance(FORM_STATE_TTL_MS + 1000);
    try {
      const html = await (await follow(app, res, admin)).text();
      expect(html).not.toContain('value="-9"');
      expect(await rows()).toHaveLength(0);
      // An expired row of someone else is swept by the next write.
      await refuseLimits(admin, "-10");
      t.clock.advance(FORM_STATE_TTL_MS + 1000);
      await refuseLimits(admin, "-11");
      expect(await rows()).toHaveLength(1);
      await follow(app, await refuseLimits(admin, "-12"), admin);
    } finally {
      t.clock.set(start);
    }
  });

  it("binds a browser without a session by an HttpOnly cookie", async () => {
    // Link recovery offers its form only when this server sends mail.
    t.services.deps.smtpConfigured = true;
    const res = await Promise.resolve(post(app, "/r/recover", null, { email: "not an address" })).finally(
      () => {
        t.services.deps.smtpConfigured = false;
      },
    );
    expect(res.status).toBe(303);
    const cookie = formCookie(res);
    expect(cookie).toMatch(/^embargo_form=/);
    expect(res.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    expect(res.headers.get("set-cookie")).toMatch(/SameSite=Lax/i);
    const location = res.headers.get("location")!;
    const stranger = await (await app.request(location)).text();
    expect(stranger).not.toContain("not an address");
    t.services.deps.smtpConfigured = true;
    const page = await Promise.resolve(follow(app, res)).finally(() => {
      t.services.deps.smtpConfigured = false;
    });
    const html = await page.text();
    expect(html).toContain('value="not an address"');
    expect(html).toContain('id="error-summary"');
  });

  it("ignores a malformed or unknown id", async () => {
    for (const id of ["short", "x".repeat(300), "A".repeat(32), "../../etc"]) {
      const res = await get(app, `/admin/intake?form=${encodeURIComponent(id)}`, admin);
      expect(res.status).toBe(200);
      expect(await res.text()).not.toContain('id="error-summary"');
    }
  });
});
