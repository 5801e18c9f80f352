import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACTORS,
  type ActorName,
  type Credentials,
  GUESSED_LINK,
  SECRET_TITLE_A,
  seedWorld,
  stateDigest,
  type World,
} from "../helpers/authz-world.ts";
import { type LiveServer, startLiveServer } from "../helpers/browser.ts";
import { DB_KINDS } from "../helpers/db.ts";
import { appFor } from "../helpers/http.ts";
import { MEMBER_PUBLIC_KEY } from "../helpers/pgp.ts";

/**
 * The authorization matrix: every route the router knows, tried by six actors over real HTTP, with the answer
 * each one must get written below. A route added to the app without a row here fails the first test by name.
 *
 * The actors: anonymous (nothing); reporter B, who holds its own tracking link and tries it everywhere (in the
 * path of the reporter's pages, as a session cookie and as a bearer token); a viewer, a responder and an admin
 * (session cookie and CSRF token on pages, their API token on /api); and "revoked", an admin's API token after
 * revocation together with an admin's session cookie after sign-out. Paths are filled with report A's resources.
 *
 * Refused cells run first, all of them, and must leave every stored row as it was. Then the allowed cells run:
 * reads at once, writes one at a time in table order, each with valid input where the route changes something.
 */

/** A status, or a redirect status with the start of its Location. */
type Expect = number | `${301 | 303} ${string}`;
/** A refused page read: the browser is sent to sign in, and back here afterwards. */
const LOGIN: Expect = "303 /login?next=";
/** Signing out: to the sign-in page, with nowhere to return to. */
const SIGNED_OUT: Expect = "303 /login";
const INBOX: Expect = "303 /inbox";

interface Row {
  route: string;
  /** The URL path for an actor; `link` is the tracking token the actor holds, or one it can only guess. */
  url: (w: World, actor: ActorName | "holder", link: string) => string;
  form?: (w: World, actor: ActorName | "holder") => Record<string, string>;
  json?: (w: World) => unknown;
  expect: Record<ActorName, Expect>;
  /** For capability links: what report A's own reporter gets, proving the route works for its holder. */
  holder?: Expect;
  /** Runs after every other write, lowest first: removing one's own key and signing out end what others need. */
  runLast?: 1 | 2;
  /**
   * What a refused actor gets for a made-up id where that differs by design. Only for members refused over
   * ownership, never for strangers: they must not learn whether anything exists.
   */
  madeUp?: Partial<Record<"viewer" | "responder", Expect>>;
}

const r = (
  route: string,
  url: Row["url"],
  expect: [Expect, Expect, Expect, Expect, Expect, Expect],
  extra: Partial<Omit<Row, "route" | "url" | "expect">> = {},
): Row => ({
  route,
  url,
  expect: Object.fromEntries(ACTORS.map((a, i) => [a, expect[i]!])) as Row["expect"],
  ...extra,
});

const fixed = (path: string) => () => path;
/** Report A's held mail and pending keys: the responder and the admin each decide their own, so both succeed. */
const decision = (w: World, actor: string, kind: "held" | "key", verb: "accept" | "dismiss") =>
  w.a.mail[kind][verb][actor === "admin" ? 1 : 0]!;
const CVSS = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";

//                                                      anonymous otherReporter viewer responder admin revoked
const MATRIX: Row[] = [
  // Public pages and files ----------------------------------------------------------------------------------
  r("GET /static/*", fixed("/static/js/htmx.min.js"), [200, 200, 200, 200, 200, 200]),
  r("GET /healthz", fixed("/healthz"), [200, 200, 200, 200, 200, 200]),
  r("GET /", fixed("/"), [200, 200, 200, 200, 200, 200]),
  r("GET /.well-known/security.txt", fixed("/.well-known/security.txt"), [200, 200, 200, 200, 200, 200]),
  r("GET /security.txt", fixed("/security.txt"), [
    "301 /.well-known/security.txt",
    "301 /.well-known/security.txt",
    "301 /.well-known/security.txt",
    "301 /.well-known/security.txt",
    "301 /.well-known/security.txt",
    "301 /.well-known/security.txt",
  ]),
  r("GET /hall-of-fame", fixed("/hall-of-fame"), [200, 200, 200, 200, 200, 200]),
  r("GET /keys", fixed("/keys"), [200, 200, 200, 200, 200, 200]),
  r("GET /keys/intake.asc", fixed("/keys/intake.asc"), [200, 200, 200, 200, 200, 200]),
  r("GET /keys/:file", (w) => `/keys/${w.memberKeyFile}`, [200, 200, 200, 200, 200, 200]),
  r(
    "GET /.well-known/openpgpkey/hu/:hash",
    (w) => `/.well-known/openpgpkey/hu/${w.wkdHash}`,
    [200, 200, 200, 200, 200, 200],
  ),
  r(
    "GET /.well-known/openpgpkey/policy",
    fixed("/.well-known/openpgpkey/policy"),
    [200, 200, 200, 200, 200, 200],
  ),
  r("GET /api/openapi.json", fixed("/api/openapi.json"), [200, 200, 200, 200, 200, 200]),

  // The public report form and API: open to all; an empty submission is refused as input, by everyone alike.
  r("GET /report", fixed("/report"), [200, 200, 200, 200, 200, 200]),
  r("POST /report", fixed("/report"), [400, 400, 400, 400, 400, 400], { form: () => ({}) }),
  r("POST /report/encrypted", fixed("/report/encrypted"), [400, 400, 400, 400, 400, 400], {
    json: () => ({}),
  }),
  r("POST /api/v1/reports", fixed("/api/v1/reports"), [400, 400, 400, 400, 400, 400], { json: () => ({}) }),

  // The reporter's side: the link is the credential. Nobody but its holder reaches report A through it.
  r("GET /r/recover", fixed("/r/recover"), [200, 200, 200, 200, 200, 200]),
  r("POST /r/recover", fixed("/r/recover"), [200, 200, 200, 200, 200, 200], {
    form: () => ({ email: "nobody@example.net" }),
  }),
  r("GET /r/:token", (_w, _a, link) => `/r/${link}`, [404, 200, 404, 404, 404, 404], { holder: 200 }),
  r(
    "POST /r/:token/messages",
    (_w, _a, link) => `/r/${link}/messages`,
    [404, "303 /r/", 404, 404, 404, 404],
    {
      form: () => ({ body: "One more detail about the bug." }),
      holder: "303 /r/",
    },
  ),
  r(
    "GET /r/:token/attachments/:id",
    (w, _a, link) => `/r/${link}/attachments/${w.a.attachmentId}`,
    [404, 404, 404, 404, 404, 404],
    { holder: 200 },
  ),

  // Signing in and out, and the first-admin setup link (stale: an admin exists, so it is dead for everyone).
  r("GET /login", fixed("/login"), [200, 200, INBOX, INBOX, INBOX, 200]),
  r("POST /login", fixed("/login"), [401, 401, 401, 401, 401, 401], {
    form: () => ({ email: "nobody@example.net", password: "not-the-password" }),
  }),
  r("POST /logout", fixed("/logout"), [401, 401, SIGNED_OUT, SIGNED_OUT, SIGNED_OUT, 401], {
    form: () => ({}),
    runLast: 2,
  }),
  r("GET /setup/:token", (w) => `/setup/${w.staleSetupToken}`, [404, 404, 404, 404, 404, 404]),
  r("POST /setup/:token", (w) => `/setup/${w.staleSetupToken}`, [404, 404, 404, 404, 404, 404], {
    form: () => ({
      email: "intruder@example.net",
      name: "Intruder",
      password: "intruder-password-long",
      passwordConfirm: "intruder-password-long",
    }),
  }),

  // The team's report pages.
  r("GET /inbox", fixed("/inbox"), [LOGIN, LOGIN, 200, 200, 200, LOGIN]),
  r("GET /reports/:ref", (w) => `/reports/${w.a.ref}`, [LOGIN, LOGIN, 200, 200, 200, LOGIN]),
  r("GET /reports/:ref/attachments/:id", (w) => `/reports/${w.a.ref}/attachments/${w.a.attachmentId}`, [
    LOGIN,
    LOGIN,
    200,
    200,
    200,
    LOGIN,
  ]),
  r("GET /reports/:ref/owasp-preview", (w) => `/reports/${w.a.ref}/owasp-preview`, [
    LOGIN,
    LOGIN,
    200,
    200,
    200,
    LOGIN,
  ]),
  r("GET /reports/:ref/cvss-calc", (w) => `/reports/${w.a.ref}/cvss-calc`, [
    LOGIN,
    LOGIN,
    200,
    200,
    200,
    LOGIN,
  ]),
  r("GET /reports/:ref/templates/:id/render", (w) => `/reports/${w.a.ref}/templates/${w.templateId}/render`, [
    LOGIN,
    LOGIN,
    403,
    200,
    200,
    LOGIN,
  ]),
  r(
    "POST /reports/:ref/messages",
    (w) => `/reports/${w.a.ref}/messages`,
    [401, 401, 403, "303 /reports/", "303 /reports/", 401],
    {
      form: () => ({ body: "Reproduced on staging.", visibility: "internal" }),
    },
  ),
  r(
    "POST /reports/:ref/actions",
    (w) => `/reports/${w.a.ref}/actions`,
    [401, 401, 403, "303 /reports/", "303 /reports/", 401],
    {
      form: () => ({ action: "set_severity", method: "cvss", cvss: CVSS, intent: "save" }),
    },
  ),
  r(
    "POST /reports/:ref/mail/:id/accept",
    (w, a) => `/reports/${w.a.ref}/mail/${decision(w, a, "held", "accept")}/accept`,
    [401, 401, 403, "303 /reports/", "303 /reports/", 401],
    { form: () => ({}) },
  ),
  r(
    "POST /reports/:ref/mail/:id/dismiss",
    (w, a) => `/reports/${w.a.ref}/mail/${decision(w, a, "held", "dismiss")}/dismiss`,
    [401, 401, 403, "303 /reports/", "303 /reports/", 401],
    { form: () => ({}) },
  ),
  r(
    "POST /reports/:ref/mail/:id/key/accept",
    (w, a) => `/reports/${w.a.ref}/mail/${decision(w, a, "key", "accept")}/key/accept`,
    [401, 401, 403, "303 /reports/", "303 /reports/", 401],
    { form: () => ({}) },
  ),
  r(
    "POST /reports/:ref/mail/:id/key/dismiss",
    (w, a) => `/reports/${w.a.ref}/mail/${decision(w, a, "key", "dismiss")}/key/dismiss`,
    [401, 401, 403, "303 /reports/", "303 /reports/", 401],
    { form: () => ({}) },
  ),

  // The JSON API: bearer tokens only.
  r("GET /api/v1/reports", fixed("/api/v1/reports"), [401, 401, 200, 200, 200, 401]),
  r("GET /api/v1/reports/:id", (w) => `/api/v1/reports/${w.a.id}`, [401, 401, 200, 200, 200, 401]),
  r(
    "POST /api/v1/reports/:id/messages",
    (w) => `/api/v1/reports/${w.a.id}/messages`,
    [401, 401, 403, 201, 201, 401],
    {
      json: () => ({ body: "Fixed in the next build.", visibility: "internal" }),
    },
  ),
  r(
    "POST /api/v1/reports/:id/actions",
    (w) => `/api/v1/reports/${w.a.id}/actions`,
    [401, 401, 403, 200, 200, 401],
    {
      json: () => ({ action: "set_severity", cvss: CVSS }),
    },
  ),

  // A member's own pages.
  r("GET /account/tokens", fixed("/account/tokens"), [LOGIN, LOGIN, 200, 200, 200, LOGIN]),
  r("POST /account/tokens", fixed("/account/tokens"), [401, 401, 201, 201, 201, 401], {
    form: () => ({ label: "matrix", expiresDays: "30" }),
  }),
  r(
    "POST /account/tokens/:id/revoke",
    (w) => `/account/tokens/${w.spareAdminToken.id}/revoke`,
    [401, 401, 403, 403, "303 /account/tokens", 401],
    // Token ids are random and shown only to their owner and admins; the refusal says whose token it is not.
    { form: () => ({}), madeUp: { viewer: 404, responder: 404 } },
  ),
  r("GET /account/key", fixed("/account/key"), [LOGIN, LOGIN, 200, 200, 200, LOGIN]),
  r(
    "POST /account/key",
    fixed("/account/key"),
    [401, 401, "303 /account/key", "303 /account/key", "303 /account/key", 401],
    {
      form: () => ({ key: MEMBER_PUBLIC_KEY }),
    },
  ),
  r(
    "POST /account/key/remove",
    fixed("/account/key/remove"),
    [401, 401, "303 /account/key", "303 /account/key", "303 /account/key", 401],
    {
      form: () => ({}),
      runLast: 1,
    },
  ),
  r("GET /account/availability", fixed("/account/availability"), [LOGIN, LOGIN, 403, 200, 200, LOGIN]),
  r(
    "POST /account/availability",
    fixed("/account/availability"),
    [401, 401, 403, "303 /account/availability", "303 /account/availability", 401],
    {
      form: () => ({ timeZone: "Europe/Berlin", hours: "any" }),
    },
  ),
  r("GET /account/alerts", fixed("/account/alerts"), [LOGIN, LOGIN, 200, 200, 200, LOGIN]),
  r(
    "POST /account/alerts",
    fixed("/account/alerts"),
    [401, 401, "303 /account/alerts", "303 /account/alerts", "303 /account/alerts", 401],
    {
      form: () => ({ email: "true" }),
    },
  ),

  // Admin pages: admins only; responders and viewers are refused with 403.
  r("GET /admin/team", fixed("/admin/team"), [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/team", fixed("/admin/team"), [401, 401, 403, 403, "303 /admin/team", 401], {
    form: () => ({ email: "nell@example.org", name: "Nell", role: "viewer", password: "nell-password-long" }),
  }),
  r(
    "POST /admin/team/:id",
    (w) => `/admin/team/${w.spareMemberId}`,
    [401, 401, 403, 403, "303 /admin/team", 401],
    {
      form: () => ({ name: "Sam", role: "responder", active: "true" }),
    },
  ),
  r(
    "POST /admin/team/:id/availability",
    (w) => `/admin/team/${w.spareMemberId}/availability`,
    [401, 401, 403, 403, "303 /admin/team", 401],
    { form: () => ({ timeZone: "Europe/Berlin", hours: "any" }) },
  ),
  r("GET /admin/team/:id/key", (w) => `/admin/team/${w.spareMemberId}/key`, [
    LOGIN,
    LOGIN,
    403,
    403,
    200,
    LOGIN,
  ]),
  r(
    "POST /admin/team/:id/key",
    (w) => `/admin/team/${w.spareMemberId}/key`,
    [401, 401, 403, 403, "303 /admin/team/", 401],
    {
      form: () => ({ key: MEMBER_PUBLIC_KEY }),
    },
  ),
  r(
    "POST /admin/team/:id/key/remove",
    (w) => `/admin/team/${w.spareMemberId}/key/remove`,
    [401, 401, 403, 403, "303 /admin/team/", 401],
    { form: () => ({}) },
  ),
  r("GET /admin/sign-ins", fixed("/admin/sign-ins"), [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r(
    "POST /admin/sign-ins/clear",
    fixed("/admin/sign-ins/clear"),
    [401, 401, 403, 403, "303 /admin/sign-ins", 401],
    // The failed sign-ins the POST /login row records, from this machine.
    { form: () => ({ email: "nobody@example.net", ip: "127.0.0.1" }) },
  ),
  r("GET /admin/settings", fixed("/admin/settings"), [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/settings", fixed("/admin/settings"), [401, 401, 403, 403, "303 /admin/settings", 401], {
    form: () => ({}),
  }),
  r("POST /admin/settings/sla", fixed("/admin/settings/sla"), [401, 401, 403, 403, 400, 401], {
    form: () => ({}),
  }),
  r("GET /admin/intake", fixed("/admin/intake"), [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  // Fields the form leaves out keep their saved values, so an empty form saves what is there.
  r("POST /admin/intake", fixed("/admin/intake"), [401, 401, 403, 403, "303 /admin/intake", 401], {
    form: () => ({}),
  }),
  r("GET /admin/scope", fixed("/admin/scope"), [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/scope", fixed("/admin/scope"), [401, 401, 403, 403, "303 /admin/scope", 401], {
    form: () => ({ name: "Mobile app", identifier: "com.example.app", kind: "mobile", inScope: "true" }),
  }),
  r(
    "POST /admin/scope/:id",
    (w) => `/admin/scope/${w.assetId}`,
    [401, 401, 403, 403, "303 /admin/scope", 401],
    {
      form: () => ({
        name: "Billing portal",
        identifier: "billing.example.org",
        kind: "web",
        inScope: "true",
        active: "true",
      }),
    },
  ),
  r("GET /admin/outbox", fixed("/admin/outbox"), [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("GET /admin/keys", fixed("/admin/keys"), [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/keys/rotate", fixed("/admin/keys/rotate"), [401, 401, 403, 403, "303 /admin/keys", 401], {
    form: () => ({}),
  }),
  r("POST /admin/keys/import", fixed("/admin/keys/import"), [401, 401, 403, 403, 400, 401], {
    form: () => ({}),
  }),
  r("GET /admin/responses", fixed("/admin/responses"), [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/responses", fixed("/admin/responses"), [401, 401, 403, 403, "303 /admin/responses", 401], {
    form: () => ({ name: "Fixed", purpose: "general", body: "The fix is released." }),
  }),
  r("GET /admin/responses/:id", (w) => `/admin/responses/${w.templateId}`, [
    LOGIN,
    LOGIN,
    403,
    403,
    200,
    LOGIN,
  ]),
  r(
    "POST /admin/responses/:id",
    (w) => `/admin/responses/${w.templateId}`,
    [401, 401, 403, 403, "303 /admin/responses/", 401],
    { form: () => ({ name: "Thanks", purpose: "general", body: "Thank you for the report." }) },
  ),
  r(
    "POST /admin/responses/:id/active",
    (w) => `/admin/responses/${w.templateId}/active`,
    [401, 401, 403, 403, "303 /admin/responses", 401],
    { form: () => ({ active: "true" }) },
  ),
  r("GET /admin/alerts", fixed("/admin/alerts"), [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/alerts", fixed("/admin/alerts"), [401, 401, 403, 403, "303 /admin/alerts", 401], {
    form: () => ({ kind: "email", name: "Second team mail", events: "report_received", active: "true" }),
  }),
  r("GET /admin/alerts/log", fixed("/admin/alerts/log"), [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r(
    "POST /admin/alerts/:id",
    (w) => `/admin/alerts/${w.alertChannelId}`,
    [401, 401, 403, 403, "303 /admin/alerts", 401],
    {
      form: () => ({ name: "Team mail", events: "report_received", active: "true" }),
    },
  ),
  r(
    "POST /admin/alerts/:id/test",
    (w) => `/admin/alerts/${w.alertChannelId}/test`,
    [401, 401, 403, 403, "303 /admin/alerts", 401],
    { form: () => ({}) },
  ),
  r("GET /admin/mail", fixed("/admin/mail"), [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r(
    "POST /admin/mail/:id/retry",
    (w) => `/admin/mail/${w.failedMail.retryId}/retry`,
    [401, 401, 403, 403, "303 /admin/mail", 401],
    { form: () => ({ as: "same" }) },
  ),
  r(
    "POST /admin/mail/:id/dismiss",
    (w) => `/admin/mail/${w.failedMail.dismissId}/dismiss`,
    [401, 401, 403, 403, "303 /admin/mail", 401],
    { form: () => ({}) },
  ),
];

/** The router's own list: one entry per method and path, without the middleware registered for ALL or "*". */
function routerRoutes(routes: readonly { method: string; path: string }[]): string[] {
  const handled = new Set(routes.filter((r) => r.method !== "ALL").map((r) => r.path));
  const keys = routes
    .filter((r) => !(r.method === "ALL" && (r.path.endsWith("*") || handled.has(r.path))))
    .map((r) => `${r.method} ${r.path}`);
  return [...new Set(keys)].sort();
}

function isDenied(expected: Expect): boolean {
  return expected === LOGIN || expected === 401 || expected === 403 || expected === 404;
}

interface Answer {
  status: number;
  location: string | null;
  body: string;
}

async function call(w: World, row: Row, who: ActorName | "holder", path = ""): Promise<Answer> {
  const creds: Credentials = who === "holder" ? w.holder : w.credentials[who];
  const url = path || row.url(w, who, creds.link ?? GUESSED_LINK);
  const method = row.route.split(" ")[0]!;
  const headers: Record<string, string> = {};
  let body: string | URLSearchParams | undefined;
  if (row.json) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(row.json(w));
  }
  if (url.startsWith("/api/")) {
    if (creds.bearer) headers.authorization = `Bearer ${creds.bearer}`;
  } else {
    if (creds.cookie) headers.cookie = creds.cookie;
    if (method === "POST" && !row.json) {
      headers.origin = w.url;
      body = new URLSearchParams({
        ...(creds.csrf ? { _csrf: creds.csrf } : {}),
        ...(row.form?.(w, who) ?? {}),
      });
    }
  }
  const res = await fetch(`${w.url}${url}`, { method, headers, body, redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), body: await res.text() };
}

function answerMatches(answer: Answer, expected: Expect): boolean {
  if (typeof expected === "number") return answer.status === expected;
  const [status, prefix] = expected.split(" ") as [string, string];
  return answer.status === Number(status) && (answer.location ?? "").startsWith(prefix);
}

function describeAnswer(answer: Answer): Expect | string {
  return answer.location ? `${answer.status} ${answer.location}` : answer.status;
}

/** The same URL with report A's reference and every id replaced by ones that do not exist. */
function ghostOf(w: World, url: string): string {
  return url
    .replaceAll(w.a.ref, "EMB-2099-9999")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, () => randomUUID());
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

describe.each(DB_KINDS)("the authorization matrix over HTTP on %s", (kind) => {
  let live: LiveServer;
  let w: World;

  beforeAll(async () => {
    live = await startLiveServer(kind);
    w = await seedWorld(live);
  }, 120_000);
  afterAll(async () => {
    await live?.close();
  });

  it("has one row for every route the router serves, and none for a route it does not", () => {
    const routes = routerRoutes(appFor(live.t).routes);
    const rows = MATRIX.map((row) => row.route).sort();
    const missing = routes.filter((route) => !rows.includes(route));
    const stale = rows.filter((route) => !routes.includes(route));
    expect(missing, `Routes with no row in the authorization matrix: ${missing.join(", ")}`).toEqual([]);
    expect(stale, `Rows for routes the router does not serve: ${stale.join(", ")}`).toEqual([]);
    expect(new Set(rows).size, "A route has two rows.").toBe(rows.length);
  });

  const cells = () =>
    MATRIX.flatMap((row) => ACTORS.map((actor) => ({ row, actor, expected: row.expect[actor] })));
  const wrong: string[] = [];
  const check = (row: Row, actor: string, expected: Expect, answer: Answer) => {
    if (!answerMatches(answer, expected))
      wrong.push(`${row.route} as ${actor}: expected ${expected}, got ${describeAnswer(answer)}`);
    // Report A's title reaches nobody who may not read report A: not strangers, not reporter B.
    if (
      (actor === "anonymous" || actor === "otherReporter" || actor === "revoked" || isDenied(expected)) &&
      answer.body.includes(SECRET_TITLE_A)
    )
      wrong.push(`${row.route} as ${actor}: the answer shows report A's title`);
  };

  it("refuses every denied cell, the same way for a report or id that does not exist, and changes nothing", async () => {
    wrong.length = 0;
    const before = await stateDigest(live);
    const denied = cells().filter((c) => isDenied(c.expected));
    await pool(denied, 6, async ({ row, actor, expected }) => {
      const creds = w.credentials[actor];
      const url = row.url(w, actor, creds.link ?? GUESSED_LINK);
      check(row, actor, expected, await call(w, row, actor, url));
      const ghost = ghostOf(w, url);
      if (ghost !== url) {
        // A refusal must not tell whether the thing exists: 403 for a real report and 404 for a made-up one
        // would let anyone enumerate references.
        const answer = await call(w, row, actor, ghost);
        const madeUp = (row.madeUp as Partial<Record<ActorName, Expect>> | undefined)?.[actor] ?? expected;
        if (!answerMatches(answer, madeUp))
          wrong.push(
            `${row.route} as ${actor} on a made-up id: expected ${madeUp}, got ${describeAnswer(answer)}`,
          );
      }
    });
    const after = await stateDigest(live);
    for (const table of Object.keys({ ...before, ...after }))
      if (before[table] !== after[table]) wrong.push(`refused requests changed the table ${table}`);
    expect(wrong).toEqual([]);
  }, 120_000);

  it("answers every allowed cell as written: reads together, then writes one by one", async () => {
    wrong.length = 0;
    const allowed = cells().filter((c) => !isDenied(c.expected));
    const holders = MATRIX.filter((row) => row.holder !== undefined);
    const reads = allowed.filter((c) => c.row.route.startsWith("GET "));
    await pool(reads, 6, async ({ row, actor, expected }) =>
      check(row, actor, expected, await call(w, row, actor)),
    );
    for (const row of holders.filter((row) => row.route.startsWith("GET ")))
      check(row, "holder", row.holder!, await call(w, row, "holder"));
    const writes = allowed.filter((c) => !c.row.route.startsWith("GET "));
    const ordered = [...writes].sort((x, y) => (x.row.runLast ?? 0) - (y.row.runLast ?? 0));
    for (const { row, actor, expected } of ordered) check(row, actor, expected, await call(w, row, actor));
    for (const row of holders.filter((row) => !row.route.startsWith("GET ")))
      check(row, "holder", row.holder!, await call(w, row, "holder"));
    expect(wrong).toEqual([]);
  }, 180_000);

  it("keeps out, from then on, the token the admin revoked and the sessions that signed out", async () => {
    const api = await fetch(`${w.url}/api/v1/reports`, {
      headers: { authorization: `Bearer ${w.spareAdminToken.secret}` },
    });
    expect(api.status).toBe(401);
    for (const actor of ["viewer", "responder", "admin"] as const) {
      const page = await fetch(`${w.url}/inbox`, {
        headers: { cookie: w.credentials[actor].cookie! },
        redirect: "manual",
      });
      expect([actor, page.status, page.headers.get("location")]).toEqual([
        actor,
        303,
        "/login?next=%2Finbox",
      ]);
    }
  });
});
