import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  formCookie,
  get,
  login,
  post,
  type Session,
  sessionCookie,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import { startSmtp } from "../../../test/helpers/smtp.ts";
import { sha256Hex } from "../../crypto/tokens.ts";
import { auditEvents, outbox, teamInvites } from "../../db/schema.ts";
import { INVITE_DAYS } from "../../domain/team-invites.ts";
import { createMailTransport } from "../../mail/transport.ts";
import { createMailDeliveryHandler } from "../outbox/outbox.jobs.ts";

const DAY = 86_400_000;
const PASSWORD = "a-long-invited-password";

/** The one-time link on the page that answered an invite or a re-send. */
function linkOn(html: string): string {
  const link = /id="invite-url" class="copy mono" readonly="" value="([^"]+)"/.exec(html)?.[1];
  if (!link) throw new Error("The page shows no invite link.");
  return link;
}
const pathOf = (link: string) => new URL(link).pathname;
const tokenOf = (link: string) => pathOf(link).split("/").pop()!;

/** Every row of every table, the job queue's included, as one text: a secret must appear nowhere in it. */
async function dumpAll(t: TestDb): Promise<string> {
  const db = t.database.db;
  const tables = (await db.execute(
    sql`select table_schema as s, table_name as n from information_schema.tables
        where table_schema in ('public', 'pgboss') and table_type = 'BASE TABLE'`,
  )) as unknown as { rows: { s: string; n: string }[] };
  let dump = "";
  for (const { s, n } of tables.rows) {
    const result = (await db.execute(
      sql.raw(`select coalesce(string_agg(t::text, E'\\n'), '') as d from "${s}"."${n}" t`),
    )) as unknown as { rows: { d: string }[] };
    dump += `${result.rows[0]!.d}\n`;
  }
  return dump;
}

describe.each(DB_KINDS)("team invites on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let admin: Session;
  let alice: Session;
  let team: Awaited<ReturnType<typeof signedInTeam>>["team"];

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ admin, alice, team } = await signedInTeam(app, t));
  });

  /** Moves the clock on; sessions last hours, so the admin and the responder sign in again afterwards. */
  const later = async (ms: number) => {
    t.clock.advance(ms);
    admin = await login(app, team.admin.email, team.admin.password);
    alice = await login(app, team.alice.email, team.alice.password);
  };
  afterAll(async () => {
    await t?.close();
  });

  const invite = (fields: Record<string, string>) => post(app, "/admin/invites", admin, fields);
  const auditOf = (action: string) =>
    t.database.db.select().from(auditEvents).where(eq(auditEvents.action, action));
  const accept = (link: string, password = PASSWORD, confirm = password) =>
    post(app, pathOf(link), null, { password, passwordConfirm: confirm });

  it("invites a person who sets their own password through the link and can then sign in", async () => {
    const res = await invite({
      email: "Nina@Example.org",
      name: "Nina",
      role: "responder",
      expertise: "web",
    });
    expect(res.status).toBe(303); // post/redirect/get: the link is on the page the post redirects to, once
    const shown = await follow(app, res, admin);
    expect(shown.headers.get("cache-control")).toBe("no-store");
    const html = unescapeHtml(await shown.text());
    expect(unescapeHtml(await (await get(app, res.headers.get("location")!, admin)).text())).not.toContain(
      linkOn(html),
    );
    const link = linkOn(html);
    expect(link).toMatch(/^http:\/\/embargo\.test\/invite\/[A-Za-z0-9_-]{22}$/);
    // No SMTP in tests: the page says the mail waits in the outbox instead of claiming it was sent.
    expect(html).toContain('waits in the <a href="/admin/outbox">outbox</a> and is not sent');
    expect(html).toContain('id="invite-' /* the pending row */);
    expect(await t.services.team.byEmail("nina@example.org")).toBeNull();

    const page = await get(app, pathOf(link));
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const pageHtml = await page.text();
    expect(pageHtml).toContain("nina@example.org");
    expect(pageHtml).toContain("responder");

    const done = await accept(link);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/inbox");
    const cookie = sessionCookie(done);
    expect(cookie).toMatch(/^embargo_session=/);
    expect((await get(app, "/inbox", { cookie: cookie!, csrf: "" })).status).toBe(200);
    const nina = await t.services.team.byEmail("nina@example.org");
    expect(nina).toMatchObject({ name: "Nina", role: "responder", expertise: ["web"], active: true });
    expect((await login(app, "nina@example.org", PASSWORD)).cookie).toMatch(/^embargo_session=/);

    const [row] = await t.database.db.select().from(teamInvites).where(eq(teamInvites.userId, nina!.id));
    expect(row?.acceptedAt).not.toBeNull();
    expect(row?.tokenHash).toBe(sha256Hex(tokenOf(link)));
    expect(
      (await auditOf("team.invite_created")).some((e) => e.data && JSON.stringify(e.data).includes(row!.id)),
    ).toBe(true);
    const accepted = await auditOf("team.invite_accepted");
    expect(accepted.map((e) => e.actorId)).toContain(nina!.id);

    // Used once: the same link is dead, for a look and for a second password.
    const again = await get(app, pathOf(link));
    expect(again.status).toBe(404);
    expect(await again.text()).toContain("already used");
    expect((await accept(link, "another-long-password")).status).toBe(404);
    expect((await login(app, "nina@example.org", PASSWORD)).cookie).toBeTruthy();
  });

  it("mails the link sealed: no table holds the token, and only delivery puts it into the mail", async () => {
    const res = await invite({ email: "oscar@example.org", name: "Oscar", role: "viewer" });
    const link = linkOn(unescapeHtml(await (await follow(app, res, admin)).text()));
    const token = tokenOf(link);
    const rows = await t.database.db.select().from(outbox).where(eq(outbox.toAddress, "oscar@example.org"));
    expect(rows).toHaveLength(1);
    const mail = rows[0]!;
    expect(mail.subject).toContain("Invitation to the");
    expect(mail.body).toContain("Hello Oscar,");
    expect(mail.body).toContain("[private invite link 1, sealed]");
    expect(mail.secretsEnc).not.toBeNull();
    const dump = await dumpAll(t);
    expect(dump).toContain("oscar@example.org");
    expect(dump).not.toContain(token);
    // The outbox page shows the placeholder, never the link.
    const outboxPage = await (await get(app, "/admin/outbox", admin)).text();
    expect(outboxPage).toContain("oscar@example.org");
    expect(outboxPage).toContain("[private invite link 1, sealed]");
    expect(outboxPage).not.toContain(token);

    const smtp = await startSmtp();
    try {
      const deliver = createMailDeliveryHandler({
        db: t.database.db,
        transport: createMailTransport(`smtp://127.0.0.1:${smtp.port}`, "security@embargo.test"),
        clock: t.clock,
        publicHost: "embargo.test",
        cipher: t.services.deps.cipher,
        keys: t.services.keys,
      });
      await deliver({ outboxId: mail.id });
      expect(smtp.mails).toHaveLength(1);
      const sent = smtp.mails[0]!.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      expect(sent).toContain(link);
      expect(sent).not.toContain("sealed]");
    } finally {
      await smtp.close();
    }
  });

  it("expires after seven days; a re-send issues a new link and kills the old one", async () => {
    const res = await invite({ email: "pia@example.org", name: "Pia", role: "responder" });
    const first = linkOn(unescapeHtml(await (await follow(app, res, admin)).text()));
    const [row] = await t.database.db
      .select()
      .from(teamInvites)
      .where(eq(teamInvites.email, "pia@example.org"));
    await later(INVITE_DAYS * DAY - 1000);
    expect((await get(app, pathOf(first))).status).toBe(200);
    await later(1000);
    const expired = await get(app, pathOf(first));
    expect(expired.status).toBe(404);
    expect(await expired.text()).toContain("This invite has expired. Ask an admin to send a new one.");
    expect((await accept(first)).status).toBe(404);
    expect(await t.services.team.byEmail("pia@example.org")).toBeNull();
    const list = unescapeHtml(await (await get(app, "/admin/team", admin)).text());
    expect(list).toMatch(new RegExp(`id="invite-${row!.id}"[\\s\\S]*?Expired`));

    const resent = await post(app, `/admin/invites/${row!.id}/resend`, admin, {});
    expect(resent.status).toBe(303);
    const resentHtml = unescapeHtml(await (await follow(app, resent, admin)).text());
    expect(resentHtml).toContain("The previous link no longer works.");
    const second = linkOn(resentHtml);
    expect(second).not.toBe(first);
    const dead = await get(app, pathOf(first));
    expect(dead.status).toBe(404);
    expect(await dead.text()).toContain("replaced by a newer invite");
    expect((await get(app, pathOf(second))).status).toBe(200);
    const mails = await t.database.db.select().from(outbox).where(eq(outbox.toAddress, "pia@example.org"));
    expect(mails).toHaveLength(2);
    expect(await auditOf("team.invite_resent")).toHaveLength(1);
    expect((await accept(second)).status).toBe(303);
    expect(await t.services.team.byEmail("pia@example.org")).toMatchObject({ role: "responder" });
    // An accepted invite cannot be re-sent or revoked any more.
    expect((await post(app, `/admin/invites/${row!.id}/resend`, admin, {})).status).toBe(409);
    expect((await post(app, `/admin/invites/${row!.id}/revoke`, admin, {})).status).toBe(409);
  });

  it("revokes an invite: its link stops working and it leaves the list", async () => {
    const res = await invite({ email: "quinn@example.org", name: "Quinn", role: "admin" });
    const link = linkOn(unescapeHtml(await (await follow(app, res, admin)).text()));
    const [row] = await t.database.db
      .select()
      .from(teamInvites)
      .where(eq(teamInvites.email, "quinn@example.org"));
    const revoked = await post(app, `/admin/invites/${row!.id}/revoke`, admin, {});
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get("location")).toBe("/admin/team?done=revoked#invites");
    const page = await get(app, pathOf(link));
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("This invite was revoked.");
    expect((await accept(link)).status).toBe(404);
    expect(await t.services.team.byEmail("quinn@example.org")).toBeNull();
    const list = await (await get(app, "/admin/team?done=revoked", admin)).text();
    expect(list).toContain("The invite was revoked; its link no longer works.");
    expect(list).not.toContain(`id="invite-${row!.id}"`);
    expect(await auditOf("team.invite_revoked")).toHaveLength(1);
    expect((await post(app, `/admin/invites/${row!.id}/revoke`, admin, {})).status).toBe(409);
    // The address can be invited again once the old invite is gone.
    expect((await invite({ email: "quinn@example.org", name: "Quinn", role: "viewer" })).status).toBe(303);
  });

  it("answers a wrong, malformed or unknown link with 404 and a clear message", async () => {
    for (const path of ["/invite/AAAAAAAAAAAAAAAAAAAAAA", `/invite/${"x".repeat(150)}`]) {
      const res = await get(app, path);
      expect(res.status).toBe(404);
      expect(unescapeHtml(await res.text())).toContain("This invite link does not work");
      expect((await post(app, path, null, { password: PASSWORD, passwordConfirm: PASSWORD })).status).toBe(
        404,
      );
    }
    for (const path of [
      "/admin/invites/not-an-id/revoke",
      "/admin/invites/00000000-0000-0000-0000-000000000000/resend",
    ]) {
      expect((await post(app, path, admin, {})).status).toBe(404);
    }
  });

  it("sends a refused acceptance back (303) with why and the name typed, once, never the password", async () => {
    const res = await invite({ email: "rosa@example.org", name: "Rosa", role: "responder" });
    const link = linkOn(unescapeHtml(await (await follow(app, res, admin)).text()));
    const secret = "rosa-own-secret-password";
    const accepted = (await auditOf("team.invite_accepted")).length;
    const refused = async (fields: Record<string, string>) => {
      const answer = await post(app, pathOf(link), null, fields);
      const location = answer.headers.get("location") ?? "";
      expect(location).toMatch(new RegExp(`^${pathOf(link)}\\?form=[A-Za-z0-9_-]{20,64}$`));
      const page = await follow(app, answer);
      expect(page.status).toBe(200);
      expect(page.headers.get("cache-control")).toBe("no-store");
      return { location, cookie: formCookie(answer), html: unescapeHtml(await page.text()) };
    };
    const differ = await refused({ name: "Rosa Typed", password: secret, passwordConfirm: `${secret}x` });
    expect(differ.html).toContain("The two passwords differ.");
    expect(differ.html).toContain('id="invite-confirm-error"');
    expect(differ.html).toContain('value="Rosa Typed"');
    expect(differ.html).toContain("type it again: password, password again");
    expect(differ.html).not.toContain(secret);
    // Shown once: the same address again shows the invite's own name and no error.
    const reload = await get(app, differ.location, null, differ.cookie ? { cookie: differ.cookie } : {});
    const reloadHtml = unescapeHtml(await reload.text());
    expect(reloadHtml).not.toContain("The two passwords differ.");
    expect(reloadHtml).toContain('value="Rosa"');

    const weak = await refused({ name: "Rosa", password: "short", passwordConfirm: "short" });
    expect(weak.html).toContain('id="invite-password-error"');
    expect(weak.html).toContain("Use at least 12 characters.");
    expect((await refused({ name: "Rosa", password: "", passwordConfirm: "" })).html).toContain(
      "Choose a password.",
    );
    const blank = await refused({ name: "   ", password: secret, passwordConfirm: secret });
    expect(blank.html).toMatch(/id="invite-name"[^>]*aria-invalid="true"/);
    expect(blank.html).toContain("Enter a name.");
    const long = await refused({ name: "N".repeat(101), password: secret, passwordConfirm: secret });
    expect(long.html).toContain("Use at most 100 characters.");
    expect(long.html).toContain(`value="${"N".repeat(101)}"`);
    expect(long.html).not.toContain(secret);

    // No refusal stored anything: no member, no audit event, and the password nowhere, not even sealed.
    expect(await t.services.team.byEmail("rosa@example.org")).toBeNull();
    expect(await auditOf("team.invite_accepted")).toHaveLength(accepted);
    expect(await dumpAll(t)).not.toContain(secret);

    // The link still works, and the name the person chose is the member's.
    const done = await post(app, pathOf(link), null, {
      name: " Rosa Q. ",
      password: secret,
      passwordConfirm: secret,
    });
    expect(done.headers.get("location")).toBe("/inbox");
    expect(await t.services.team.byEmail("rosa@example.org")).toMatchObject({ name: "Rosa Q." });
    const events = await auditOf("team.invite_accepted");
    expect(events.map((e) => e.data)).toContainEqual(expect.objectContaining({ name: "Rosa Q." }));
  });

  it("shows the invited address read-only with the name, and ignores a posted address", async () => {
    const res = await invite({ email: "uma@example.org", name: "Uma", role: "viewer" });
    const link = linkOn(unescapeHtml(await (await follow(app, res, admin)).text()));
    const html = await (await get(app, pathOf(link))).text();
    expect(html).toMatch(
      /<input type="email" id="invite-email" name="email" value="uma@example.org"[^>]*readonly/,
    );
    expect(html).toMatch(/<input type="text" id="invite-name" name="name" value="Uma"/);
    const done = await post(app, pathOf(link), null, {
      email: "mallory@example.org",
      name: "Uma",
      password: PASSWORD,
      passwordConfirm: PASSWORD,
    });
    expect(done.headers.get("location")).toBe("/inbox");
    expect(await t.services.team.byEmail("mallory@example.org")).toBeNull();
    expect(await t.services.team.byEmail("uma@example.org")).toMatchObject({ name: "Uma", role: "viewer" });
  });

  it("refuses bad input, a duplicate pending invite and a member's address, keeping what was typed", async () => {
    const bad = await invite({ email: "not-an-email", name: "Sam Typed", role: "boss" });
    expect(bad.status).toBe(303);
    const badHtml = unescapeHtml(await (await follow(app, bad, admin)).text());
    expect(badHtml).toContain("Enter a valid email address.");
    expect(badHtml).toContain("Choose admin, responder or viewer.");
    expect(badHtml).toContain('value="Sam Typed"');
    expect(badHtml).toContain("<title>Error:");

    expect((await invite({ email: "tara@example.org", name: "Tara", role: "viewer" })).status).toBe(303);
    const twice = await invite({ email: "TARA@example.org", name: "Tara Again", role: "viewer" });
    expect(twice.status).toBe(303);
    const twiceHtml = unescapeHtml(await (await follow(app, twice, admin)).text());
    expect(twiceHtml).toContain("An invite to this address is already pending.");
    expect(twiceHtml).toContain('value="Tara Again"');
    const member = await invite({ email: "alice@example.org", name: "Alice", role: "viewer" });
    expect(member.status).toBe(303);
    expect(await (await follow(app, member, admin)).text()).toContain(
      "A team member with this email already exists.",
    );
    const open = await t.database.db.select().from(teamInvites).where(sql`lower(email) = 'tara@example.org'`);
    expect(open).toHaveLength(1);

    // An expired invite to the same address is replaced by a new one rather than blocking it.
    await later(INVITE_DAYS * DAY);
    expect((await invite({ email: "tara@example.org", name: "Tara", role: "viewer" })).status).toBe(303);
    const all = await t.database.db.select().from(teamInvites).where(sql`lower(email) = 'tara@example.org'`);
    expect(all.filter((i) => i.revokedAt === null)).toHaveLength(1);
  });

  it("is for admins only", async () => {
    const before = await t.database.db.select().from(teamInvites);
    expect(
      (await post(app, "/admin/invites", alice, { email: "u@example.org", name: "U", role: "admin" })).status,
    ).toBe(403);
    expect(
      (await post(app, "/admin/invites", null, { email: "u@example.org", name: "U", role: "admin" })).status,
    ).toBe(401);
    const id = before[0]!.id;
    expect((await post(app, `/admin/invites/${id}/revoke`, alice, {})).status).toBe(403);
    expect((await post(app, `/admin/invites/${id}/resend`, alice, {})).status).toBe(403);
    expect(await t.database.db.select().from(teamInvites)).toEqual(before);
  });
});
