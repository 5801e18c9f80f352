import fs from "node:fs";
import path from "node:path";
import { serve } from "@hono/node-server";
import pino from "pino";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { createApp } from "../../src/http/app.tsx";
import { createTestDb, type DbKind, type TestDb } from "./db.ts";
import { freePort } from "./net.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, "../../test-results/screenshots");

/** Debian's Chromium with the flags this closed network needs; never a downloaded browser. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Browser tests need Chromium at ${CHROMIUM}: run 'apt-get install -y chromium' (bash .ci/run does).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
    ],
  });
}

export interface LiveServer {
  url: string;
  t: TestDb;
  close(): Promise<void>;
}

/** Embargo on a real loopback socket over a fresh database, with PUBLIC_URL matching the socket. */
export async function startLiveServer(kind: DbKind = "pglite"): Promise<LiveServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await createTestDb(kind, { publicUrl: url });
  t.clock.set(new Date());
  const app = createApp(t.services, pino({ level: "silent" }));
  const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return {
    url,
    t,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}

/** Signs a team member in through the login page in a new tab of `context`; the tab ends on the inbox. */
export async function signInPage(
  live: LiveServer,
  context: BrowserContext,
  who: { email: string; password: string },
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${live.url}/login`);
  await page.fill("#login-email", who.email);
  await page.fill("#login-password", who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/inbox/);
  return page;
}

/** A full-page screenshot in test-results/screenshots, to be looked at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
