import pino from "pino";
import { createApp } from "../../src/http/app.tsx";
import type { TestDb } from "./db.ts";

/** The test server's public origin; browsers send it as Origin on same-site form posts. */
export const ORIGIN = "http://embargo.test";

export type App = ReturnType<typeof createApp>;

/** A signed-in browser: its session cookie and the CSRF token its pages carry. */
export interface Session {
  cookie: string;
  csrf: string;
}

/** The app under test, with logs silenced. */
export function appFor(t: TestDb): App {
  return createApp(t.services, pino({ level: "silent" }));
}

/** "embargo_session=<value>" from a response's Set-Cookie, or null when it sets none. */
export function sessionCookie(res: Response): string | null {
  const header = res.headers.get("set-cookie") ?? "";
  const match = /(?:^|,\s*)(embargo_session=[^;]*)/.exec(header);
  return match ? match[1]! : null;
}

/** The `_csrf` hidden input's value on a page. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]*)"/.exec(html);
  if (!match) throw new Error("The page has no _csrf field.");
  return match[1]!;
}

/** Form fields; a list sends the name once per value, as checkboxes do. */
export type Fields = Record<string, string | readonly string[]>;

function urlEncoded(fields: Fields): URLSearchParams {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of typeof value === "string" ? [value] : value) body.append(name, v);
  }
  return body;
}

/** Signs in through the login form and reads the CSRF token off the inbox, the way a browser gets both. */
export async function login(app: App, email: string, password: string): Promise<Session> {
  const res = await app.request("/login", {
    method: "POST",
    headers: { origin: ORIGIN },
    body: urlEncoded({ email, password }),
  });
  const cookie = sessionCookie(res);
  if (res.status !== 303 || !cookie) throw new Error(`Sign-in as ${email} failed with ${res.status}.`);
  const page = await app.request("/inbox", { headers: { cookie } });
  return { cookie, csrf: csrfOf(await page.text()) };
}

/** A GET as a browser with (or without) a session. */
export function get(app: App, path: string, session?: Session | null, headers: Record<string, string> = {}) {
  return app.request(path, { headers: { ...headers, ...(session ? { cookie: session.cookie } : {}) } });
}

export interface PostOptions {
  /** Override the CSRF field: null leaves it out; by default the session's token is sent. */
  csrf?: string | null;
  /** Override the Origin header: null leaves it out. */
  origin?: string | null;
  /** Send multipart/form-data with these files under "attachments". */
  files?: ReadonlyArray<{ filename: string; content: string | Uint8Array }>;
  multipart?: boolean;
}

/** A form POST as a browser on our site sends it: Origin, cookie and the `_csrf` field. */
export function post(
  app: App,
  path: string,
  session: Session | null,
  fields: Fields,
  options: PostOptions = {},
) {
  const csrf = options.csrf === undefined ? session?.csrf : options.csrf;
  const all: Fields = csrf === null || csrf === undefined ? { ...fields } : { _csrf: csrf, ...fields };
  const origin = options.origin === undefined ? ORIGIN : options.origin;
  const headers: Record<string, string> = {};
  if (origin) headers.origin = origin;
  if (session) headers.cookie = session.cookie;
  let body: FormData | URLSearchParams;
  if (options.multipart || options.files) {
    const fd = new FormData();
    for (const [name, value] of Object.entries(all)) {
      for (const v of typeof value === "string" ? [value] : value) fd.append(name, v);
    }
    for (const file of options.files ?? []) {
      fd.append("attachments", new File([file.content as BlobPart], file.filename));
    }
    body = fd;
  } else {
    body = urlEncoded(all);
  }
  return app.request(path, { method: "POST", headers, body });
}

/** "embargo_form=<value>" from a response's Set-Cookie: a browser without a session binds form states with it. */
export function formCookie(res: Response): string | null {
  const header = res.headers.get("set-cookie") ?? "";
  const match = /(?:^|,\s*)(embargo_form=[^;]*)/.exec(header);
  return match ? match[1]! : null;
}

/**
 * Follows a refused form's 303 as a browser does: a GET of the location with the session and any form cookie
 * the redirect set. Anything but a 303 fails the test with the status and the start of the body.
 */
export async function follow(app: App, res: Response, session?: Session | null, cookie?: string | null) {
  if (res.status !== 303) {
    throw new Error(`Expected a 303 redirect, got ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
  const cookies = [session?.cookie, cookie, formCookie(res)].filter(Boolean).join("; ");
  return app.request(res.headers.get("location")!, { headers: cookies ? { cookie: cookies } : {} });
}

/** Decodes the few entities hono/jsx writes, so tests can compare typed text with what a page shows. */
export function unescapeHtml(html: string): string {
  return html
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** The hidden `action` values of the forms on a report page: the actions it offers. */
export function offeredActions(html: string): string[] {
  return [...new Set([...html.matchAll(/name="action" value="([a-z_]+)"/g)].map((m) => m[1]!))];
}

/** The report references listed in the inbox table, in order: one per row, not the links inside a row. */
export function inboxReferences(html: string): string[] {
  return [...html.matchAll(/<td class="mono nowrap"><a href="\/reports\/(EMB-\d{4}-\d{4})">/g)].map(
    (m) => m[1]!,
  );
}

/** The standard team (admin, two responders, a viewer), each signed in through the login page. */
export async function signedInTeam(app: App, t: TestDb) {
  const { makeTeam } = await import("./actors.ts");
  const team = await makeTeam(t);
  const [admin, alice, bob, viewer] = await Promise.all(
    [team.admin, team.alice, team.bob, team.viewer].map((m) => login(app, m.email, m.password)),
  );
  return { team, admin: admin!, alice: alice!, bob: bob!, viewer: viewer! };
}
