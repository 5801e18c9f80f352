import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { makeTeam } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { type FixRepoFixture, makeFixRepo, reportInRemediation } from "../../../test/helpers/fix-repo.ts";
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
import { transaction } from "../../core/db.ts";

/** The fix repository panel's HTML on a report page. */
function panelOf(html: string): string {
  const start = html.indexOf('id="fix-repository"');
  if (start < 0) return "";
  return html.slice(start, html.indexOf("</section>", html.indexOf('id="fix-repository-heading"')));
}

describe.each(DB_KINDS)("the report page's fix repository panel on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let alice: Session;
  let bob: Session;
  let viewer: Session;
  let report: { id: string; reference: string };
  let repo: FixRepoFixture;
  let head: string;

  const page = async (session: Session) => {
    const res = await get(app, `/reports/${report.reference}`, session);
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ team, alice, bob, viewer } = await signedInTeam(app, t));
    report = await reportInRemediation(t, team.alice);
    repo = await makeFixRepo(t, {
      reportId: report.id,
      reference: report.reference,
      createdBy: team.alice.id,
      base: { "src/comment.js": "export const preview = (body) => '<div>' + body + '</div>';\n" },
    });
    head = await repo.push({
      files: {
        "src/comment.js":
          "export const preview = (body) => '<div>' + escape(body) + '</div>'; // <script>alert(1)</script>\n",
      },
      subject: "Escape the preview <img src=x onerror=alert(2)>",
      author: { name: "Mallory <b>bold</b>", email: "mallory@example.net" },
      pushedBy: team.alice.id,
    });
  });
  afterAll(async () => {
    repo?.cleanup();
    await t?.close();
  });

  it("shows the branch, its head and base, the clone URL, the commit and the escaped diff", async () => {
    const html = await page(bob);
    const panel = panelOf(html);
    expect(panel).toContain("Fix repository");
    expect(panel).toContain(`value="http://embargo.test/git/${report.reference}.git"`);
    expect(panel).toContain(`fix/${report.reference}`);
    expect(panel).toContain(`<code class="sha" title="${head}">${head.slice(0, 7)}</code>`);
    expect(panel).toContain(`title="${repo.baseSha}"`);
    // Subject, author line and diff are text: escaped, never markup.
    expect(html).not.toContain("<img src=x onerror=alert(2)>");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("<b>bold</b>");
    expect(panel).toContain("Escape the preview &lt;img src=x onerror=alert(2)&gt;");
    expect(panel).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(panel).toContain(
      "Mallory &lt;b&gt;bold&lt;/b&gt; &lt;mallory@example.net&gt;</span> · pushed by Alice",
    );
    expect(unescapeHtml(panel)).toContain("· 1 file");
    expect(panel).toMatch(/<tr class="diff-add">[\s\S]*escape\(body\)/);
    expect(panel).toContain("Not verified");
  });

  it("offers a second member a JS-free form to verify the head by its SHA", async () => {
    const panel = panelOf(await page(bob));
    expect(panel).toContain(`<form method="post" action="/reports/${report.reference}/actions"`);
    expect(panel).toContain(`name="fix" value="${head}"`);
    expect(panel).toContain(`Verify ${head.slice(0, 7)}`);
  });

  it("shows the pusher and a viewer why they cannot verify instead of the form", async () => {
    const mine = unescapeHtml(panelOf(await page(alice)));
    expect(mine).not.toContain(`name="fix" value="${head}"`);
    expect(mine).toContain("You pushed this commit, so you cannot verify it; another team member must.");
    const viewers = unescapeHtml(panelOf(await page(viewer)));
    expect(viewers).not.toContain('name="fix"');
    expect(viewers).toContain("Only responders and admins verify fixes; viewers read them.");
  });

  it("records the verification through the form (303) and shows it as current, with the SHA on the timeline", async () => {
    const res = await post(app, `/reports/${report.reference}/actions`, bob, {
      action: "verify_fix",
      fix: head,
    });
    expect(res.status).toBe(303);
    const html = unescapeHtml(await (await follow(app, res, bob)).text());
    expect(html).toContain("Your verification of the fix is recorded.");
    expect((await t.services.reports.teamView(report.id)).state).toBe("fix_ready");
    const panel = panelOf(html);
    expect(panel).toMatch(/Current<\/span> Bob verified <code class="sha"[^>]*>[0-9a-f]{7}<\/code>/);
    expect(panel).toContain("You have already verified this fix");
    expect(html).toContain(
      `Commit ${head} (head of fix/${report.reference}) verified internally; state is now Fix ready.`,
    );
  });

  it("marks the verification stale once the branch moves, and names the new head to verify", async () => {
    const next = await repo.push({
      files: { "src/comment.js": "export const preview = (body) => '<p>' + escape(body) + '</p>';\n" },
      subject: "Use a paragraph",
      pushedBy: team.alice.id,
    });
    await transaction(t.services.db, (tx) => t.services.reports.reassessFixReadyInTx(tx, report.id));
    const html = unescapeHtml(await page(bob));
    const panel = panelOf(html);
    expect(panel).toContain("Stale</span> Bob verified");
    expect(panel).toContain("— the branch moved past it");
    expect(panel).toContain(`Verify ${next.slice(0, 7)}`);
    expect(html).toContain("The verification went stale");
    expect(html).toContain("Stale verification");
  });

  it("says so when git cannot read the diff, and still shows the rest", async () => {
    fs.rmSync(repo.dir, { recursive: true, force: true });
    const panel = unescapeHtml(panelOf(await page(bob)));
    expect(panel).toContain("is not shown: the fix repository could not be read. Clone the fix repository");
    expect(panel).toContain("Use a paragraph");
    expect(panel).not.toContain(t.services.deps.gitDir);
  });

  it("gives the id fix-repository to the panel alone, where the page's links to it lead", async () => {
    const html = await page(alice);
    expect(html.split('id="fix-repository"')).toHaveLength(2);
    expect(html).toContain('<section class="card" id="fix-repository"');
    // The actions no longer repeat the clone URL: the panel is the one place that shows it.
    expect(html).not.toContain('id="fix-repository-hint"');
    expect(html).toContain('id="fix-clone-url"');
  });

  it("shows no panel for a report without a fix repository", async () => {
    const other = await reportInRemediation(t, team.alice, { title: "Another report without a fix" });
    const res = await get(app, `/reports/${other.reference}`, bob);
    expect(await res.text()).not.toContain('id="fix-repository"');
  });
});
