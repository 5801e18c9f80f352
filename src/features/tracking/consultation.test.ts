import fs from "node:fs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeActor } from "../../../test/helpers/actors.ts";
import {
  HOSTILE_FIX_LINE,
  invitedReport,
  makeFixRepository,
  reportInRemediation,
} from "../../../test/helpers/consultation-world.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { follow, get, login } from "../../../test/helpers/http.ts";
import { type App, appFor, formData, postForm, unescapeHtml } from "../../../test/helpers/public.ts";
import { sha256Hex } from "../../crypto/tokens.ts";

describe.each(DB_KINDS)("the reporter checks the fix on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let alice: Actor;

  const rows = async (q: ReturnType<typeof sql>) =>
    ((await t.database.db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;
  const page = async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, html: await res.text(), headers: res.headers };
  };
  const tokensOf = (reportId: string) =>
    rows(sql`select * from fix_access_tokens where report_id = ${reportId} order by created_at, id`);
  const answersOf = (reportId: string) =>
    rows(sql`select * from fix_consultation_answers where report_id = ${reportId}`);
  const post = (
    path: string,
    fields: Record<string, string> = {},
    files: { filename: string; content: string }[] = [],
  ) => postForm(app, path, formData(fields, files));

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    alice = await makeActor(t, "responder", "Alice");
  });
  afterAll(async () => {
    await t?.close();
  });

  describe("without an invitation", () => {
    it("shows no code at all, even when a fix repository exists, and refuses clone access and answers", async () => {
      const report = await reportInRemediation(t, alice);
      await makeFixRepository(t, report, alice.id);
      const { status, html } = await page(`/r/${report.token}`);
      expect(status).toBe(200);
      expect(html).not.toContain("Check the fix");
      expect(html).not.toContain("download.js");
      expect(html).not.toContain("/git/");
      expect(html).not.toContain("/fix/access");

      for (const path of ["fix/access", "fix/answer", "fix/access/revoke"]) {
        const res = await post(`/r/${report.token}/${path}`, { verdict: "fixes", comment: "ok" });
        expect(res.status, path).toBe(path === "fix/access/revoke" ? 303 : 404);
      }
      expect(await tokensOf(report.id)).toEqual([]);
      expect(await answersOf(report.id)).toEqual([]);
    });

    it("answers an unknown link with the same 404", async () => {
      for (const path of ["fix/access", "fix/answer", "fix/access/revoke"]) {
        const res = await post(`/r/AAAAAAAAAAAAAAAAAAAAAA/${path}`, { verdict: "fixes" });
        expect(res.status).toBe(404);
        expect(await res.text()).toContain("There is nothing at this address.");
      }
    });
  });

  describe("after an invitation", () => {
    it("shows the team's message, the escaped diff of the fix branch and the clone URL", async () => {
      const report = await invitedReport(
        t,
        alice,
        "Please try <img src=x onerror=alert(1)> against the branch.",
      );
      const { html } = await page(`/r/${report.token}`);
      expect(html).toContain('id="check-fix"');
      expect(html).toContain("Please try &lt;img src=x onerror=alert(1)&gt; against the branch.");
      expect(html).toContain("download.js");
      expect(html).toContain('class="diff-add"');
      expect(html).not.toContain("<script>alert('fix')</script>");
      expect(unescapeHtml(html)).toContain(HOSTILE_FIX_LINE.trim());
      expect(html).toContain(`http://embargo.test/git/${report.reference}.git`);
      expect(html).toContain("Show clone access");
      expect(html).toContain("The security team invited you to check the fix");
    });

    it("says so when git cannot read the fix repository", async () => {
      const report = await invitedReport(t, alice);
      fs.rmSync(report.repo.dir, { recursive: true, force: true });
      const { status, html } = await page(`/r/${report.token}`);
      expect(status).toBe(200);
      expect(html).toContain('id="fix-diff-unavailable"');
      expect(html).toContain("The changes could not be read from the fix repository just now.");
    });

    it("shows a fix-access token once, stores only its hash, and replaces an earlier one", async () => {
      const report = await invitedReport(t, alice);
      const res = await post(`/r/${report.token}/fix/access`);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("location")).toBeNull();
      const html = await res.text();
      const token =
        /id="fix-access-token" class="mono" type="text" readonly="" value="([A-Za-z0-9_-]+)"/.exec(html)?.[1];
      expect(token).toBeDefined();
      expect(html).toContain(`git clone http://x:${token}@embargo.test/git/${report.reference}.git`);
      expect(html).toContain("it is shown only this once");

      const [row] = await tokensOf(report.id);
      expect(row).toMatchObject({
        kind: "reporter",
        token_hash: sha256Hex(token!),
        revoked_at: null,
        expires_at: null,
      });
      const stored = JSON.stringify(await rows(sql`select * from fix_access_tokens`));
      expect(stored).not.toContain(token!);
      const audit = JSON.stringify(
        await rows(sql`select data from audit_events where report_id = ${report.id}`),
      );
      expect(audit).not.toContain(token!);

      // The tracking page never shows it again; it says access is live.
      const again = await page(`/r/${report.token}`);
      expect(again.html).not.toContain(token!);
      expect(again.html).toContain('id="clone-access-live"');
      expect(again.html).toContain("Show new clone access");

      const second = await post(`/r/${report.token}/fix/access`);
      const secondToken = /readonly="" value="([A-Za-z0-9_-]+)"/.exec(await second.text())?.[1];
      expect(secondToken).not.toBe(token);
      const both = await tokensOf(report.id);
      expect(both).toHaveLength(2);
      expect(both.find((r) => r.token_hash === sha256Hex(token!))!.revoked_at).not.toBeNull();
      expect(both.find((r) => r.token_hash === sha256Hex(secondToken!))!.revoked_at).toBeNull();
      const events = await rows(
        sql`select data from audit_events where report_id = ${report.id} and action = 'fix_access.reporter_token_created' order by seq`,
      );
      expect(events.map((e) => (e.data as { replaced: number }).replaced)).toEqual([0, 1]);
    });

    it("lets the reporter revoke their clone access", async () => {
      const report = await invitedReport(t, alice);
      await post(`/r/${report.token}/fix/access`);
      const res = await post(`/r/${report.token}/fix/access/revoke`);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(`/r/${report.token}?revoked=1#check-fix`);
      const [row] = await tokensOf(report.id);
      expect(row!.revoked_at).not.toBeNull();
      const { html } = await page(`/r/${report.token}?revoked=1`);
      expect(html).toContain("Your clone access is revoked");
      expect(html).not.toContain('id="clone-access-live"');
      const [event] = await rows(
        sql`select actor_type, data from audit_events where report_id = ${report.id} and action = 'fix_access.reporter_token_revoked'`,
      );
      expect(event).toMatchObject({ actor_type: "reporter", data: { revoked: 1, by: "reporter" } });
    });

    it("takes 'This fixes it' with a comment and a file: a message, an answer, a timeline step and an alert", async () => {
      const report = await invitedReport(t, alice);
      const res = await post(
        `/r/${report.token}/fix/answer`,
        { verdict: "fixes", comment: "Tried ../ and %2e%2e/; both refused now." },
        [{ filename: "retest.txt", content: "HTTP/1.1 400" }],
      );
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(`/r/${report.token}#messages`);

      const [answer] = await answersOf(report.id);
      expect(answer).toMatchObject({ verdict: "fixes", head_sha: report.repo.headSha });
      const [message] = await rows(sql`select * from messages where id = ${answer!.message_id}`);
      expect(message).toMatchObject({ author_type: "reporter", visibility: "reporter" });
      expect(t.cipher.decryptText(String(message!.body_enc))).toBe(
        "This fixes it.\n\nTried ../ and %2e%2e/; both refused now.",
      );
      const files = await rows(
        sql`select filename from attachments where message_id = ${answer!.message_id}`,
      );
      expect(files.map((f) => f.filename)).toEqual(["retest.txt"]);
      const alerts = (await rows(sql`select data from pgboss.job where name = 'team-alert'`))
        .map((r) => (typeof r.data === "string" ? JSON.parse(r.data) : r.data) as Record<string, unknown>)
        .filter((d) => d.reportId === report.id && d.occurrence === answer!.message_id);
      expect(alerts).toEqual([
        expect.objectContaining({
          event: "reporter_replied",
          userIds: [alice.id],
          detail: "The reporter answered on the fix: this fixes it.",
        }),
      ]);

      const { html } = await page(`/r/${report.token}`);
      expect(html).toContain("You answered “This fixes it”");
      expect(html).toContain("You confirmed that the fix works");
      expect(html).toContain("retest.txt");
      const team = await t.services.reports.teamView(report.id);
      expect(team.consultation.status).toBe("confirmed");
      expect(team.timeline.map((e) => e.text)).toContain("The reporter checked the fix: this fixes it.");
    });

    it("takes 'This does not fix it' with a hostile comment and a file, shown escaped on both sides", async () => {
      const report = await invitedReport(t, alice);
      const hostile = `</textarea><script>alert("x")</script><img src=x onerror=alert(2)>`;
      const res = await post(`/r/${report.token}/fix/answer`, { verdict: "does_not_fix", comment: hostile }, [
        { filename: "<b>poc</b>.txt", content: "still 200" },
      ]);
      expect(res.status).toBe(303);
      const [answer] = await answersOf(report.id);
      expect(answer).toMatchObject({ verdict: "does_not_fix" });
      const { html } = await page(`/r/${report.token}`);
      expect(html).not.toContain("<script>alert");
      expect(html).toContain("&lt;/textarea&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
      expect(html).toContain("You said the fix does not fix it");
      const team = await t.services.reports.teamView(report.id);
      expect(team.consultation.status).toBe("disputed");
      const session = await login(app, alice.email, alice.password);
      const teamPage = await (await get(app, `/reports/${report.reference}`, session)).text();
      expect(teamPage).not.toContain("<script>alert");
      expect(teamPage).toContain("&lt;/textarea&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
      expect(teamPage).toContain("The reporter says the fix does not fix it");
    });

    it("refuses a 'does not fix' without a comment, and a missing verdict, keeping what was typed and storing nothing", async () => {
      const report = await invitedReport(t, alice);
      const messagesBefore = (await rows(sql`select id from messages where report_id = ${report.id}`)).length;
      const res = await post(`/r/${report.token}/fix/answer`, { verdict: "does_not_fix", comment: "" }, [
        { filename: "poc.txt", content: "x" },
      ]);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toMatch(new RegExp(`^/r/${report.token}\\?form=[^#]+#fix-answer$`));
      const shown = await (await follow(app, res)).text();
      expect(shown).toContain("Say what the fix misses, so the team can correct it.");
      expect(shown).toContain("Choose your files again");
      expect(shown).toMatch(/<input type="radio" name="verdict" value="does_not_fix" required="" checked=""/);
      expect(shown).toContain('aria-invalid="true"');

      const noVerdict = await post(`/r/${report.token}/fix/answer`, { verdict: "maybe", comment: "Hm." });
      const shownAgain = await (await follow(app, noVerdict)).text();
      expect(shownAgain).toContain("Choose “This fixes it” or “This does not fix it”.");
      expect(shownAgain).toContain("Hm.");

      expect(await answersOf(report.id)).toEqual([]);
      expect((await rows(sql`select id from messages where report_id = ${report.id}`)).length).toBe(
        messagesBefore,
      );
    });

    it("shows no code once the report is rejected", async () => {
      const report = await invitedReport(t, alice);
      await t.services.reports.act(alice, report.id, {
        action: "reject",
        reason: "wont_fix",
        message: "We will not fix this after all.",
      });
      const { html } = await page(`/r/${report.token}`);
      expect(html).not.toContain('id="check-fix"');
      expect(html).not.toContain("download.js");
      expect((await post(`/r/${report.token}/fix/access`)).status).toBe(303);
      expect(await tokensOf(report.id)).toEqual([]);
    });

    it("closes clone access and answers once the report is disclosed, while still showing the fix", async () => {
      const report = await invitedReport(t, alice);
      const bob = await makeActor(t, "responder", `Bob${kind}${Date.now()}`);
      const [fix] = await rows(sql`select id from fixes where report_id = ${report.id}`);
      await t.services.reports.act(bob, report.id, { action: "verify_fix", fix: String(fix!.id) });
      await t.services.reports.act(alice, report.id, { action: "release", verification: "passed" });
      await t.services.reports.act(alice, report.id, {
        action: "disclose",
        no_advisory_reason: "Internal tool.",
      });

      const { html } = await page(`/r/${report.token}`);
      expect(html).toContain('id="check-fix"');
      expect(html).toContain('id="clone-access-ended"');
      expect(html).not.toContain("Show clone access");
      expect(html).not.toContain(`action="/r/${report.token}/fix/answer"`);

      const access = await post(`/r/${report.token}/fix/access`);
      expect(access.status).toBe(303);
      const refused = await (await follow(app, access)).text();
      expect(refused).toContain("The fix can no longer be checked here: the report has moved on.");
      const answer = await post(`/r/${report.token}/fix/answer`, { verdict: "fixes", comment: "late" });
      expect(answer.status).toBe(303);
      expect(await tokensOf(report.id)).toEqual([]);
      expect(await answersOf(report.id)).toEqual([]);
    });
  });
});
