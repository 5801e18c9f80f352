import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailDeliveryHandler } from "../../src/features/outbox/outbox.jobs.ts";
import { createMailTransport } from "../../src/mail/transport.ts";
import { type Actor, makeActor, reportFields } from "../helpers/actors.ts";
import {
  type LiveServer,
  launchChromium,
  SCREENSHOT_DIR,
  screenshot,
  signInPage,
  startLiveServer,
} from "../helpers/browser.ts";
import { type Gpg, gpgKey, MEMBER_PRIVATE_KEY, MEMBER_PUBLIC_KEY, makeGpg } from "../helpers/pgp.ts";
import { insertRelease } from "../helpers/release-rows.ts";
import { startSmtp, type TestSmtp } from "../helpers/smtp.ts";

/**
 * Pre-notification in Chromium with JavaScript off: a recipient follows their personal link and confirms, and a
 * viewer reads the release's recipients (sent, failed with the reason, acknowledged) at desktop and phone width.
 */
describe("pre-notification pages in Chromium", { timeout: 120_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let smtp: TestSmtp;
  let gpg: Gpg;
  let viewer: Actor;
  let releaseId: string;
  let ackPath: string;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    live = await startLiveServer("pglite");
    const t = live.t;
    const admin = await makeActor(t, "admin", "Ada");
    viewer = await makeActor(t, "viewer", "Vera");
    smtp = await startSmtp();
    gpg = makeGpg();
    gpg.run(["--import"], MEMBER_PRIVATE_KEY);
    await t.services.keys.ensureIntakeKey();
    gpg.run(["--import"], (await t.services.keys.intakeOverview()).current.publicArmored);
    // A key valid today and expired by the pre-notification time two days from now.
    const tomorrow = new Date(t.clock().getTime() + 86_400_000).toISOString().slice(0, 10);
    const expiring = gpgKey(gpg, "Old Key <old-key@distro.example>", { expire: tomorrow });
    const { report } = await t.services.reports.submit(reportFields(), [], "web");
    const list = await t.services.notifications.create(admin.id, {
      name: "Distributions",
      mode: "imminent",
      members: [
        { name: "Test Member", email: "member@example.org", pgpKey: MEMBER_PUBLIC_KEY },
        { name: "Old Key", email: "old-key@distro.example", pgpKey: expiring.publicArmored },
      ],
    });
    const prenotifyAt = new Date(t.clock().getTime() + 2 * 86_400_000);
    releaseId = await insertRelease(t, {
      version: "3.1.4",
      createdBy: admin.id,
      publishAt: new Date(prenotifyAt.getTime() + 86_400_000),
      prenotifyAt,
      reportIds: [report.id],
      listIds: [list.id],
    });
    t.clock.set(prenotifyAt);
    expect(await t.services.prenotify.runDue({ releaseId, prenotifyAt: prenotifyAt.toISOString() })).toBe(
      "sent",
    );
    const deliver = createMailDeliveryHandler({
      db: t.database.db,
      transport: createMailTransport(`smtp://127.0.0.1:${smtp.port}`, "security@embargo.test"),
      clock: t.clock,
      publicHost: "embargo.test",
      cipher: t.services.deps.cipher,
      keys: t.services.keys,
      onOutcome: (tx, source, outcome) => t.services.prenotify.recordDelivery(tx, source, outcome),
    });
    const jobs = (await t.database.db.execute(
      sql`select data from pgboss.job where name = 'mail-deliver' and data->'source'->>'kind' = 'prenotification'`,
    )) as unknown as { rows: { data: unknown }[] };
    for (const job of jobs.rows) await deliver(job.data);
    expect(smtp.mails).toHaveLength(1);
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(smtp.mails[0]!)![0];
    const out = path.join(gpg.home, "notice.txt");
    gpg.run(["--passphrase", "", "--yes", "--output", out, "--decrypt"], armored.replace(/\r\n/g, "\n"));
    const text = fs.readFileSync(out, "utf8").replace(/=\r?\n/g, "");
    ackPath = /\/prenotify\/ack\/[A-Za-z0-9_-]{22}/.exec(text)![0];
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    gpg?.close();
    await smtp?.close();
    await live?.close();
  });

  it("a recipient confirms receipt through their link with JavaScript off; a GET alone records nothing", async () => {
    const acknowledged = async () =>
      (await live.t.services.prenotify.forRelease(releaseId)).recipients.some(
        (r) => r.status === "acknowledged",
      );
    for (const [width, height, name] of [
      [390, 844, "phone"],
      [1280, 900, "desktop"],
    ] as const) {
      const context = await browser.newContext({ viewport: { width, height }, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${live.url}${ackPath}`);
      expect(await page.locator("h1").textContent()).toBe("Confirm receipt");
      await screenshot(page, `prenotify-ack-${name}`);
      expect(await acknowledged()).toBe(false);
      if (name === "desktop") {
        await page.getByRole("button", { name: "I received the pre-notification" }).click();
        await page.waitForURL(/\/prenotify\/ack\/thanks$/);
        expect(await page.locator("h1").textContent()).toBe("Thank you");
        await screenshot(page, "prenotify-ack-thanks-desktop");
        expect(await acknowledged()).toBe(true);
        await page.goto(`${live.url}${ackPath}`);
        expect(await page.locator("h1").textContent()).toBe("Already confirmed");
      }
      await context.close();
    }
  });

  it("a viewer reads each recipient's status on the release's pre-notification page", async () => {
    for (const [width, height, name] of [
      [1280, 900, "desktop"],
      [390, 844, "phone"],
    ] as const) {
      const context = await browser.newContext({ viewport: { width, height }, javaScriptEnabled: false });
      const page = await signInPage(live, context, viewer);
      await page.goto(`${live.url}/releases/${releaseId}/prenotifications`);
      const table = (await page.locator("table").textContent()) ?? "";
      expect(table).toContain("Acknowledged");
      expect(table).toMatch(/Not sent: the OpenPGP key [0-9A-F ]{49} expired/);
      await screenshot(page, `prenotify-recipients-${name}`);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth).toBeLessThanOrEqual(width);
      await context.close();
    }
  });
});
