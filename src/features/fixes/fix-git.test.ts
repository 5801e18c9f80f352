import { createHmac } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/helpers/db.ts";
import { type FixWorld, git, openFixWorld } from "../../../test/helpers/fix-world.ts";
import { ORIGIN } from "../../../test/helpers/http.ts";
import { sha256Hex } from "../../crypto/tokens.ts";
import { fixAccessTokens, fixBranches, fixes, reports } from "../../db/schema.ts";
import { MAX_GIT_REQUEST_BYTES } from "../../git/http-backend.ts";
import { describeEvent } from "../reports/timeline.views.ts";
import { registerFixWorkers } from "./fixes.jobs.ts";
import { FIX_PUSHED } from "./fixes-queue.jobs.ts";

describe.each(DB_KINDS)(
  "git over HTTP on %s",
  (kind) => {
    let w: FixWorld;
    let t: FixWorld["t"];
    let base: string;
    let root: string;
    let team: FixWorld["team"];
    let upstream: FixWorld["upstream"];
    const act: FixWorld["act"] = (...a) => w.act(...a);
    const confirmedReport: FixWorld["confirmedReport"] = (asset) => w.confirmedReport(asset);
    const url: FixWorld["url"] = (ref, token) => w.url(ref, token);
    const audit: FixWorld["audit"] = (action, id) => w.audit(action, id);

    beforeAll(async () => {
      w = await openFixWorld(kind);
      ({ t, base, root, team, upstream } = w);
    }, 120_000);
    afterAll(() => w.close());

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

      /** The report's own fix branch as recorded (the tests push a second one too). */
      const mainBranch = async () =>
        (await t.database.db.select().from(fixBranches).where(eq(fixBranches.reportId, id))).find(
          (b) => b.ref === `refs/heads/fix/${ref}`,
        );

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
        const branch = await mainBranch();
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

        // A second fix branch records only what is new on it; commits already recorded are not recorded again.
        fs.writeFileSync(path.join(dir, "test.c"), "/* a better test */\n");
        await git(dir, "commit", "-qam", "Better test");
        const third = (await git(dir, "rev-parse", "HEAD")).out;
        const alt = await git(dir, "push", "-q", "origin", `HEAD:refs/heads/fix/${ref}-alt`);
        expect(alt.ok, alt.err).toBe(true);
        const all = await t.database.db.select().from(fixes).where(eq(fixes.reportId, id));
        expect(all.filter((f) => f.branch === `refs/heads/fix/${ref}-alt`).map((f) => f.sha)).toEqual([
          third,
        ]);
        const events = await audit("report.fix_pushed", id);
        expect(events.at(-1)!.data).toMatchObject({
          ref: `refs/heads/fix/${ref}-alt`,
          before: null,
          after: third,
        });
        // A third branch at a head already recorded brings no commit at all.
        const same = await git(dir, "push", "-q", "origin", `HEAD:refs/heads/fix/${ref}-same`);
        expect(same.ok, same.err).toBe(true);
        const again = await t.database.db.select().from(fixes).where(eq(fixes.reportId, id));
        expect(again).toHaveLength(all.length);
        expect((await audit("report.fix_pushed", id)).at(-1)!.data).toMatchObject({
          commits: [],
          after: third,
        });
        // The main fix branch stays where it was pushed, for the tests below.
        const heads = await t.database.db.select().from(fixBranches).where(eq(fixBranches.reportId, id));
        expect(heads.find((b) => b.ref === `refs/heads/fix/${ref}`)!.headSha).toBe(head);
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
        expect(await audit("report.fix_pushed", id)).toHaveLength(3);
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
        // A webhook made for alerts only: it never receives fix.pushed and its CI token.
        const alertsOnly: { body: string }[] = [];
        const other = http.createServer((req, res) => {
          req.on("data", (c) => alertsOnly.push({ body: String(c) }));
          req.on("end", () => res.end("ok"));
        });
        await new Promise<void>((r) => other.listen(0, "127.0.0.1", () => r()));
        await t.services.alerts.createChannel(team.admin.id, {
          kind: "webhook",
          name: "Alerts only",
          events: ["report_received"],
          url: `http://127.0.0.1:${(other.address() as { port: number }).port}/alerts`,
          secret: "alerts-webhook-secret-0123456789",
        });
        await t.services.alerts.createChannel(team.admin.id, {
          kind: "webhook",
          name: "CI",
          events: ["report_received", "fix_pushed"],
          url: hookUrl,
          secret,
        });
        // The push queued a fix-pushed job; the real workers fan it out to the channel and deliver it.
        await registerFixWorkers({ jobs: t.jobs, fixes: t.services.fixes });
        for (let i = 0; i < 100 && received.length < 3; i++) await new Promise((r) => setTimeout(r, 200));
        const branch = await mainBranch();
        hook.close();
        other.close();
        expect(alertsOnly).toEqual([]);
        // One event per moved branch: fix/<reference>, fix/<reference>-alt and fix/<reference>-same.
        expect(received).toHaveLength(3);
        const { headers, body } = received.find((r) => JSON.parse(r.body).ref === branch!.ref)!;
        const expected = `sha256=${createHmac("sha256", secret).update(`${headers["x-embargo-timestamp"]}.${body}`).digest("hex")}`;
        expect(headers["x-embargo-signature"]).toBe(expected);
        expect(headers["x-embargo-event"]).toBe("fix.pushed");
        expect(headers["x-embargo-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
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

      it("revokes the CI token of a delivery that failed, and throws so the job is retried", async () => {
        const closed = http.createServer();
        await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
        const port = (closed.address() as { port: number }).port;
        await new Promise<void>((r) => closed.close(() => r()));
        const channel = await t.services.alerts.createChannel(team.admin.id, {
          kind: "webhook",
          name: "Broken CI",
          events: ["report_received"],
          url: `http://127.0.0.1:${port}/ci`,
          secret: "broken-ci-secret-0123456789",
        });
        const branch = await mainBranch();
        const delivery = {
          reportId: id,
          ref: branch!.ref,
          sha: branch!.headSha,
          channelId: channel.channel.id,
        };
        const before = await t.database.db
          .select()
          .from(fixAccessTokens)
          .where(eq(fixAccessTokens.kind, "ci"));
        await expect(t.services.fixes.deliverFixPushed(delivery, "retry-me")).rejects.toThrow(/failed/);
        const after = await t.database.db
          .select()
          .from(fixAccessTokens)
          .where(eq(fixAccessTokens.kind, "ci"));
        const minted = after.filter((a) => !before.some((b) => b.id === a.id));
        expect(minted).toHaveLength(1);
        expect(minted[0]!.revokedAt).not.toBeNull();
        await t.services.alerts.updateChannel(team.admin.id, channel.channel.id, {
          kind: "webhook",
          name: "Broken CI",
          events: ["report_received"],
          url: `http://127.0.0.1:${port}/ci`,
          active: "false",
        });
      });

      it("reads gzip request bodies as git sends them, and refuses the dumb protocol and oversized pushes", async () => {
        const auth = { authorization: `Basic ${Buffer.from(`x:${team.alice.token}`).toString("base64")}` };
        const branch = await mainBranch();
        const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, "0")}${line}`;
        const wants = `${pkt(`want ${branch!.headSha}\n`)}0000${pkt("done\n")}`;
        const res = await fetch(`${url(ref, null)}/git-upload-pack`, {
          method: "POST",
          headers: {
            ...auth,
            "content-type": "application/x-git-upload-pack-request",
            "content-encoding": "gzip",
          },
          body: gzipSync(wants),
        });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("application/x-git-upload-pack-result");
        const pack = Buffer.from(await res.arrayBuffer());
        expect(pack.subarray(0, 8).toString()).toBe("0008NAK\n");
        expect(pack.subarray(8, 12).toString()).toBe("PACK");

        for (const p of ["/info/refs", "/HEAD", "/objects/info/packs", "/info/refs?service=git-daemon"]) {
          const dumb = await fetch(`${url(ref, null)}${p}`, { headers: auth });
          expect(dumb.status, p).toBe(404);
        }

        const status = await new Promise<number>((resolve, reject) => {
          const req = http.request(`${url(ref, null)}/git-receive-pack`, {
            method: "POST",
            headers: {
              ...auth,
              "content-type": "application/x-git-receive-pack-request",
              "content-length": String(MAX_GIT_REQUEST_BYTES + 1),
            },
          });
          req.on("response", (r) => {
            resolve(r.statusCode ?? 0);
            req.destroy();
          });
          req.on("error", reject);
          req.flushHeaders();
        });
        expect(status).toBe(413);
      });

      it("answers 429 to an address that keeps sending credentials that open nothing, and still serves good ones", async () => {
        const bad = { authorization: `Basic ${Buffer.from("x:guessed-token").toString("base64")}` };
        const statuses: number[] = [];
        for (let i = 0; i < 40 && !statuses.includes(429); i++)
          statuses.push(
            (await fetch(`${url(ref, null)}/info/refs?service=git-upload-pack`, { headers: bad })).status,
          );
        expect(statuses.at(-1)).toBe(429);
        expect(new Set(statuses.slice(0, -1))).toEqual(new Set([404]));
        expect(
          (await git(root, "clone", "-q", url(ref, team.viewer.token), path.join(root, "after-429"))).ok,
        ).toBe(true);
      });
    });
  },
  300_000,
);
