import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, like, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, DB_KINDS, postgresAdminUrl, type TestDb } from "../../../test/helpers/db.ts";
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
import { MEMBER_KEY_FINGERPRINT, MEMBER_PRIVATE_KEY, MEMBER_PUBLIC_KEY } from "../../../test/helpers/pgp.ts";
import { assets, auditEvents, repositories } from "../../db/schema.ts";
import { resolveRef } from "../../git/git.ts";
import { repositoryLockKey } from "./repositories.service.ts";
import { REPOSITORY_FETCH } from "./repositories-queue.jobs.ts";

/** A local upstream made with the system git: one commit on main, a tag. */
function makeUpstream(root: string): { dir: string; head: string } {
  const work = path.join(root, "work");
  const dir = path.join(root, "upstream.git");
  const env = {
    PATH: process.env.PATH,
    HOME: root,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Ada",
    GIT_AUTHOR_EMAIL: "ada@example.org",
    GIT_COMMITTER_NAME: "Ada",
    GIT_COMMITTER_EMAIL: "ada@example.org",
  };
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, { cwd, env, encoding: "utf8" }).trim();
  fs.mkdirSync(work);
  git(work, "init", "-q", "-b", "main");
  fs.writeFileSync(path.join(work, "app.c"), "int main() { return 0; }\n");
  git(work, "add", "app.c");
  git(work, "commit", "-q", "-m", "Initial");
  git(work, "tag", "v1.0");
  git(root, "clone", "-q", "--bare", work, dir);
  return { dir, head: git(work, "rev-parse", "HEAD") };
}

const SSH_KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-deploy-key-secret\n-----END OPENSSH PRIVATE KEY-----";

describe.each(DB_KINDS)("repositories on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let admin: Session;
  let alice: Session;
  let viewer: Session;
  let tokens: { admin: string; alice: string; viewer: string };
  let root: string;
  let upstream: { dir: string; head: string };

  const api = (method: string, token: string | null, body?: unknown, raw?: string) =>
    app.request("/api/v1/repositories", {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined || raw !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : raw !== undefined ? { body: raw } : {}),
    });
  const rowCount = async () => (await t.database.db.select().from(repositories)).length;
  const queuedFetches = async () => {
    const result = (await t.database.db.execute(
      sql`select data from pgboss.job where name = ${REPOSITORY_FETCH}`,
    )) as unknown as { rows: { data: { repositoryId: string } }[] };
    return result.rows.map((r) => r.data.repositoryId);
  };
  const audit = async (action: string) =>
    t.database.db.select().from(auditEvents).where(eq(auditEvents.action, action));

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    const team = await signedInTeam(app, t);
    ({ admin, alice, viewer } = team);
    tokens = { admin: team.team.admin.token, alice: team.team.alice.token, viewer: team.team.viewer.token };
    root = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-repos-test-"));
    upstream = makeUpstream(root);
  }, 60_000);
  afterAll(async () => {
    await t.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("registers a repository through the API, queues its first fetch and audits it", async () => {
    const res = await api("POST", tokens.admin, { name: "acme/app", upstreamUrl: upstream.dir });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toEqual({
      id: expect.any(String),
      name: "acme/app",
      upstreamUrl: upstream.dir,
      defaultBranch: "main",
    });
    expect(await queuedFetches()).toContain(body.id);
    const [event] = await audit("repository.registered");
    expect(event?.data).toMatchObject({ repositoryId: body.id, name: "acme/app" });
  });

  it("refuses the API to responders, viewers and strangers, storing nothing", async () => {
    const before = await rowCount();
    for (const token of [tokens.alice, tokens.viewer]) {
      expect((await api("POST", token, { name: "x", upstreamUrl: upstream.dir })).status).toBe(403);
      expect((await api("GET", token)).status).toBe(403);
    }
    expect((await api("POST", null, { name: "x", upstreamUrl: upstream.dir })).status).toBe(401);
    expect((await api("GET", "not-a-token")).status).toBe(401);
    expect(await rowCount()).toBe(before);
  });

  it.each([
    [{ name: "a", upstreamUrl: "ext::sh -c touch% /tmp/embargo-pwned" }, "upstreamUrl", /Remote helpers/],
    [{ name: "a", upstreamUrl: "--upload-pack=touch /tmp/x" }, "upstreamUrl", /start with "-"/],
    [{ name: "a", upstreamUrl: "http://example.org/app.git" }, "upstreamUrl", /https/],
    [{ name: "a", upstreamUrl: "https://tok@example.org/app.git" }, "upstreamUrl", /credentials/],
    [{ name: "a", upstreamUrl: "relative/app.git" }, "upstreamUrl", /absolute path/],
    [{ name: "a" }, "upstreamUrl", /upstream URL/],
    [{ upstreamUrl: "/srv/app.git" }, "name", /name/],
    [{ name: "-a", upstreamUrl: "/srv/app.git" }, "name", /letter or digit/],
    [{ name: "acme/app", upstreamUrl: "/srv/app.git" }, "name", /already registered/],
    [{ name: "a", upstreamUrl: "/srv/app.git", defaultBranch: "-main" }, "defaultBranch", /"-"/],
    [{ name: "a", upstreamUrl: "/srv/app.git", defaultBranch: "a..b" }, "defaultBranch", /"\.\."/],
    [{ name: "a", upstreamUrl: "/srv/app.git", extra: 1 }, "_", /extra/],
  ])("refuses %j with a 400 naming %s, and stores nothing", async (input, field, problem) => {
    const before = await rowCount();
    const res = await api("POST", tokens.admin, input);
    expect(res.status).toBe(400);
    const { error } = await res.json();
    const messages = field === "_" ? JSON.stringify(error) : error.fields?.[field];
    expect(messages).toMatch(problem);
    expect(await rowCount()).toBe(before);
  });

  it("refuses a body that is not JSON with a 400", async () => {
    expect((await api("POST", tokens.admin, undefined, "{not json")).status).toBe(400);
  });

  it("fetches the mirror from an absolute path and records the time, then lists it", async () => {
    const [row] = await t.database.db.select().from(repositories).where(eq(repositories.name, "acme/app"));
    const result = await t.services.repositories.fetch(row!.id);
    expect(result).toEqual({ ok: true, error: null });
    const mirror = t.services.repositories.mirrorPath(row!.id);
    expect(mirror.startsWith(t.services.deps.gitDir)).toBe(true);
    expect(await resolveRef(mirror, "refs/heads/main")).toBe(upstream.head);
    expect(await resolveRef(mirror, "refs/tags/v1.0")).toBe(upstream.head);
    const list = await (await api("GET", tokens.admin)).json();
    expect(list.items).toEqual([
      {
        id: row!.id,
        name: "acme/app",
        upstreamUrl: upstream.dir,
        defaultBranch: "main",
        credentials: null,
        lastFetchedAt: expect.any(String),
        lastFetchError: null,
      },
    ]);
    expect(await audit("repository.fetched")).toHaveLength(1);
  });

  it("fetches from a file:// upstream, and records a failing upstream's error for the page", async () => {
    const created = await api("POST", tokens.admin, {
      name: "acme/file",
      upstreamUrl: `file://${upstream.dir}`,
    });
    const { id } = await created.json();
    expect((await t.services.repositories.fetch(id)).ok).toBe(true);
    expect(await resolveRef(t.services.repositories.mirrorPath(id), "refs/heads/main")).toBe(upstream.head);

    const bad = await (
      await api("POST", tokens.admin, { name: "acme/gone", upstreamUrl: path.join(root, "gone.git") })
    ).json();
    const result = await t.services.repositories.fetch(bad.id);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/does not appear to be a git repository|not found/i);
    const html = unescapeHtml(await (await get(app, "/admin/repositories", admin)).text());
    expect(html).toContain("acme/gone");
    expect(html).toContain("Last fetch failed");
    expect(html).toContain(path.join(root, "gone.git"));
    expect(await audit("repository.fetch_failed")).toHaveLength(1);
  });

  it("registers from the page, and a refused form shows the problem and stores nothing", async () => {
    const before = await rowCount();
    const refused = await post(app, "/admin/repositories", admin, {
      name: "page/app",
      upstreamUrl: "ext::ssh x",
    });
    const html = unescapeHtml(await (await follow(app, refused, admin)).text());
    expect(html).toContain("Remote helpers");
    expect(html).toContain('value="page/app"');
    expect(await rowCount()).toBe(before);
    const ok = await post(app, "/admin/repositories", admin, { name: "page/app", upstreamUrl: upstream.dir });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/admin/repositories?done=added");
    expect(await rowCount()).toBe(before + 1);
  });

  it("refuses the page and its forms to responders and viewers", async () => {
    const [row] = await t.database.db.select().from(repositories).where(eq(repositories.name, "acme/app"));
    for (const session of [alice, viewer]) {
      expect((await get(app, "/admin/repositories", session)).status).toBe(403);
      expect((await post(app, "/admin/repositories", session, { name: "z", upstreamUrl: "/z" })).status).toBe(
        403,
      );
      expect((await post(app, `/admin/repositories/${row!.id}/fetch`, session, {})).status).toBe(403);
      expect(
        (await post(app, `/admin/repositories/${row!.id}/credentials`, session, { kind: "none" })).status,
      ).toBe(403);
    }
  });

  it("queues a fetch on 'Fetch now', and 404s a repository that does not exist", async () => {
    const [row] = await t.database.db.select().from(repositories).where(eq(repositories.name, "acme/app"));
    const res = await post(app, `/admin/repositories/${row!.id}/fetch`, admin, {});
    expect(res.status).toBe(303);
    expect(await audit("repository.fetch_requested")).toHaveLength(1);
    expect((await post(app, "/admin/repositories/not-an-id/fetch", admin, {})).status).toBe(404);
    expect(
      (await post(app, "/admin/repositories/00000000-0000-4000-8000-000000000000/fetch", admin, {})).status,
    ).toBe(404);
  });

  it("stores credentials sealed, never shows them back, and refuses bad ones keeping nothing", async () => {
    const [row] = await t.database.db.select().from(repositories).where(eq(repositories.name, "acme/app"));
    const url = `/admin/repositories/${row!.id}/credentials`;
    const refused = await post(app, url, admin, { kind: "ssh_key", privateKey: "not a key", token: "" });
    const refusedHtml = unescapeHtml(await (await follow(app, refused, admin)).text());
    expect(refusedHtml).toContain("Paste the whole private key");
    expect(refusedHtml).not.toContain("not a key");
    const [unchanged] = await t.database.db.select().from(repositories).where(eq(repositories.id, row!.id));
    expect(unchanged!.credentialsEnc).toBeNull();

    expect((await post(app, url, admin, { kind: "ssh_key", privateKey: SSH_KEY })).status).toBe(303);
    const [stored] = await t.database.db.select().from(repositories).where(eq(repositories.id, row!.id));
    expect(stored!.credentialKind).toBe("ssh_key");
    expect(stored!.credentialsEnc).toMatch(/^v1\./);
    expect(stored!.credentialsEnc).not.toContain("deploy-key-secret");
    expect(t.cipher.decryptJson(stored!.credentialsEnc!)).toMatchObject({
      kind: "ssh_key",
      privateKey: SSH_KEY,
    });
    const page = await (await get(app, "/admin/repositories", admin)).text();
    expect(page).not.toContain("deploy-key-secret");
    expect(page).toContain("SSH deploy key");
    expect(JSON.stringify(await (await api("GET", tokens.admin)).json())).not.toContain("deploy-key-secret");
    const [event] = await audit("repository.credentials_set");
    expect(JSON.stringify(event?.data)).not.toContain("deploy-key-secret");

    expect((await post(app, url, admin, { kind: "none" })).status).toBe(303);
    const [removed] = await t.database.db.select().from(repositories).where(eq(repositories.id, row!.id));
    expect(removed!.credentialsEnc).toBeNull();
    expect(removed!.credentialKind).toBeNull();
  });

  it("lets an asset name a registered repository, and refuses one that is not", async () => {
    const [row] = await t.database.db.select().from(repositories).where(eq(repositories.name, "acme/app"));
    const base = { name: "App", identifier: "app", kind: "source", inScope: "in", description: "", tags: "" };
    const bad = await post(app, "/admin/scope", admin, {
      ...base,
      repositoryId: "00000000-0000-4000-8000-000000000000",
    });
    expect(unescapeHtml(await (await follow(app, bad, admin)).text())).toContain(
      "Choose a registered repository.",
    );
    expect(await t.database.db.select().from(assets).where(like(assets.name, "App"))).toHaveLength(0);
    expect((await post(app, "/admin/scope", admin, { ...base, repositoryId: row!.id })).status).toBe(303);
    const [asset] = await t.database.db.select().from(assets).where(eq(assets.name, "App"));
    expect(asset!.repositoryId).toBe(row!.id);
    expect(await (await get(app, "/admin/scope", admin)).text()).toContain(
      `<option value="${row!.id}" selected="">acme/app</option>`,
    );
  });

  it.runIf(kind === "postgres")(
    "holds the repository's advisory lock while fetching its mirror",
    async () => {
      const [row] = await t.database.db.select().from(repositories).where(eq(repositories.name, "acme/app"));
      const other = new pg.Client({ connectionString: await currentDbUrl(t) });
      await other.connect();
      try {
        await other.query("select pg_advisory_lock($1)", [repositoryLockKey(row!.id)]);
        let done = false;
        const fetching = t.services.repositories.fetch(row!.id).then((r) => {
          done = true;
          return r;
        });
        await new Promise((r) => setTimeout(r, 400));
        expect(done).toBe(false);
        await other.query("select pg_advisory_unlock($1)", [repositoryLockKey(row!.id)]);
        expect((await fetching).ok).toBe(true);
      } finally {
        await other.end();
      }
    },
  );

  it("registers one of two registrations of one name sent at the same moment; the other is a 400, not a 500", async () => {
    const before = await rowCount();
    const body = { name: "acme/racing", upstreamUrl: upstream.dir };
    const statuses = (await Promise.all([api("POST", tokens.admin, body), api("POST", tokens.admin, body)]))
      .map((r) => r.status)
      .sort();
    expect(statuses).toEqual([201, 400]);
    expect(await rowCount()).toBe(before + 1);
  });

  it("sets, refuses with the reason, and removes a repository's release-signing key from the admin page", async () => {
    const [row] = await t.database.db.select().from(repositories).where(eq(repositories.name, "acme/app"));
    const url = `/admin/repositories/${row!.id}/signing-key`;
    const saved = await post(app, url, admin, { releaseSigningKey: MEMBER_PUBLIC_KEY });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toContain("done=signing_key");
    const stored = async () =>
      (await t.database.db.select().from(repositories).where(eq(repositories.id, row!.id)))[0]
        ?.releaseSigningKey;
    expect(await stored()).toBe(MEMBER_PUBLIC_KEY.trim());
    expect(await audit("repository.signing_key_set")).toHaveLength(1);
    const refused = await post(app, url, admin, { releaseSigningKey: MEMBER_PRIVATE_KEY });
    expect(refused.status).toBe(303);
    expect(unescapeHtml(await (await follow(app, refused, admin)).text())).toContain(
      "This is a PRIVATE key.",
    );
    expect(await stored()).toBe(MEMBER_PUBLIC_KEY.trim());
    expect((await post(app, url, alice, { releaseSigningKey: "" })).status).toBe(403);
    expect((await post(app, url, admin, { releaseSigningKey: "" })).status).toBe(303);
    expect(await stored()).toBeNull();
    expect(await audit("repository.signing_key_removed")).toHaveLength(1);
  });

  it("takes an optional release-signing key, and refuses a private key or garbage naming the field", async () => {
    const res = await api("POST", tokens.admin, {
      name: "acme/signed",
      upstreamUrl: upstream.dir,
      releaseSigningKey: MEMBER_PUBLIC_KEY,
    });
    expect(res.status).toBe(201);
    const [row] = await t.database.db.select().from(repositories).where(eq(repositories.name, "acme/signed"));
    expect(row?.releaseSigningKey).toBe(MEMBER_PUBLIC_KEY.trim());
    const [event] = (await audit("repository.registered")).filter(
      (e) => (e.data as { name: string }).name === "acme/signed",
    );
    expect(event?.data).toMatchObject({ releaseSigningKey: MEMBER_KEY_FINGERPRINT });
    for (const [key, problem] of [
      [MEMBER_PRIVATE_KEY, /PRIVATE key/],
      ["-----BEGIN PGP PUBLIC KEY BLOCK-----\nnope\n-----END PGP PUBLIC KEY BLOCK-----", /not a readable/],
    ] as const) {
      const before = await rowCount();
      const refused = await api("POST", tokens.admin, {
        name: "acme/signed2",
        upstreamUrl: upstream.dir,
        releaseSigningKey: key,
      });
      expect(refused.status).toBe(400);
      expect((await refused.json()).error.fields.releaseSigningKey).toMatch(problem);
      expect(await rowCount()).toBe(before);
    }
  });
});

/** The URL of the test's own PostgreSQL database, read from the server itself. */
async function currentDbUrl(t: TestDb): Promise<string> {
  const result = (await t.database.db.execute(sql`select current_database() as name`)) as unknown as {
    rows: { name: string }[];
  };
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${result.rows[0]!.name}`;
  return url.toString();
}
