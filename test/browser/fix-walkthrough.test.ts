import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerVerificationRun } from "../../src/features/verifications/verifications.jobs.ts";
import { type Actor, makeTeam, reportFields } from "../helpers/actors.ts";
import {
  type LiveServer,
  launchChromium,
  SCREENSHOT_DIR,
  signInPage,
  startLiveServer,
} from "../helpers/browser.ts";
import { git } from "../helpers/fix-world.ts";

const OWASP_HIGH = "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9";
const RETURN = `  return read("/srv/backups/" + name);`;
const VULNERABLE = `export function download(name) {\n${RETURN}\n}\n`;
const GUARD = `  if (name.includes("..") || name.includes("/")) throw new Error("<bad name>");`;
const FIXED = `export function download(name) {\n${GUARD}\n${RETURN}\n}\n`;
const FIX_SUBJECT = "download: refuse names that leave the backup folder";
const WIDTHS = [1280, 390] as const;

/**
 * The fix issue end to end in Chromium with JavaScript off, and the system git where a person would use git: a
 * responder creates the report's fix repository from the report page, clones it over HTTP with their API token and
 * pushes a fix; a second member verifies the head; the reporter is invited, clones with their own token and says
 * the fix works; the team merges and tags the release upstream, verifies its tarball from the report page, and
 * releases. Screenshots at 1280 and 390 px land in test-results/screenshots/fix-walkthrough-*.png.
 */
describe("the fix walkthrough in Chromium", { timeout: 300_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let root = "";
  let work = "";
  let bare = "";
  let reference = "";
  let tracking = "";
  let head = "";

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    live = await startLiveServer("pglite");
    const t = live.t;
    team = await makeTeam(t);

    // The team's upstream: a local bare repository with the vulnerable download and a test.
    root = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-fix-walkthrough-"));
    work = path.join(root, "upstream-work");
    fs.mkdirSync(path.join(work, "src"), { recursive: true });
    await git(work, "init", "-q", "-b", "main");
    fs.writeFileSync(path.join(work, "src/download.js"), VULNERABLE);
    fs.writeFileSync(path.join(work, "README"), "The app.\n");
    await git(work, "add", "-A");
    await git(work, "commit", "-q", "-m", "Backups can be downloaded");
    bare = path.join(root, "upstream.git");
    await git(root, "clone", "-q", "--bare", work, bare);
    const repo = await t.services.repositories.register(team.admin.id, {
      name: "acme/app",
      upstreamUrl: bare,
    });
    const fetched = await t.services.repositories.fetch(repo.id);
    if (!fetched.ok) throw new Error(`The mirror did not fetch: ${fetched.error}`);

    // A report from the form, brought to Confirmed by Alice.
    const submitted = await t.services.reports.submit(
      reportFields({ title: "Path traversal in the backup download" }),
      [],
      "web",
    );
    reference = submitted.report.reference;
    tracking = `${live.url}/r/${submitted.token}`;
    for (const step of [
      { action: "acknowledge" },
      { action: "assign", assignee: team.alice.email },
      { action: "start_triage" },
      { action: "set_severity", owasp: OWASP_HIGH, reason: "Remote and unauthenticated." },
      { action: "confirm" },
    ])
      await t.services.reports.act(team.alice, submitted.report.id, step);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await live?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  /** The clone URL with a token as the Basic password, as a person pastes it into git. */
  const withToken = (url: string, token: string) => url.replace("http://", `http://x:${token}@`);

  /** Screenshots of `section` at 1280 and 390 px, after checking the page never scrolls sideways. */
  async function shots(page: Page, section: Locator, name: string) {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect.soft(scrollWidth, `${name} scrolls sideways at ${width} px`).toBeLessThanOrEqual(width);
      await section.screenshot({ path: path.join(SCREENSHOT_DIR, `fix-walkthrough-${name}-${width}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  async function memberPage(who: Actor): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: false,
    });
    const page = await signInPage(live, context, who);
    await page.goto(`${live.url}/reports/${reference}`);
    return page;
  }

  const state = (page: Page) => page.locator(".badge.state").first().textContent();

  it("1–2. a responder creates the fix repository, clones it with git, pushes a fix and sees it on the page", async () => {
    const page = await memberPage(team.alice);
    expect(await state(page)).toMatch(/Confirmed/);
    const form = page.locator("#action-create_fix_branch");
    await form.locator("select[name=repository]").selectOption({ label: "acme/app" });
    await form.getByRole("button", { name: "Create fix branch" }).click();
    await page.waitForURL(/done=create_fix_branch/);
    expect(await state(page)).toMatch(/Remediation/);
    const cloneUrl = await page.locator("#fix-clone-url").inputValue();
    expect(cloneUrl).toBe(`${live.url}/git/${reference}.git`);
    // The "fix repository" links on the page lead to one place: the panel.
    expect(await page.locator("[id=fix-repository]").count()).toBe(1);
    expect(await page.locator("section#fix-repository").textContent()).toContain(
      "No commits pushed yet: the branch is still at its base.",
    );

    const clone = path.join(root, "alice");
    const cloned = await git(root, "clone", "-q", withToken(cloneUrl, team.alice.token), clone);
    expect(cloned.ok, cloned.err).toBe(true);
    expect((await git(clone, "rev-parse", "--abbrev-ref", "HEAD")).out).toBe(`fix/${reference}`);
    fs.writeFileSync(path.join(clone, "src/download.js"), FIXED);
    await git(clone, "commit", "-qam", FIX_SUBJECT);
    head = (await git(clone, "rev-parse", "HEAD")).out;
    const pushed = await git(clone, "push", "-q", "origin", `HEAD:refs/heads/fix/${reference}`);
    expect(pushed.ok, pushed.err).toBe(true);

    await page.goto(`${live.url}/reports/${reference}`);
    const panel = page.locator("section#fix-repository");
    const text = (await panel.textContent()) ?? "";
    expect(text).toContain(FIX_SUBJECT);
    expect(text).toContain("Dev Eloper <dev@example.org>");
    expect(text).toContain("pushed by Alice");
    expect(text).toContain("Not verified");
    expect(await panel.locator(".diff-add").first().textContent()).toContain(GUARD.trim());
    // Alice pushed it, so the panel tells her someone else must verify it instead of offering the button.
    expect(await panel.getByRole("button", { name: /^Verify / }).count()).toBe(0);
    expect(await page.locator("#timeline, .timeline").first().textContent()).toContain(FIX_SUBJECT);
    await shots(page, panel, "01-pushed");
    await page.context().close();
  });

  it("3. a second member verifies the head from the panel, and the report is fix ready", async () => {
    const page = await memberPage(team.bob);
    const panel = page.locator("section#fix-repository");
    await panel.getByRole("button", { name: `Verify ${head.slice(0, 7)}` }).click();
    await page.waitForURL(/done=verify_fix/);
    expect(await page.locator("#done").textContent()).toContain("Your verification of the fix is recorded.");
    expect(await state(page)).toMatch(/Fix ready/);
    const text = (await panel.textContent()) ?? "";
    expect(text).toMatch(/Current\s+Bob verified/);
    await shots(page, panel, "02-verified");
    await page.context().close();
  });

  it("4. the responder invites the reporter, who reads the diff, clones with git and says it fixes it", async () => {
    const page = await memberPage(team.alice);
    await page.click("#consultation summary");
    await page.fill("#invite-message", "We now refuse names with .. or /. Could you check the fix?");
    await page.click("#action-invite_reporter_to_fix button[type=submit]");
    await page.waitForURL(/done=invite_reporter_to_fix/);
    expect(await page.locator("#consultation").textContent()).toContain("Invited, no answer yet");

    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: false,
    });
    const reporter = await context.newPage();
    await reporter.goto(tracking);
    const check = reporter.locator("#check-fix");
    expect(await check.textContent()).toContain("We now refuse names with .. or /.");
    expect(await check.locator(".diff-add").first().textContent()).toContain(GUARD.trim());
    await reporter.getByRole("button", { name: "Show clone access" }).click();
    const command = await reporter.locator("#fix-access-command").inputValue();
    const token = await reporter.locator("#fix-access-token").inputValue();
    expect(command).toBe(`git clone ${withToken(`${live.url}/git/${reference}.git`, token)}`);
    await shots(reporter, reporter.locator("#fix-access"), "04-clone-access");

    const [, , url] = command.split(" ");
    const mine = path.join(root, "reporter");
    const cloned = await git(root, "clone", "-q", url!, mine);
    expect(cloned.ok, cloned.err).toBe(true);
    expect(fs.readFileSync(path.join(mine, "src/download.js"), "utf8")).toBe(FIXED);
    // Read-only: the reporter's token fetches but never pushes.
    await git(mine, "commit", "-q", "--allow-empty", "-m", "reporter was here");
    const refused = await git(mine, "push", "-q", "origin", `HEAD:refs/heads/fix/${reference}`);
    expect(refused.ok).toBe(false);

    await reporter.click("text=Back to your report");
    expect(await check.locator("#clone-access-live").count()).toBe(1);
    await shots(reporter, check, "05-check-the-fix");
    await reporter.check("input[name=verdict][value=fixes]");
    await reporter.fill("#fix-comment", "Tried ../../etc/passwd and a/b with the clone: both refused now.");
    await reporter.click("button:has-text('Send my answer')");
    await reporter.waitForURL(/#messages/);
    expect(await reporter.locator("#fix-answers").textContent()).toContain("This fixes it");
    expect(await reporter.locator("#messages").textContent()).toContain("both refused now");
    await shots(reporter, check, "06-answered");
    await context.close();

    await page.goto(`${live.url}/reports/${reference}`);
    expect(await page.locator("#consultation-answers").textContent()).toContain("This fixes it");
    expect(await page.locator("#fix-disputed").count()).toBe(0);
    await shots(page, page.locator("#consultation"), "03-consultation");
    await page.context().close();
  });

  it("5–6. the team tags the release upstream, verifies its tarball from the page, and releases", async () => {
    // The maintainer merges the fix from Embargo's private repository into main upstream, and tags the release.
    const fetched = await git(
      work,
      "fetch",
      "-q",
      withToken(`${live.url}/git/${reference}.git`, team.alice.token),
      `fix/${reference}`,
    );
    expect(fetched.ok, fetched.err).toBe(true);
    const merged = await git(
      work,
      "merge",
      "-q",
      "--no-ff",
      "-m",
      "Merge the backup download fix",
      "FETCH_HEAD",
    );
    expect(merged.ok, merged.err).toBe(true);
    await git(work, "tag", "-a", "v1.0.1", "-m", "1.0.1");
    const published = await git(work, "push", "-q", bare, "main", "refs/tags/v1.0.1");
    expect(published.ok, published.err).toBe(true);
    const tarball = path.join(root, "app-1.0.1.tar.gz");
    const archived = await git(
      work,
      "archive",
      "--format=tar.gz",
      "--prefix=app-1.0.1/",
      "-o",
      tarball,
      "v1.0.1",
    );
    expect(archived.ok, archived.err).toBe(true);

    await registerVerificationRun({ jobs: live.t.jobs, verifications: live.t.services.verifications });
    const page = await memberPage(team.alice);
    const panel = page.locator("#verification");
    expect(await panel.textContent()).toContain("No release has been verified for this report yet.");
    await panel.locator("#verification-repository").selectOption("acme/app");
    await panel.locator("#verification-tag").fill("v1.0.1");
    expect(await panel.locator("#verification-reports").inputValue()).toBe(reference);
    await panel.locator("#verification-artifact").setInputFiles(tarball);
    await panel.getByRole("button", { name: "Verify the release" }).click();
    await page.waitForURL(/done=verification/);

    let status = "";
    for (let i = 0; i < 120; i++) {
      status = (await panel.locator("li .badge").first().textContent()) ?? "";
      if (!/Queued|Running/.test(status)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
      await page.reload();
    }
    expect(status).toBe("Passed");
    const text = (await panel.textContent()) ?? "";
    expect(text).toContain("acme/app v1.0.1");
    expect(text).toContain("Artifact app-1.0.1.tar.gz");
    const rows = panel.locator("tbody tr");
    const checks = await rows.allTextContents();
    expect(checks.find((r) => r.includes("Fix in tag"))).toMatch(/Pass/);
    expect(checks.find((r) => r.includes("Artifact file"))).toMatch(/src\/download\.js[\s\S]*Pass/);
    expect(checks.find((r) => r.includes("Tag signature"))).toMatch(/Warning/);
    await shots(page, panel, "07-verification");

    const release = page.locator("#action-release");
    await release.getByRole("button", { name: "Record the release" }).click();
    await page.waitForURL(/done=release/);
    expect(await state(page)).toMatch(/Released/);
    await page.context().close();
  });
});
