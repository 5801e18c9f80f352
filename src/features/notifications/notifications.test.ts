import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
import { type Gpg, gpgKey, makeGpg } from "../../../test/helpers/pgp.ts";
import { auditEvents, notificationListMembers, notificationLists } from "../../db/schema.ts";

describe.each(DB_KINDS)("notification lists on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let admin: Session;
  let alice: Session;
  let tokens: { admin: string; alice: string; viewer: string };
  let gpg: Gpg;
  let debian: { fingerprint: string; publicArmored: string };
  let fedora: { fingerprint: string; publicArmored: string };
  let expired: { fingerprint: string; publicArmored: string };

  const api = (method: string, path: string, token: string | null, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const counts = async () => ({
    lists: (await t.database.db.select().from(notificationLists)).length,
    members: (await t.database.db.select().from(notificationListMembers)).length,
  });
  const member = (name: string, email: string, pgpKey: string, organization?: string) => ({
    name,
    email,
    pgpKey,
    ...(organization ? { organization } : {}),
  });

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    const team = await signedInTeam(app, t);
    ({ admin, alice } = team);
    tokens = { admin: team.team.admin.token, alice: team.team.alice.token, viewer: team.team.viewer.token };
    gpg = makeGpg();
    debian = gpgKey(gpg, "Debian Security <security@debian.example>");
    fedora = gpgKey(gpg, "Fedora Security <secalert@fedora.example>");
    expired = gpgKey(gpg, "Old Distro <sec@old.example>", { expire: "1d" });
  }, 120_000);
  afterAll(async () => {
    await t.close();
    gpg.close();
  });

  it("creates a list with checked members through the API, shows no key blocks, and audits it", async () => {
    const res = await api("POST", "/api/v1/notification-lists", tokens.admin, {
      name: "Distributions",
      mode: "full",
      members: [
        member("Debian Security", "Security@Debian.example", debian.publicArmored, "Debian"),
        member("Fedora", "secalert@fedora.example", fedora.publicArmored),
      ],
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      name: "Distributions",
      mode: "full",
      members: [
        {
          name: "Debian Security",
          email: "security@debian.example",
          organization: "Debian",
          fingerprint: debian.fingerprint,
          keyProblem: null,
        },
        {
          name: "Fedora",
          email: "secalert@fedora.example",
          organization: null,
          fingerprint: fedora.fingerprint,
          keyProblem: null,
        },
      ],
    });
    expect(JSON.stringify(body)).not.toContain("BEGIN PGP");
    const list = await api("GET", "/api/v1/notification-lists", tokens.admin);
    expect((await list.json()).items.map((l: { name: string }) => l.name)).toEqual(["Distributions"]);
    const one = await api("GET", `/api/v1/notification-lists/${body.id}`, tokens.admin);
    expect((await one.json()).members).toHaveLength(2);
    const [event] = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "notification_list.created"));
    expect(event?.data).toMatchObject({
      listId: body.id,
      mode: "full",
      members: [{ fingerprint: debian.fingerprint }, { fingerprint: fedora.fingerprint }],
    });
    expect(
      (await api("GET", "/api/v1/notification-lists/00000000-0000-0000-0000-000000000000", tokens.admin))
        .status,
    ).toBe(404);
    expect((await api("GET", "/api/v1/notification-lists/not-an-id", tokens.admin)).status).toBe(404);
  });

  it.each([
    ["no name", () => ({ mode: "full", members: [] }), "name", /name/],
    ["an unknown mode", () => ({ name: "L", mode: "loud", members: [] }), "mode", /imminent/],
    [
      "a bad address",
      () => ({ name: "L", mode: "full", members: [member("X", "not-an-email", debian.publicArmored)] }),
      "members.0.email",
      /email address/,
    ],
    [
      "a key for another address",
      () => ({
        name: "L",
        mode: "full",
        members: [member("X", "someone@else.example", debian.publicArmored)],
      }),
      "members.0.pgpKey",
      /someone@else\.example/,
    ],
    [
      "an expired key",
      () => ({ name: "L", mode: "full", members: [member("Old", "sec@old.example", expired.publicArmored)] }),
      "members.0.pgpKey",
      /expired/,
    ],
    [
      "no key",
      () => ({ name: "L", mode: "full", members: [{ name: "X", email: "x@y.example" }] }),
      "members.0.pgpKey",
      /OpenPGP/,
    ],
    [
      "garbage for a key",
      () => ({
        name: "L",
        mode: "full",
        members: [member("X", "x@y.example", "-----BEGIN PGP PUBLIC KEY BLOCK-----\nnope")],
      }),
      "members.0.pgpKey",
      /./,
    ],
    [
      "one address twice",
      () => ({
        name: "L",
        mode: "full",
        members: [
          member("A", "security@debian.example", debian.publicArmored),
          member("B", "SECURITY@debian.example", debian.publicArmored),
        ],
      }),
      "members.1.email",
      /twice/,
    ],
    ["a taken name", () => ({ name: "Distributions", mode: "imminent", members: [] }), "name", /exists/],
    [
      "a control character in a name",
      () => ({ name: "L\u0007", mode: "full", members: [] }),
      "name",
      /control/,
    ],
    ["an extra field", () => ({ name: "L", mode: "full", members: [], admin: true }), "_", /./],
  ])("refuses %s with a 400 naming the field, storing nothing", async (_what, input, field, problem) => {
    const before = await counts();
    const res = await api("POST", "/api/v1/notification-lists", tokens.admin, input());
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(field === "_" ? JSON.stringify(error) : error.fields?.[field]).toMatch(problem);
    expect(await counts()).toEqual(before);
  });

  it("keeps lists to admins", async () => {
    for (const token of [tokens.alice, tokens.viewer]) {
      expect(
        (await api("POST", "/api/v1/notification-lists", token, { name: "X", mode: "full", members: [] }))
          .status,
      ).toBe(403);
      expect((await api("GET", "/api/v1/notification-lists", token)).status).toBe(403);
    }
    expect((await api("GET", "/api/v1/notification-lists", null)).status).toBe(401);
    expect((await get(app, "/admin/notification-lists", alice)).status).toBe(403);
  });

  it("lets an admin build a list on the page without JavaScript: create, a refused key, add, remove, delete with confirmation", async () => {
    const start = await counts();
    let res = await post(app, "/admin/notification-lists", admin, {
      name: "Downstream <script>x</script>",
      mode: "imminent",
    });
    expect(res.status).toBe(303);
    const page = await follow(app, res, admin);
    let html = await page.text();
    expect(html).toContain("The list was created.");
    expect(html).toContain("Downstream &lt;script&gt;x&lt;/script&gt;");
    expect(html).not.toContain("<script>x</script>");
    const [created] = await t.database.db
      .select()
      .from(notificationLists)
      .where(eq(notificationLists.mode, "imminent"));
    const id = created?.id as string;

    res = await post(app, `/admin/notification-lists/${id}/members`, admin, {
      name: "Someone",
      email: "other@x.example",
      pgpKey: debian.publicArmored,
    });
    expect(res.status).toBe(303);
    html = unescapeHtml(await (await follow(app, res, admin)).text());
    expect(html).toMatch(/other@x\.example/);
    expect(html).toContain('aria-invalid="true"');
    expect((await counts()).members).toBe(start.members);

    res = await post(app, `/admin/notification-lists/${id}/members`, admin, {
      name: "Fedora",
      email: "secalert@fedora.example",
      pgpKey: fedora.publicArmored,
      organization: "Fedora Project",
    });
    expect(res.status).toBe(303);
    html = unescapeHtml(await (await follow(app, res, admin)).text());
    expect(html).toContain("The member was added");
    const [added] = await t.database.db
      .select()
      .from(notificationListMembers)
      .where(eq(notificationListMembers.listId, id));
    expect(added?.organization).toBe("Fedora Project");

    res = await post(app, `/admin/notification-lists/${id}/members`, admin, {
      name: "Fedora again",
      email: "SECALERT@fedora.example",
      pgpKey: fedora.publicArmored,
    });
    html = unescapeHtml(await (await follow(app, res, admin)).text());
    expect(html).toContain("This address is on the list already.");

    res = await post(app, `/admin/notification-lists/${id}/members/${added?.id}/remove`, admin, {});
    expect(res.status).toBe(303);
    expect(
      (
        await t.database.db
          .select()
          .from(notificationListMembers)
          .where(eq(notificationListMembers.listId, id))
      ).length,
    ).toBe(0);

    res = await post(app, `/admin/notification-lists/${id}/delete`, admin, {});
    html = unescapeHtml(await (await follow(app, res, admin)).text());
    expect(html).toContain("Tick the box to confirm");
    expect((await counts()).lists).toBe(start.lists + 1);
    res = await post(app, `/admin/notification-lists/${id}/delete`, admin, { confirm: "yes" });
    expect(res.status).toBe(303);
    expect((await counts()).lists).toBe(start.lists);
    const actions = (await t.database.db.select().from(auditEvents)).map((e) => e.action);
    for (const a of [
      "notification_list.member_added",
      "notification_list.member_removed",
      "notification_list.deleted",
    ])
      expect(actions).toContain(a);
  });

  it("answers 404 for a list or member that does not exist, changing nothing", async () => {
    const before = await counts();
    expect(
      (
        await post(app, "/admin/notification-lists/00000000-0000-0000-0000-000000000000/members", admin, {
          name: "x",
          email: "x@y.example",
          pgpKey: "k",
        })
      ).status,
    ).toBe(404);
    const [list] = await t.database.db.select().from(notificationLists);
    expect(
      (
        await post(
          app,
          `/admin/notification-lists/${list?.id}/members/00000000-0000-0000-0000-000000000000/remove`,
          admin,
          {},
        )
      ).status,
    ).toBe(404);
    expect(await counts()).toEqual(before);
  });
});
