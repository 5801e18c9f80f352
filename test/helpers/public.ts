import pino from "pino";
import { createApp } from "../../src/http/app.tsx";
import { reportFields } from "./actors.ts";
import type { TestDb } from "./db.ts";
import { formCookie } from "./http.ts";

/** The test server's public origin; browsers send it as Origin on same-site form posts. */
export const ORIGIN = "http://embargo.test";

export type App = ReturnType<typeof createApp>;

/** The app under test, with logs silenced. */
export function appFor(t: TestDb): App {
  return createApp(t.services, pino({ level: "silent" }));
}

export interface FormFile {
  filename: string;
  content: string | Uint8Array;
}

/** A multipart body as a browser builds it from the form, files under the "attachments" field. */
export function formData(fields: Record<string, string>, files: readonly FormFile[] = []): FormData {
  const fd = new FormData();
  for (const [name, value] of Object.entries(fields)) fd.append(name, value);
  for (const file of files) fd.append("attachments", new File([file.content as BlobPart], file.filename));
  return fd;
}

/** Posts a form the way a browser on our site does (with Origin), or with the given origin, or with none. */
export function postForm(
  app: App,
  path: string,
  body: FormData | URLSearchParams,
  origin: string | null = ORIGIN,
) {
  return app.request(path, { method: "POST", body, headers: origin ? { origin } : {} });
}

/** The form's fields for a valid report, as strings: the same report as the service tests use. */
export function formFields(overrides: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(reportFields(overrides)).map(([k, v]) => [k, String(v)]));
}

/** The token from a tracking URL such as http://embargo.test/r/<token>. */
export function tokenOf(trackingUrl: string): string {
  return new URL(trackingUrl).pathname.split("/r/")[1]!;
}

/** Decodes the few entities hono/jsx writes, so tests can compare typed text with what the page shows. */
export function unescapeHtml(html: string): string {
  return html
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Counts rows of a table, to show that a refused request stored nothing. */
export async function countRows(
  t: TestDb,
  table: "reports" | "messages" | "attachments" | "form_states",
): Promise<number> {
  const { sql } = await import("drizzle-orm");
  const result = (await t.database.db.execute(
    sql.raw(`select count(*)::int as n from ${table}`),
  )) as unknown as {
    rows: { n: number }[];
  };
  return Number(result.rows[0]!.n);
}

/** The tracking link a receipt page shows, or undefined when it shows none. */
export function trackingLinkOf(html: string): string | undefined {
  return /<code id="tracking-url" class="tracking-url">([^<]+)<\/code>/.exec(html)?.[1]?.trim();
}

/**
 * Follows the form's 303 to its one-time receipt, as a browser does, and returns the receipt page with the
 * tracking link and reference it shows. Fails loudly when the submission was not accepted.
 */
export async function followReceipt(app: App, res: Response) {
  const location = res.headers.get("location");
  if (res.status !== 303 || !location?.startsWith("/report/receipt/")) {
    throw new Error(`Expected a 303 to the receipt, got ${res.status}: ${(await res.text()).slice(0, 500)}`);
  }
  const page = await app.request(location);
  const html = await page.text();
  return {
    location,
    page,
    html,
    trackingUrl: trackingLinkOf(html),
    reference: /EMB-\d{4}-\d{4,}/.exec(html)?.[0],
  };
}

/**
 * Follows a refused report form's 303 back to /report?form=<id> as a browser does (with the form cookie the
 * redirect set) and returns the page that shows the errors and the kept values, once. Fails loudly otherwise.
 */
export async function followRefusal(app: App, res: Response) {
  const location = res.headers.get("location");
  if (res.status !== 303 || !location?.startsWith("/report?form=")) {
    throw new Error(
      `Expected a 303 back to the form, got ${res.status}: ${(await res.text()).slice(0, 500)}`,
    );
  }
  const cookie = formCookie(res);
  const page = await app.request(location, { headers: cookie ? { cookie } : {} });
  return { location, cookie, page, html: await page.text() };
}
