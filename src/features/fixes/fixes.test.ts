import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { type ServerType, serve } from "@hono/node-server";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../../test/helpers/actors.ts";
import { reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { appFor, get, ORIGIN, type Session, signedInTeam } from "../../../test/helpers/http.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { freePort } from "../../../test/helpers/net.ts";
import { AppError } from "../../core/errors.ts";
import { sha256Hex } from "../../crypto/tokens.ts";
import {
  auditEvents,
  fixAccessTokens,
  fixBranches,
  fixes,
  fixRepositories,
  reports,
} from "../../db/schema.ts";
import { describeEvent } from "../reports/timeline.views.ts";
import { FIX_PUSHED } from "./fixes-queue.jobs.ts";

const OWASP = "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9";
const AUTHOR = { GIT_AUTHOR_NAME: "Dev Eloper", GIT_AUTHOR_EMAIL: "dev@example.org" };

/**
 * The system git as a developer runs it, with no user configuration. Asynchronous, because the server it talks to
 * runs in this process; it never throws, so refusals can be read.
 */
function git(cwd: string, ...args: string[]): Promise<{ ok: boolean; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      "git",
      args,
      {
        cwd,
        encoding: "utf8",
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          HOME: cwd,
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_TERMINAL_PROMPT: "0",
          GIT_COMMITTER_NAME: "Dev Eloper",
          GIT_COMMITTER_EMAIL: "dev@example.org",
          ...AUTHOR,
        },
      },
      (error, stdout, stderr) => resolve({ ok: !error, out: String(stdout).trim(), err: String(stderr) }),
    );
  });
}

describe.each(DB_KINDS)(
  "fix repositories on %s",
  (kind) => {
    let t: TestDb;
    let server: ServerType;
    let base: string;
    let root: string;
    let team: Awaited<ReturnType<typeof signedInTeam>>["team"];
    let alice: Session;
    let repositoryId: string;
    const upstream: Record<string, string> = {};

    const act = (actor: Actor, ref: string, body: Record<string, unknown>) =>
      t.services.reports.act(actor, ref, body);
    const refusal = async (p: Promise<unknown>) => {
      const error = await p.then(
        () => null,
        (e: unknown) => e,
      );
      if (!(error instanceof AppError)) throw new Error(`Expected a refusal, got ${String(error)}`);
      return error;
    };
    /** A new report brought to Confirmed by Alice. */
    const confirmedReport = async (asset = "other") => {
      const { report } = await t.services.reports.submit(reportFields({ asset }), [], "web");
      const ref = report.reference;
      for (const body of [
        { action: "acknowledge" },
        { action: "assign", assignee: team.alice.email },
        { action: "start_triage" },
        { action: "set_severity", owasp: OWASP },
        { action: "confirm" },
      ])
        await act(team.alice, ref, body);
      return { ref, id: report.id };
    };
    const url = (ref: string, token: string | null) =>
      `http://${token ? `x:${token}@` : ""}127.0.0.1:${new URL(base).port}/git/${ref}.git`;
    const audit = (action: string, reportId: string) =>
      t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, action), eq(auditEvents.reportId, reportId)));

    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      t = await createTestDb(kind, { alertAllowPrivateHosts: "127.0.0.1" });
      const app = appFor(t);
      server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
      await new Promise<void>((resolve) => server.once("listening", () => resolve()));
      ({ team, alice } = await signedInTeam(app, t));
      await raiseIntakeLimits(t);
      const org = await t.services.settings.org();
      await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });

      root = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-fixes-test-"));
      const work = path.join(root, "upstream-work");
      fs.mkdirSync(work);
      await git(work, "init", "-q", "-b", "main");
      fs.writeFileSync(path.join(work, "app.c"), "int check(int n) { return n; }\n");
      await git(work, "add", "app.c");
      await git(work, "commit", "-q", "-m", "Initial");
      await git(work, "tag", "v1.0");
      upstream.v1 = (await git(work, "rev-parse", "HEAD")).out;
      fs.writeFileSync(path.join(work, "README"), "The app.\n");
      await git(work, "add", "README");
      await git(work, "commit", "-q", "-m", "Readme");
      upstream.main = (await git(work, "rev-parse", "HEAD")).out;
      const bare = path.join(root, "upstream.git");
      await git(root, "clone", "-q", "--bare", work, bare);
      const repo = await t.services.repositories.register(team.admin.id, {
        name: "acme/app",
        upstreamUrl: bare,
      });
      repositoryId = repo.id;
      expect((await t.services.repositories.fetch(repo.id)).ok).toBe(true);
    }, 120_000);
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
      fs.rmSync(root, { recursive: true, force: true });
    });

    describe("create_fix_branch", () => {
      it("creates the private repository from Confirmed, starts remediation and audits it", async () => {
        const { ref, id } = await confirmedReport();
        const result = await act(team.alice, ref, { action: "create_fix_branch", repository: "acme/app" });
        expect(result.state).toBe("remediation");
        const [row] = await t.database.db
          .select()
          .from(fixRepositories)
          .where(eq(fixRepositories.reportId, id));
        expect(row).toMatchObject({
          repositoryId,
          branch: `refs/heads/fix/${ref}`,
          baseRef: "refs/heads/main",
        });
        expect(row!.baseSha).toBe(upstream.main);
        const branches = await t.database.db.select().from(fixBranches).where(eq(fixBranches.reportId, id));
        expect(branches).toMatchObject([{ ref: `refs/heads/fix/${ref}`, headSha: upstream.main }]);
        const dir = t.services.fixes.repoDir(id);
        expect(fs.readFileSync(path.join(dir, "objects", "info", "alternates"), "utf8")).toContain("mirrors");
        const [event] = await audit("report.create_fix_branch", id);
        expect(event!.data).toMatchObject({
          from: "confirmed",
          to: "remediation",
          cloneUrl: `${ORIGIN}/git/${ref}.git`,
        });
        expect(describeEvent("report.create_fix_branch", event!.data as Record<string, unknown>)).toContain(
          `push to fix/${ref} at ${ORIGIN}/git/${ref}.git; state is now Remediation`,
        );
      });

      it("takes a tag as the base, and the asset's repository when none is named", async () => {
        const asset = await t.services.assets.create(team.admin.id, {
          name: "App",
          identifier: "app.example.org",
          kind: "web",
          inScope: "true",
          active: "true",
          repositoryId,
        });
        const assetId = asset.id;
        const { ref, id } = await confirmedReport(assetId);
        await act(team.alice, ref, { action: "create_fix_branch", base: "v1.0" });
        const [row] = await t.database.db
          .select()
          .from(fixRepositories)
          .where(eq(fixRepositories.reportId, id));
        expect(row).toMatchObject({ repositoryId, baseRef: "refs/tags/v1.0", baseSha: upstream.v1 });
      });

      it("refuses a report whose asset names no repository, a bad base and an unknown repository, storing nothing", async () => {
        const { ref, id } = await confirmedReport();
        const none = await refusal(act(team.alice, ref, { action: "create_fix_branch" }));
        expect(none.status).toBe(400);
        expect(none.fields?.repository).toContain("names no repository");
        const badBase = await refusal(
          act(team.alice, ref, {
            action: "create_fix_branch",
            repository: repositoryId,
            base: "no-such-branch",
          }),
        );
        expect(badBase.status).toBe(400);
        expect(badBase.fields?.base).toContain('no branch, tag or commit "no-such-branch"');
        for (const base of ["--upload-pack=evil", "a..b", "1".repeat(40)]) {
          const e = await refusal(
            act(team.alice, ref, { action: "create_fix_branch", repository: "acme/app", base }),
          );
          expect(e.status).toBe(400);
        }
        const unknown = await refusal(
          act(team.alice, ref, { action: "create_fix_branch", repository: "acme/none" }),
        );
        expect(unknown.fields?.repository).toContain("acme/none");
        expect(
          await t.database.db.select().from(fixRepositories).where(eq(fixRepositories.reportId, id)),
        ).toEqual([]);
        expect((await t.services.reports.teamView(ref)).state).toBe("confirmed");
      });

      it("refuses a second fix repository with 409 naming the clone URL, and a report in the wrong state", async () => {
        const { ref } = await confirmedReport();
        await act(team.alice, ref, { action: "create_fix_branch", repository: "acme/app" });
        const twice = await refusal(
          act(team.alice, ref, { action: "create_fix_branch", repository: "acme/app" }),
        );
        expect(twice.status).toBe(409);
        expect(twice.userMessage).toContain(`${ORIGIN}/git/${ref}.git`);

        const { report } = await t.services.reports.submit(reportFields(), [], "web");
        const early = await refusal(
          act(team.alice, report.reference, { action: "create_fix_branch", repository: "acme/app" }),
        );
        expect(early.status).toBe(409);
        expect(early.userMessage).toContain("only possible when the report is Confirmed or Remediation");
      });

      it("offers the form on the report page with the registered repositories", async () => {
        const { ref } = await confirmedReport();
        const html = await (await get(appFor(t), `/reports/${ref}`, alice)).text();
        expect(html).toContain('name="action" value="create_fix_branch"');
        expect(html).toContain(`<option value="${repositoryId}">acme/app</option>`);
      });
    });

    describe("git over HTTP", () => {
      let ref: string;
      let id: string;
      let other: { ref: string; id: string };
      const insertToken = async (reportId: string, kindOf: "reporter" | "ci", extra: object = {}) => {
        const token = `tok-${Math.random().toString(36).slice(2)}-${Date.now()}`;
        await t.database.db
          .insert(fixAccessTokens)
          .values({ reportId, kind: kindOf, tokenHash: sha256Hex(token), ...extra });
        return token;
      };

      beforeAll(async () => {
        ({ ref, id } = await confirmedReport());
        await act(team.alice, ref, { action: "create_fix_branch", repository: "acme/app" });
        other = await confirmedReport();
        await act(team.alice, other.ref, { action: "create_fix_branch", repository: "acme/app" });
      }, 60_000);

      it("asks for credentials on every /git/ path alike, saying nothing about what exists", async () => {
        for (const p of [
          `/git/${ref}.git/info/refs?service=git-upload-pack`,
          "/git/EMB-1999-0001.git/info/refs",
          "/git/x",
        ]) {
          const res = await fetch(`${base}${p}`);
          expect(res.status).toBe(401);
          expect(res.headers.get("www-authenticate")).toBe('Basic realm="Embargo"');
        }
        const clone = await git(root, "clone", "-q", url(ref, null), path.join(root, "anon"));
        expect(clone.ok).toBe(false);
      });

      it("lets a responder clone and push to fix/*, and records the push", async () => {
        const dir = path.join(root, "alice");
        const clone = await git(root, "clone", "-q", url(ref, team.alice.token), dir);
        expect(clone.err).toBe("");
        expect((await git(dir, "rev-parse", "--abbrev-ref", "HEAD")).out).toBe(`fix/${ref}`);
        fs.writeFileSync(path.join(dir, "app.c"), "int check(int n) { return n > 0 ? n : 0; }\n");
        await git(dir, "commit", "-qam", "Clamp negative input");
        fs.writeFileSync(path.join(dir, "test.c"), "/* test */\n");
        await git(dir, "add", "test.c");
        await git(dir, "commit", "-qm", "Add a test");
        const head = (await git(dir, "rev-parse", "HEAD")).out;
        const first = (await git(dir, "rev-parse", "HEAD~1")).out;
        const push = await git(dir, "push", "-q", "origin", `HEAD:refs/heads/fix/${ref}`);
        expect(push.ok, push.err).toBe(true);

        const rows = await t.database.db.select().from(fixes).where(eq(fixes.reportId, id));
        const bySha = new Map(rows.map((r) => [r.sha, r]));
        expect(bySha.get(first)).toMatchObject({
          kind: "commit",
          branch: `refs/heads/fix/${ref}`,
          subject: "Clamp negative input",
          gitAuthor: "Dev Eloper <dev@example.org>",
          gitAuthorEmail: "dev@example.org",
          files: ["app.c"],
          authorId: team.alice.id,
        });
        expect(bySha.get(head)).toMatchObject({ subject: "Add a test", files: ["test.c"] });
        expect(rows).toHaveLength(2);
        const [branch] = await t.database.db.select().from(fixBranches).where(eq(fixBranches.reportId, id));
        expect(branch).toMatchObject({ headSha: head, updatedBy: team.alice.id });
        const [event] = await audit("report.fix_pushed", id);
        expect(event!.actorId).toBe(team.alice.id);
        expect(event!.data).toEqual({
          ref: `refs/heads/fix/${ref}`,
          before: upstream.main,
          after: head,
          commits: [
            { sha: first, subject: "Clamp negative input" },
            { sha: head, subject: "Add a test" },
          ],
        });
        expect(describeEvent("report.fix_pushed", event!.data as Record<string, unknown>)).toBe(
          `Pushed 2 commits to fix/${ref}: “Clamp negative input”, “Add a test”.`,
        );
        const jobs = (await t.database.db.execute(
          sql`select data from pgboss.job where name = ${FIX_PUSHED}`,
        )) as unknown as { rows: { data: { reportId: string; sha: string } }[] };
        expect(jobs.rows.map((r) => r.data)).toContainEqual({
          reportId: id,
          ref: `refs/heads/fix/${ref}`,
          sha: head,
        });
        expect((await t.services.reports.teamView(ref)).state).toBe("remediation");

        // The default branch is read-only, and deleting it is refused, each with a line git prints.
        const main = await git(dir, "push", "origin", "HEAD:refs/heads/main");
        expect(main.ok).toBe(false);
        expect(main.err).toContain(
          "remote: Embargo: refs/heads/main is read-only here; push your fix to a branch under fix/",
        );
        const del = await git(dir, "push", "origin", ":refs/heads/main");
        expect(del.ok).toBe(false);
        expect(del.err).toContain("remote: Embargo: deleting refs/heads/main is not allowed here.");
        expect(await audit("report.fix_pushed", id)).toHaveLength(1);
      });

      it("lets a viewer and a reporter's token clone, and refuses their pushes with a message", async () => {
        const reporterToken = await insertToken(id, "reporter");
        for (const [name, token] of [
          ["viewer", team.viewer.token],
          ["reporter", reporterToken],
        ] as const) {
          const dir = path.join(root, name);
          const clone = await git(root, "clone", "-q", url(ref, token), dir);
          expect(clone.ok, clone.err).toBe(true);
          fs.writeFileSync(path.join(dir, "x.c"), name);
          await git(dir, "add", "x.c");
          await git(dir, "commit", "-qm", `From the ${name}`);
          const push = await git(dir, "push", "origin", `HEAD:refs/heads/fix/${ref}`);
          expect(push.ok).toBe(false);
          expect(push.err).toContain("remote: Embargo: this credential may only fetch from this repository");
        }
        const res = await fetch(`${url(ref, null)}/info/refs?service=git-receive-pack`, {
          headers: { authorization: `Basic ${Buffer.from(`x:${reporterToken}`).toString("base64")}` },
        });
        expect(res.status).toBe(403);
        expect(res.headers.get("content-type")).toContain("text/plain");
        expect(await audit("report.fix_pushed", id)).toHaveLength(1);
      });

      it("answers 404 alike to another report's token, a revoked or expired one, a wrong one and a disclosed report's", async () => {
        const otherToken = await insertToken(other.id, "reporter");
        const revoked = await insertToken(id, "reporter", { revokedAt: new Date("2026-01-01T00:00:00Z") });
        const expired = await insertToken(id, "ci", { expiresAt: new Date(t.clock().getTime() - 1000) });
        const bodies = new Set<string>();
        for (const token of [otherToken, revoked, expired, "not-a-token", team.alice.token]) {
          const target = token === team.alice.token ? "EMB-1999-0001" : ref;
          const res = await fetch(`${url(target, null)}/info/refs?service=git-upload-pack`, {
            headers: { authorization: `Basic ${Buffer.from(`x:${token}`).toString("base64")}` },
          });
          expect(res.status).toBe(404);
          bodies.add(await res.text());
        }
        expect(bodies.size).toBe(1);
        const clone = await git(root, "clone", "-q", url(ref, revoked), path.join(root, "revoked"));
        expect(clone.ok).toBe(false);
        // The other report's own token opens the other report.
        expect(
          (await git(root, "clone", "-q", url(other.ref, otherToken), path.join(root, "other"))).ok,
        ).toBe(true);
        // A reporter's token stops working once the report is disclosed.
        await t.database.db.update(reports).set({ state: "disclosed" }).where(eq(reports.id, other.id));
        const late = await fetch(`${url(other.ref, null)}/info/refs?service=git-upload-pack`, {
          headers: { authorization: `Basic ${Buffer.from(`x:${otherToken}`).toString("base64")}` },
        });
        expect(late.status).toBe(404);
      });

      it("sends fix.pushed to the team's webhook, signed, with a CI token that clones for an hour", async () => {
        const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
        const hook = http.createServer((req, res) => {
          let body = "";
          req.on("data", (c) => {
            body += c;
          });
          req.on("end", () => {
            received.push({ headers: req.headers, body });
            res.end("ok");
          });
        });
        await new Promise<void>((r) => hook.listen(0, "127.0.0.1", () => r()));
        const hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/ci`;
        const secret = "ci-webhook-secret-0123456789";
        await t.services.alerts.createChannel(team.admin.id, {
          kind: "webhook",
          name: "CI",
          events: ["report_received"],
          url: hookUrl,
          secret,
        });
        const [branch] = await t.database.db.select().from(fixBranches).where(eq(fixBranches.reportId, id));
        const event = { reportId: id, ref: branch!.ref, sha: branch!.headSha };
        expect(await t.services.fixes.fanOutFixPushed(event)).toBe(1);
        const [channel] = await t.services.alerts.integrationWebhooks();
        expect(
          await t.services.fixes.deliverFixPushed({ ...event, channelId: channel!.id }, "delivery-1"),
        ).toEqual({
          ok: true,
        });
        hook.close();
        expect(received).toHaveLength(1);
        const { headers, body } = received[0]!;
        const expected = `sha256=${createHmac("sha256", secret).update(`${headers["x-embargo-timestamp"]}.${body}`).digest("hex")}`;
        expect(headers["x-embargo-signature"]).toBe(expected);
        expect(headers["x-embargo-event"]).toBe("fix.pushed");
        const payload = JSON.parse(body);
        expect(payload).toMatchObject({
          event: "fix.pushed",
          report: { reference: ref },
          cloneUrl: `${ORIGIN}/git/${ref}.git`,
          ref: branch!.ref,
          sha: branch!.headSha,
          readTokenExpiresAt: new Date(t.clock().getTime() + 3600_000).toISOString(),
        });
        const [row] = await t.database.db
          .select()
          .from(fixAccessTokens)
          .where(eq(fixAccessTokens.tokenHash, sha256Hex(payload.readToken)));
        expect(row).toMatchObject({ reportId: id, kind: "ci", revokedAt: null });
        const dir = path.join(root, "ci");
        expect((await git(root, "clone", "-q", url(ref, payload.readToken), dir)).ok).toBe(true);
        expect((await git(dir, "rev-parse", "HEAD")).out).toBe(branch!.headSha);
        expect((await git(dir, "push", "origin", `HEAD:refs/heads/fix/${ref}-ci`)).ok).toBe(false);
        t.clock.advance(3600_000 + 1);
        expect(
          (await git(root, "clone", "-q", url(ref, payload.readToken), path.join(root, "ci-late"))).ok,
        ).toBe(false);
      });
    });
  },
  300_000,
);
