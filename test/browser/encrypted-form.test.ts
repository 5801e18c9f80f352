import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeActor } from "../helpers/actors.ts";
import { type LiveServer, launchChromium, startLiveServer } from "../helpers/browser.ts";
import { raiseIntakeLimits } from "../helpers/intake-limits.ts";

const SHOTS = "/tmp/embargo-encrypted-form";

const TYPED = {
  title: "Password reset token leaks in Referer",
  description: "The reset page loads a third-party script, so the token in the URL leaks via Referer.",
  steps: "1. Request a reset.\n2. Open the link.\n3. Watch the request to cdn.example carry the token.",
  impact: "Account takeover of anyone who resets a password.",
  attachment: "HAR capture: GET https://cdn.example/x.js Referer: /reset?token=s3cr3t-reset-token",
};

async function fillForm(page: Page, steps = TYPED.steps) {
  await page.fill("#title", TYPED.title);
  await page.selectOption("#asset", { label: "Acme web app (https://app.acme.example)" });
  await page.fill("#description", TYPED.description);
  await page.fill("#steps", steps);
  await page.fill("#impact", TYPED.impact);
  await page.setInputFiles("#attachments", {
    name: "capture.txt",
    mimeType: "text/plain",
    buffer: Buffer.from(TYPED.attachment),
  });
}

/**
 * With JavaScript on, /static/js/encrypt-report.js encrypts the whole form, attachment included, with
 * OpenPGP.js served from our origin; the requests carry only ciphertext, and the team reads the plaintext.
 */
describe("the report form encrypts in Chromium with JavaScript on", { timeout: 180_000 }, () => {
  let live: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    live = await startLiveServer("pglite");
    await raiseIntakeLimits(live.t);
    const admin = await makeActor(live.t, "admin", "Admin");
    await live.t.services.assets.create(admin.id, {
      name: "Acme web app",
      identifier: "https://app.acme.example",
      kind: "web",
      inScope: true,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it("posts only ciphertext, and the team sees the plaintext report and attachment", async () => {
    const context = await browser.newContext({ javaScriptEnabled: true });
    const page = await context.newPage();
    const posts: Array<{ url: string; body: string }> = [];
    const origins: string[] = [];
    page.on("request", (r) => {
      origins.push(new URL(r.url()).origin);
      if (r.method() !== "GET") posts.push({ url: r.url(), body: r.postData() ?? "" });
    });
    await page.goto(`${live.url}/report`);
    await expect
      .poll(() => page.textContent("#encryption-note"), { timeout: 30_000 })
      .toMatch(/encrypted in your browser to our intake key \(fingerprint (?:[0-9A-F]{4} ){9}[0-9A-F]{4}\)/);
    await fillForm(page);
    await page.screenshot({ path: `${SHOTS}-filled.png`, fullPage: true });
    await page.getByRole("button", { name: "Send report" }).click();
    await page.waitForSelector("#tracking-url", { timeout: 60_000 });
    await page.screenshot({ path: `${SHOTS}-receipt.png`, fullPage: true });

    expect(posts.map((p) => new URL(p.url).pathname)).toEqual(["/report/encrypted"]);
    const body = posts[0]!.body;
    expect(body).toContain("-----BEGIN PGP MESSAGE-----");
    expect(Object.keys(JSON.parse(body)).sort()).toEqual(["altcha", "encrypted"]);
    for (const text of [
      ...Object.values(TYPED),
      Buffer.from(TYPED.attachment).toString("base64"),
      "capture.txt",
      "Password",
      "s3cr3t",
    ]) {
      expect(body).not.toContain(text);
    }
    expect(origins.every((o) => o === live.url)).toBe(true);

    const reference = (await page.textContent("#receipt strong.mono"))!.trim();
    expect(reference).toMatch(/^EMB-\d{4}-\d{4}$/);
    expect(((await page.textContent("#tracking-url")) ?? "").trim()).toMatch(/\/r\//);
    const view = await live.t.services.reports.teamView(reference);
    expect(view.title).toBe(TYPED.title);
    expect(view.description).toBe(TYPED.description);
    expect(view.steps).toBe(TYPED.steps);
    expect(view.impact).toBe(TYPED.impact);
    expect(view.attachments.map((a) => a.filename)).toEqual(["capture.txt"]);
    const file = await live.t.services.reports.attachmentForTeam(reference, view.attachments[0]!.id);
    expect(Buffer.from(file.data).toString()).toBe(TYPED.attachment);
    await context.close();
  });

  it("shows the server's field errors next to the fields, keeps what was typed, and sends after a fix", async () => {
    await raiseIntakeLimits(live.t, { minStepsLength: 120 });
    const context = await browser.newContext({ javaScriptEnabled: true });
    const page = await context.newPage();
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() !== "GET") posts.push(r.postData() ?? "");
    });
    await page.goto(`${live.url}/report`);
    await expect.poll(() => page.textContent("#encryption-note"), { timeout: 30_000 }).toMatch(/fingerprint/);
    await fillForm(page, "Open the reset link.");
    await page.getByRole("button", { name: "Send report" }).click();
    await page.waitForSelector("#steps-error", { timeout: 60_000 });
    await page.screenshot({ path: `${SHOTS}-errors.png`, fullPage: true });
    expect(await page.textContent("#steps-error")).toMatch(/120/);
    expect(await page.textContent("#error-summary")).toMatch(/Steps to reproduce: /);
    expect(await page.getAttribute("#steps", "aria-invalid")).toBe("true");
    expect(await page.inputValue("#title")).toBe(TYPED.title);
    expect(await page.inputValue("#description")).toBe(TYPED.description);
    expect(await page.inputValue("#steps")).toBe("Open the reset link.");
    expect(posts).toHaveLength(1);
    expect(posts[0]).not.toContain("Open the reset link.");

    // The spent challenge was replaced; fixing the steps sends the report.
    await page.fill("#steps", `${TYPED.steps}\n4. The token is in the CDN's access logs for ever.`);
    await page.getByRole("button", { name: "Send report" }).click();
    await page.waitForSelector("#tracking-url", { timeout: 60_000 });
    expect(await page.locator("#steps-error").count()).toBe(0);
    expect(posts).toHaveLength(2);
    expect(posts[1]).toContain("-----BEGIN PGP MESSAGE-----");
    await raiseIntakeLimits(live.t);
    await context.close();
  });

  it("falls back to the plain form, and says truthfully that it goes over plain HTTP, when OpenPGP.js cannot load", async () => {
    const context = await browser.newContext({ javaScriptEnabled: true });
    const page = await context.newPage();
    await page.route("**/static/vendor/**", (route) => route.abort());
    await page.goto(`${live.url}/report`);
    await expect
      .poll(() => page.textContent("#encryption-note"), { timeout: 30_000 })
      .toMatch(/not available .* sent unencrypted, over plain HTTP instead/);
    await page.screenshot({ path: `${SHOTS}-fallback.png`, fullPage: true });
    await fillForm(page);
    const posted = page.waitForRequest((r) => r.method() === "POST");
    await page.getByRole("button", { name: "Send report" }).click();
    const request = await posted;
    expect(new URL(request.url()).pathname).toBe("/report");
    expect(request.postData() ?? "").toContain('name="altcha"');
    await page.waitForSelector("#tracking-url", { timeout: 60_000 });
    await context.close();
  });
});
