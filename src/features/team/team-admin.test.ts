import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  login,
  post,
  type Session,
  sessionCookie,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";

const ADMIN_PAGES = ["/admin/team", "/admin/settings", "/admin/scope", "/admin/outbox"];

const SLA_FORM = {
  acknowledgeBusinessDays: "2",
  triageBusinessDays: "4",
  updateIntervalDays: "7",
  resolutionDays: "60",
  timeZone: "Europe/Berlin",
  weekendDays: ["5", "6"],
  holidays: "2026-12-25\r\n\r\n2026-01-01\n",
};

describe.each(DB_KINDS)("admin pages on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let admin: Session;
  let alice: Session;
  let viewer: Session;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ team, admin, alice, viewer } = await signedInTeam(app, t));
  });
  afterAll(async () => {
    await t?.close();
  });

  it("is for admins only: responders and viewers get 403, anonymous browsers the sign-in page", async () => {
    for (const path of ADMIN_PAGES) {
      expect((await get(app, path, admin)).status).toBe(200);
      expect((await get(app, path, alice)).status).toBe(403);
      expect((await get(app, path, viewer)).status).toBe(403);
      const anonymous = await get(app, path);
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    const add = { email: "mallory@example.org", name: "Mallory", role: "admin" };
    expect((await post(app, "/admin/invites", alice, add)).status).toBe(403);
    expect((await post(app, "/admin/invites", viewer, add)).status).toBe(403);
    expect((await post(app, "/admin/invites", null, add)).status).toBe(401);
    expect((await post(app, "/admin/invites", admin, add, { csrf: null })).status).toBe(403);
    expect(await t.services.invites.listOpen()).toEqual([]);
    expect((await post(app, "/admin/settings", alice, { name: "Pwned" })).status).toBe(403);
    expect((await post(app, "/admin/scope", alice, { name: "x", inScope: "in" })).status).toBe(403);
    expect(await t.services.team.byEmail("mallory@example.org")).toBeNull();
    expect((await t.services.settings.org()).name).not.toBe("Pwned");
    // Only admins see the admin links in the navigation.
    expect(await (await get(app, "/inbox", alice)).text()).not.toContain('href="/admin/team"');
    expect(await (await get(app, "/inbox", admin)).text()).toContain('href="/admin/team"');
  });

  it("lists members with role, state, expertise and availability", async () => {
    const res = await get(app, "/admin/team", admin);
    const html = await res.text();
    expect(res.headers.get("cache-control")).toBe("no-store");
    for (const m of [team.admin, team.alice, team.bob, team.viewer]) {
      expect(html).toContain(m.email);
      expect(html).toContain(`action="/admin/team/${m.id}"`);
    }
    expect(html).toContain("<td>Viewer</td>");
    expect(html).toContain("available");
    expect(html).not.toContain("scrypt$");
  });

  it("no longer takes a password for a new member: members are invited", async () => {
    const res = await get(app, "/admin/team", admin);
    const html = await res.text();
    expect(html).toContain('action="/admin/invites"');
    expect(html).not.toContain('action="/admin/team" ');
    expect(html).not.toContain("Initial password");
    const old = await post(app, "/admin/team", admin, {
      email: "carol@example.org",
      name: "Carol",
      role: "responder",
      password: "carol-password-long",
    });
    expect(old.status).toBe(404);
    expect(await t.services.team.byEmail("carol@example.org")).toBeNull();
  });

  it("edits a member: expertise, a note, a new password, and disabling ends their sessions", async () => {
    const erin = await t.services.team.createMember(team.admin.id, {
      email: "erin@example.org",
      name: "Erin",
      role: "responder",
      password: "erin-password-long",
    });
    const erinSession = await login(app, "erin@example.org", "erin-password-long");
    const path = `/admin/team/${erin.id}`;
    const away = await post(app, path, admin, {
      name: "Erin",
      role: "responder",
      active: ["false", "true"],
      expertise: "auth, mobile",
      availabilityNote: "Conference",
      password: "",
    });
    expect(away.status).toBe(303);
    expect(away.headers.get("location")).toBe(`/admin/team?done=updated#member-${erin.id}`);
    const html = await (await get(app, "/admin/team", admin)).text();
    expect(html).toContain("Conference");
    expect(html).toContain('value="auth, mobile"');
    expect((await t.services.team.byId(erin.id))?.expertise).toEqual(["auth", "mobile"]);
    // An empty password field keeps the password and the session.
    expect((await get(app, "/inbox", erinSession)).status).toBe(200);

    const bad = await post(app, path, admin, { active: "false", expertise: "no spaces allowed" });
    expect(bad.status).toBe(303);
    const badHtml = await (await follow(app, bad, admin)).text();
    expect(badHtml).toContain("Tags are short words");
    expect(badHtml).toMatch(/<details class="card member-edit" id="member-[^"]+" open="">/);
    expect((await t.services.team.byId(erin.id))?.active).toBe(true);

    // Unchecked box: only the hidden "false" is sent.
    const disable = await post(app, path, admin, { name: "Erin", role: "responder", active: "false" });
    expect(disable.status).toBe(303);
    expect((await t.services.team.byId(erin.id))?.active).toBe(false);
    expect((await get(app, "/inbox", erinSession)).status).toBe(303);
    const disabledList = await (await get(app, "/admin/team", admin)).text();
    expect(disabledList).toContain('<span class="badge">Disabled</span>');

    const reset = await post(app, path, admin, { active: ["false", "true"], password: "erin-new-password" });
    expect(reset.status).toBe(303);
    expect((await login(app, "erin@example.org", "erin-new-password")).cookie).toMatch(/^embargo_session=/);

    expect(
      (await post(app, "/admin/team/00000000-0000-0000-0000-000000000000", admin, { role: "viewer" })).status,
    ).toBe(404);
  });

  it("never leaves the team without an active admin", async () => {
    const demote = await post(app, `/admin/team/${team.admin.id}`, admin, {
      role: "responder",
      active: ["false", "true"],
    });
    expect(demote.status).toBe(303);
    const html = await (await follow(app, demote, admin)).text();
    expect(html).toContain("This is the last active admin; make someone else an admin first.");
    expect(html).toContain('id="edit-error"');
    const disable = await post(app, `/admin/team/${team.admin.id}`, admin, { active: "false" });
    expect(disable.status).toBe(303);
    expect(await t.services.team.byId(team.admin.id)).toMatchObject({ role: "admin", active: true });
    expect((await get(app, "/admin/team", admin)).status).toBe(200);
  });

  it("saves organisation settings and shows field errors without losing what was typed", async () => {
    const page = await (await get(app, "/admin/settings", admin)).text();
    expect(page).toContain('name="policyMarkdown"');
    expect(page).toContain('value="business" checked=""');
    const fields = {
      name: "Acme Security",
      securityEmail: "security@acme.example",
      preferredLanguages: "en, de",
      policyMarkdown: "Report to us **privately**.",
      safeHarborMarkdown: "We will not sue.",
      severityImpact: "business",
    };
    const res = await post(app, "/admin/settings", admin, fields);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/settings?done=org");
    expect(await t.services.settings.org()).toMatchObject(fields);
    expect(await (await get(app, "/", null)).text()).toContain("Acme Security");

    const bad = await post(app, "/admin/settings", admin, {
      ...fields,
      name: "",
      securityEmail: "not an email",
      preferredLanguages: "english!!",
      policyMarkdown: "Changed but invalid elsewhere",
    });
    expect(bad.status).toBe(303);
    const html = await (await follow(app, bad, admin)).text();
    expect(html).toContain('id="org-error"');
    expect(html).toContain("Enter the organisation name.");
    expect(html).toContain("Enter a valid email address, or leave it empty.");
    expect(html).toContain("Use language tags separated by commas, e.g. en, de.");
    expect(html).toContain("Changed but invalid elsewhere</textarea>");
    expect((await t.services.settings.org()).name).toBe("Acme Security");

    // A field the form did not send keeps its saved value.
    const partial = await post(app, "/admin/settings", admin, { name: "Acme PSIRT" });
    expect(partial.status).toBe(303);
    expect(await t.services.settings.org()).toMatchObject({
      name: "Acme PSIRT",
      policyMarkdown: fields.policyMarkdown,
    });
  });

  it("saves SLA targets from the form's strings and checkboxes, and explains invalid ones", async () => {
    const res = await post(app, "/admin/settings/sla", admin, SLA_FORM);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/settings?done=sla#sla");
    expect(await t.services.settings.sla()).toEqual({
      acknowledgeBusinessDays: 2,
      triageBusinessDays: 4,
      updateIntervalDays: 7,
      resolutionDays: 60,
      timeZone: "Europe/Berlin",
      weekendDays: [5, 6],
      holidays: ["2026-01-01", "2026-12-25"],
      reminderLeadHours: 24,
      needsInfoExpiryDays: 30,
    });
    const html = await (await get(app, "/admin/settings", admin)).text();
    expect(html).toContain('name="weekendDays" value="5" checked=""');
    expect(html).not.toContain('name="weekendDays" value="0" checked=""');
    expect(html).toContain("2026-01-01\n2026-12-25</textarea>");

    const bad = await post(app, "/admin/settings/sla", admin, {
      ...SLA_FORM,
      acknowledgeBusinessDays: "abc",
      resolutionDays: "1000",
      timeZone: "Mars/Olympus",
      weekendDays: ["0", "1", "2", "3", "4", "5", "6"],
      holidays: "2026-02-30",
    });
    expect(bad.status).toBe(303);
    const badHtml = unescapeHtml(await (await follow(app, bad, admin)).text());
    expect(badHtml).toContain('id="sla-error"');
    expect(badHtml).toContain("Enter a whole number of business days from 0 to 30.");
    expect(badHtml).toContain("Enter a whole number of days from 1 to 365.");
    expect(badHtml).toContain("Enter an IANA time zone name");
    expect(badHtml).toContain("At least one day of the week must be a business day.");
    expect(badHtml).toContain('"2026-02-30" is not a real date.');
    expect(badHtml).toContain('id="sla-ack" name="acknowledgeBusinessDays" value="abc"');
    expect(badHtml).toContain('value="Mars/Olympus"');
    expect((await t.services.settings.sla()).resolutionDays).toBe(60);

    // No weekend box checked means every day is a business day.
    expect((await post(app, "/admin/settings/sla", admin, { ...SLA_FORM, weekendDays: [] })).status).toBe(
      303,
    );
    expect((await t.services.settings.sla()).weekendDays).toEqual([]);
  });

  it("adds and edits scope assets, in and out of scope", async () => {
    const res = await post(app, "/admin/scope", admin, {
      name: "Main website",
      identifier: "https://www.acme.example",
      kind: "web",
      inScope: "in",
      description: "The public site.",
      tags: "web, php",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/scope?done=added");
    const [asset] = await t.services.assets.list();
    expect(asset).toMatchObject({ name: "Main website", inScope: true, active: true, tags: ["web", "php"] });
    const page = await (await get(app, res.headers.get("location")!, admin)).text();
    expect(page).toContain("The asset was added.");
    expect(page).toContain('<span class="badge sla-ok">In scope</span>');
    expect(page).toContain(`action="/admin/scope/${asset!.id}"`);
    expect(await (await get(app, "/report")).text()).toContain("Main website");

    const edit = await post(app, `/admin/scope/${asset!.id}`, admin, {
      name: "Main website (legacy)",
      identifier: "https://www.acme.example",
      kind: "web",
      inScope: "out",
      description: "Retired.",
      tags: "",
      active: ["false", "true"],
    });
    expect(edit.status).toBe(303);
    expect((await t.services.assets.list())[0]).toMatchObject({
      name: "Main website (legacy)",
      inScope: false,
    });
    expect(await (await get(app, "/admin/scope", admin)).text()).toContain(
      '<span class="badge sla-overdue">Out of scope</span>',
    );

    const unlisted = await post(app, `/admin/scope/${asset!.id}`, admin, {
      name: "Main website (legacy)",
      inScope: "out",
      active: "false",
    });
    expect(unlisted.status).toBe(303);
    expect((await t.services.assets.list())[0]?.active).toBe(false);

    const bad = await post(app, "/admin/scope", admin, {
      name: "",
      inScope: "in",
      tags: "no spaces allowed!",
    });
    expect(bad.status).toBe(303);
    const badHtml = await (await follow(app, bad, admin)).text();
    expect(badHtml).toContain('id="add-error"');
    expect(badHtml).toContain("Enter a name.");
    expect(badHtml).toContain("Tags are up to 20 short words");
    expect(await t.services.assets.list()).toHaveLength(1);
    const badEdit = await post(app, `/admin/scope/${asset!.id}`, admin, { name: "", inScope: "in" });
    expect(badEdit.status).toBe(303);
    expect(await (await follow(app, badEdit, admin)).text()).toMatch(
      new RegExp(`<details class="card" id="asset-${asset!.id}" open="">`),
    );
  });

  it("lists the outbox with recipient, subject, status and body, and says mail is held without SMTP", async () => {
    await t.services.reports.submit(reportFields({ email: "finder@example.net" }), [], "web");
    const res = await get(app, "/admin/outbox", admin);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("SMTP_URL is not set");
    expect(html).toContain("held here for an admin to forward");
    expect(html).toContain("finder@example.net");
    expect(html).toMatch(
      /<summary>\[EMB-\d{4}-\d{4}\] Update on your security report<\/summary><pre class="mail-body">/,
    );
    expect(html).toMatch(/<span class="badge [^"]*">(queued|held|sent|failed)<\/span>/);
    expect(html).toContain("Your private tracking link");
    // The link itself is sealed: admins see where it goes, never the link.
    expect(html).toContain("[private tracking link 1, sealed]");
    expect(html).toContain("The private tracking link is sealed under the data key.");
    expect(html).not.toMatch(/\/r\/[A-Za-z0-9_-]{22}/);
  });

  it("signs an admin in through the form and back out", async () => {
    const res = await post(app, "/login", null, { email: team.admin.email, password: team.admin.password });
    const session = { cookie: sessionCookie(res)!, csrf: "" };
    const html = await (await get(app, "/admin/team", session)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    expect((await post(app, "/logout", { ...session, csrf }, {})).status).toBe(303);
    expect((await get(app, "/admin/team", session)).status).toBe(303);
  });
});
