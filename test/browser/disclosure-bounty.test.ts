import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reports } from "../../src/db/schema.ts";
import { makeActor, makeTeam, reportFields } from "../helpers/actors.ts";
import {
  type LiveServer,
  launchChromium,
  SCREENSHOT_DIR,
  screenshot,
  signInPage,
  startLiveServer,
} from "../helpers/browser.ts";

const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);

describe("disclosure and bounty sections in Chromium, without JavaScript", () => {
  let live: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    live = await startLiveServer("pglite");
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it("the reporter requests disclosure, answers a bounty offer and gives payout details; the team sees the panels", async () => {
    const t = live.t;
    const team = await makeTeam(t);
    const grace = await makeActor(t, "admin", "Grace");
    const { report, token } = await t.services.reports.submit(reportFields(), [], "web");
    await t.database.db.update(reports).set({ severity: "high" }).where(eq(reports.id, report.id));
    await t.services.bounties.setPolicy(team.admin, {
      currency: "EUR",
      ranges: { critical: { min: 300000, max: 1000000 }, high: { min: 100000, max: 300000 } },
      explorers: { ethereum: "https://etherscan.io/tx/{tx}" },
    });

    const ctx = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
    const reporter = await ctx.newPage();
    await reporter.goto(`${live.url}/r/${token}`);
    await reporter.fill("#disclosure-date", "2020-01-01");
    await reporter.getByRole("button", { name: "Send", exact: true }).click();
    expect(await reporter.locator("#disclosure .field-error").first().textContent()).toContain("after today");
    await reporter.fill("#disclosure-date", inDays(45));
    await reporter.fill("#disclosure-message", "I would like to present this at a conference.");
    await reporter.getByRole("button", { name: "Send", exact: true }).click();
    expect(await reporter.locator("#disclosure").textContent()).toContain("You requested disclosure on");

    const view = await t.services.disclosure.teamView(report.id);
    await t.services.disclosure.answer(team.alice, report.id, view.openRequestId!, {
      decision: "propose",
      date: inDays(60),
      reason: "The fix ships with 4.2; distributions need two weeks.",
    });
    const award = await t.services.bounties.propose(team.admin, report.id, {
      message: "Thank you for the careful report and the proof of concept.",
    });
    await t.services.bounties.act(grace, award.id, { action: "approve" });
    await t.services.bounties.act(team.admin, award.id, { action: "offer" });

    await reporter.reload();
    expect(await reporter.locator("#bounty").textContent()).toContain("EUR 1,000.00");
    await reporter.selectOption("#payout-method", "iban");
    await reporter.fill("#payout-address", "DE89370400440532013001");
    await reporter.getByRole("button", { name: "Save payout details" }).click();
    expect(await reporter.locator("#bounty .field-error").count()).toBeGreaterThan(0);
    await reporter.selectOption("#payout-method", "iban");
    await reporter.fill("#payout-address", "DE89370400440532013000");
    await reporter.getByRole("button", { name: "Save payout details" }).click();
    expect(await reporter.locator("#bounty").textContent()).toContain("…3000");
    await screenshot(reporter, "disclosure-bounty-tracking-1280");
    await reporter.setViewportSize({ width: 390, height: 844 });
    await screenshot(reporter, "disclosure-bounty-tracking-390");
    await reporter.setViewportSize({ width: 1280, height: 900 });
    await reporter.getByRole("button", { name: "Accept the proposed date" }).click();
    expect(await reporter.locator("#disclosure").textContent()).toContain("accepted the date");
    await reporter.getByRole("button", { name: "Accept", exact: true }).click();
    expect(await reporter.locator("#bounty").textContent()).toContain("Accepted by the reporter");

    const teamCtx = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
    const admin = await signInPage(live, teamCtx, team.admin);
    await admin.goto(`${live.url}/reports/${report.reference}`);
    expect(await admin.locator("#bounty").textContent()).toContain("DE89 3704 0044 0532 0130 00");
    await admin.fill("#paid-reference", "SEPA-2026-0042");
    await admin.getByRole("button", { name: "Record the payment" }).click();
    expect(await admin.locator("#bounty").textContent()).toContain("SEPA-2026-0042");
    expect(await admin.locator("#disclosure").textContent()).toContain(inDays(60));
    await admin.locator("#bounty").screenshot({ path: path.join(SCREENSHOT_DIR, "bounty-panel-1280.png") });
    await admin
      .locator("#disclosure")
      .screenshot({ path: path.join(SCREENSHOT_DIR, "disclosure-panel-1280.png") });
    await admin.setViewportSize({ width: 390, height: 844 });
    await admin.locator("#bounty").screenshot({ path: path.join(SCREENSHOT_DIR, "bounty-panel-390.png") });
    await ctx.close();
    await teamCtx.close();
  }, 180_000);
});
