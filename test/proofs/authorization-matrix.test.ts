import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advisoryBody } from "../helpers/advisory-drafts.ts";
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

/** What the row's method and path need besides the expected answers. */
type Extra = Partial<Omit<Row, "route" | "expect">>;
type Cells = [Expect, Expect, Expect, Expect, Expect, Expect];

/** A row: the route as the router names it, the six answers in ACTORS order, and how to call it. */
const r = (route: string, cells: Cells, extra: Extra = {}): Row => ({
  route,
  url: () => {
    const path = route.slice(route.indexOf(" ") + 1);
    if (/[:*]/.test(path)) throw new Error(`The row for ${route} must say how to fill its path.`);
    return path;
  },
  expect: Object.fromEntries(ACTORS.map((a, i) => [a, cells[i]!])) as Row["expect"],
  ...extra,
});

/** Report A's held mail and pending keys: the responder and the admin each decide their own, so both succeed. */
const decision = (kind: "held" | "key", verb: "accept" | "dismiss", suffix: string): Extra => ({
  url: (w, actor) => `/reports/${w.a.ref}/mail/${w.a.mail[kind][verb][actor === "admin" ? 1 : 0]}/${suffix}`,
  form: () => ({}),
});
const EMPTY: Extra = { form: () => ({}) };
const CVSS = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const ALL_200: Cells = [200, 200, 200, 200, 200, 200];
/** A date (YYYY-MM-DD) this many days after the server's clock, which the matrix sets to now. */
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
// The matrix's server has no SMTP_URL: no link could be mailed, so the post sends nothing and returns to the
// page that says so (with mail configured it goes on to /r/recover/sent; tracking.test.ts covers that).
const RECOVER_SENT = "303 /r/recover";
// A refused report form returns to the form, which shows why once (post/redirect/get).
const REPORT_REFUSED = "303 /report?form=";
const TO_WELL_KNOWN = "301 /.well-known/security.txt";
const AVAILABILITY = { timeZone: "Europe/Berlin", hours: "any" };
const ASSET = {
  name: "Billing portal",
  identifier: "billing.example.org",
  kind: "web",
  inScope: "true",
  active: "true",
};

// biome-ignore format: one row per line keeps the matrix readable as a table
const MATRIX: Row[] = [
  //                                          anonymous otherReporter viewer responder admin revoked
  // Public pages and files.
  r("GET /static/*",                         ALL_200, { url: () => "/static/js/htmx.min.js" }),
  r("GET /healthz",                          ALL_200),
  r("GET /favicon.ico",                      ALL_200),
  r("GET /",                                 ALL_200),
  r("GET /.well-known/security.txt",         ALL_200),
  r("GET /security.txt",                     [TO_WELL_KNOWN, TO_WELL_KNOWN, TO_WELL_KNOWN, TO_WELL_KNOWN, TO_WELL_KNOWN, TO_WELL_KNOWN]),
  r("GET /hall-of-fame",                     ALL_200),
  r("GET /keys",                             ALL_200),
  r("GET /keys/intake.asc",                  ALL_200),
  r("GET /keys/:file",                       ALL_200, { url: (w) => `/keys/${w.memberKeyFile}` }),
  r("GET /.well-known/openpgpkey/hu/:hash",  ALL_200, { url: (w) => `/.well-known/openpgpkey/hu/${w.wkdHash}` }),
  r("GET /.well-known/openpgpkey/policy",    ALL_200),
  r("GET /api/openapi.json",                 ALL_200),
  // Public advisories and the CSAF directory; the world publishes none, so an id is unknown to everyone alike.
  r("GET /advisories",                       ALL_200),
  r("GET /advisories.atom",                  ALL_200),
  r("GET /advisories/:id",                   [404, 404, 404, 404, 404, 404], { url: () => "/advisories/EMBSA-2026-0999" }),
  r("GET /advisories/:id/osv.json",          [404, 404, 404, 404, 404, 404], { url: () => "/advisories/EMBSA-2026-0999/osv.json" }),
  r("GET /advisories/:id/cve.json",          [404, 404, 404, 404, 404, 404], { url: () => "/advisories/EMBSA-2026-0999/cve.json" }),
  r("GET /.well-known/csaf/provider-metadata.json", ALL_200),
  r("GET /.well-known/csaf/feed-tlp-white.json", ALL_200),
  r("GET /.well-known/csaf/white/index.txt", ALL_200),
  r("GET /.well-known/csaf/white/changes.csv", ALL_200),
  r("GET /.well-known/csaf/white/:year/:file", [404, 404, 404, 404, 404, 404], { url: () => "/.well-known/csaf/white/2026/embsa-2026-0999.json" }),

  // The public report form and API are open to all; an empty submission is refused as input, for everyone alike.
  r("GET /report",                           ALL_200),
  r("POST /report",                          [REPORT_REFUSED, REPORT_REFUSED, REPORT_REFUSED, REPORT_REFUSED, REPORT_REFUSED, REPORT_REFUSED], EMPTY),
  r("POST /report/encrypted",                [400, 400, 400, 400, 400, 400], { json: () => ({}) }),
  r("POST /api/v1/reports",                  [400, 400, 400, 400, 400, 400], { json: () => ({}) }),
  r("GET /report/cvss-check",                ALL_200, { url: () => `/report/cvss-check?cvss=${encodeURIComponent(CVSS)}` }),
  // A receipt's URL is its own credential, shown once to whoever sent the report; a guessed one is not found.
  r("GET /report/receipt/:token",            [404, 404, 404, 404, 404, 404], { url: () => "/report/receipt/AAAAAAAAAAAAAAAAAAAAAA" }),

  // The reporter's side: the link is the credential. Reporter B uses its own link; the others can only guess one.
  r("GET /r/recover",                        ALL_200),
  r("POST /r/recover",                       [RECOVER_SENT, RECOVER_SENT, RECOVER_SENT, RECOVER_SENT, RECOVER_SENT, RECOVER_SENT], { form: () => ({ email: "nobody@example.net" }) }),
  r("GET /r/recover/sent",                   ALL_200),
  r("GET /r/:token",                         [404, 200, 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}`, holder: 200 }),
  r("POST /r/:token/messages",               [404, "303 /r/", 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/messages`, form: () => ({ body: "One more detail about the bug." }), holder: "303 /r/" }),
  r("GET /r/:token/attachments/:id",         [404, 404, 404, 404, 404, 404], { url: (w, _a, link) => `/r/${link}/attachments/${w.a.attachmentId}`, holder: 200 }),
  // Consultation: report A's reporter was not invited to check a fix, so its link reaches no code (the same 404);
  // revoking clone access one does not hold changes nothing and returns to the page.
  r("POST /r/:token/fix/access",             [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/fix/access`, form: () => ({}), holder: 404 }),
  r("POST /r/:token/fix/access/revoke",      [404, "303 /r/", 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/fix/access/revoke`, form: () => ({}), holder: "303 /r/" }),
  // Credit, thanks and feedback: a thanks or feedback that is not open yet returns to the page with why.
  r("POST /r/:token/credit",                 [404, "303 /r/", 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/credit`, form: () => ({ display: "handle", handle: "b0b", url: "https://b0b.example", hallOfFame: "on" }), holder: "303 /r/" }),
  r("POST /r/:token/credit/confirm",         [404, "303 /r/", 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/credit/confirm`, form: () => ({}), holder: "303 /r/" }),
  r("POST /r/:token/thanks/accept",          [404, "303 /r/", 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/thanks/accept`, form: () => ({}), holder: "303 /r/" }),
  r("POST /r/:token/feedback",               [404, "303 /r/", 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/feedback`, form: () => ({ rating: "5" }), holder: "303 /r/" }),
  // My reports: the same answer for everyone; without a mailed link there is no session, and nothing to open.
  r("GET /r/mine",                           ALL_200),
  r("POST /r/mine",                          ["303 /r/mine/sent", "303 /r/mine/sent", "303 /r/mine/sent", "303 /r/mine/sent", "303 /r/mine/sent", "303 /r/mine/sent"], { form: () => ({ email: "nobody@example.net" }) }),
  r("GET /r/mine/sent",                      ALL_200),
  r("GET /r/mine/open/:token",               ALL_200, { url: (_w, _a, link) => `/r/mine/open/${link}` }),
  r("POST /r/mine/open/:token",              [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/r/mine/open/${link}`, form: () => ({}) }),
  r("GET /r/mine/reports",                   [401, 401, 401, 401, 401, 401]),
  r("POST /r/mine/credit",                   [401, 401, 401, 401, 401, 401], { form: () => ({ display: "anonymous" }) }),
  r("GET /hall-of-fame.atom",                ALL_200),
  // The reporter's JSON API: the token in the path is the credential, the same as the tracking page's.
  r("GET /api/v1/r/:token",                  [404, 200, 404, 404, 404, 404], { url: (_w, _a, link) => `/api/v1/r/${link}`, holder: 200 }),
  r("POST /api/v1/r/:token/messages",        [404, 201, 404, 404, 404, 404], { url: (_w, _a, link) => `/api/v1/r/${link}/messages`, json: () => ({ body: "Another detail." }), holder: 201 }),
  r("PUT /api/v1/r/:token/credit",           [404, 200, 404, 404, 404, 404], { url: (_w, _a, link) => `/api/v1/r/${link}/credit`, json: () => ({ display: "anonymous", hallOfFame: false }), holder: 200 }),
  r("POST /api/v1/r/:token/credit/confirm",  [404, 200, 404, 404, 404, 404], { url: (_w, _a, link) => `/api/v1/r/${link}/credit/confirm`, json: () => ({}), holder: 200 }),
  r("POST /api/v1/r/:token/fix-answer",      [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/api/v1/r/${link}/fix-answer`, json: () => ({ verdict: "fixes" }), holder: 404 }),
  r("POST /api/v1/r/:token/feedback",        [404, 409, 404, 404, 404, 404], { url: (_w, _a, link) => `/api/v1/r/${link}/feedback`, json: () => ({ rating: 5 }), holder: 409 }),
  r("POST /r/:token/fix/answer",             [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/fix/answer`, form: () => ({ verdict: "fixes", comment: "Works." }), holder: 404 }),
  r("POST /r/:token/advisories/:id/comments", [404, 404, 404, 404, 404, 404], { url: (w, _a, link) => `/r/${link}/advisories/${w.advisoryId}/comments`, form: () => ({ body: "Please name the fixed version." }), holder: "303 /r/" }),

  // Signing in and out, and a first-admin setup link issued before the team existed: dead now that an admin exists.
  r("GET /login",                            [200, 200, INBOX, INBOX, INBOX, 200]),
  r("POST /login",                           [401, 401, 401, 401, 401, 401], { form: () => ({ email: "nobody@example.net", password: "not-the-password" }) }),
  r("POST /logout",                          [401, 401, SIGNED_OUT, SIGNED_OUT, SIGNED_OUT, 401], { ...EMPTY, runLast: 2 }),
  r("GET /setup/:token",                     [404, 404, 404, 404, 404, 404], { url: (w) => `/setup/${w.staleSetupToken}` }),
  r("GET /invite/:token",                    [404, 404, 404, 404, 404, 404], { url: (w) => `/invite/${w.staleInviteToken}` }),
  r("POST /invite/:token",                   [404, 404, 404, 404, 404, 404], { url: (w) => `/invite/${w.staleInviteToken}`, form: () => ({ password: "intruder-password-long", passwordConfirm: "intruder-password-long" }) }),
  r("POST /setup/:token",                    [404, 404, 404, 404, 404, 404], { url: (w) => `/setup/${w.staleSetupToken}`, form: () => ({ email: "intruder@example.net", name: "Intruder", password: "intruder-password-long", passwordConfirm: "intruder-password-long" }) }),

  // The team's report pages: every role reads; viewers neither write nor act.
  r("GET /inbox",                            [LOGIN, LOGIN, 200, 200, 200, LOGIN]),
  r("GET /reports/:ref",                     [LOGIN, LOGIN, 200, 200, 200, LOGIN], { url: (w) => `/reports/${w.a.ref}` }),
  r("GET /releases",                         [LOGIN, LOGIN, 200, 200, 200, LOGIN]),
  r("GET /releases/new",                     [LOGIN, LOGIN, 403, 200, 200, LOGIN]),
  r("POST /releases/new",                    [401, 401, 403, "303 /releases/new", "303 /releases/new", 401], EMPTY),
  r("GET /releases/:id",                     [LOGIN, LOGIN, 200, 200, 200, LOGIN], { url: (w) => `/releases/${w.releaseId}` }),
  r("POST /reports/:ref/leaks",              [401, 401, 403, "303 /releases/", "303 /releases/", 401], { url: (w) => `/reports/${w.a.ref}/leaks`, form: () => ({ note: "Posted on a forum" }) }),
  r("POST /releases/:id/actions",            [401, 401, 403, "303 /releases/", "303 /releases/", 401], { url: (w) => `/releases/${w.releaseId}/actions`, form: () => ({ action: "add_item", label: "Check the docs" }) }),
  r("GET /reports/:ref/attachments/:id",     [LOGIN, LOGIN, 200, 200, 200, LOGIN], { url: (w) => `/reports/${w.a.ref}/attachments/${w.a.attachmentId}` }),
  r("GET /reports/:ref/spam",                [LOGIN, LOGIN, 403, 200, 200, LOGIN], { url: (w) => `/reports/${w.a.ref}/spam` }),
  r("GET /reports/:ref/owasp-preview",       [LOGIN, LOGIN, 200, 200, 200, LOGIN], { url: (w) => `/reports/${w.a.ref}/owasp-preview` }),
  r("GET /reports/:ref/cvss-calc",           [LOGIN, LOGIN, 200, 200, 200, LOGIN], { url: (w) => `/reports/${w.a.ref}/cvss-calc` }),
  r("GET /reports/:ref/templates/:id/render", [LOGIN, LOGIN, 403, 200, 200, LOGIN], { url: (w) => `/reports/${w.a.ref}/templates/${w.templateId}/render` }),
  r("POST /reports/:ref/messages",           [401, 401, 403, "303 /reports/", "303 /reports/", 401], { url: (w) => `/reports/${w.a.ref}/messages`, form: () => ({ body: "Reproduced on staging.", visibility: "internal" }) }),
  r("POST /reports/:ref/fix-access/revoke",  [401, 401, 403, "303 /reports/", "303 /reports/", 401], { url: (w) => `/reports/${w.a.ref}/fix-access/revoke`, form: () => ({}) }),
  r("POST /reports/:ref/unread",             [401, 401, INBOX, INBOX, INBOX, 401], { url: (w) => `/reports/${w.a.ref}/unread`, form: () => ({}) }),
  r("POST /reports/:ref/credit",             [401, 401, 403, "303 /reports/", "303 /reports/", 401], { url: (w) => `/reports/${w.a.ref}/credit`, form: () => ({ display: "handle", handle: "team-fixed", reason: "Typo" }) }),
  r("POST /reports/:ref/credit/thanks",      [401, 401, 403, "303 /reports/", "303 /reports/", 401], { url: (w) => `/reports/${w.a.ref}/credit/thanks`, form: () => ({}) }),
  r("POST /reports/:ref/verifications",      [401, 401, 403, "303 /reports/", "303 /reports/", 401], { url: (w) => `/reports/${w.a.ref}/verifications`, form: (w) => ({ repository: "acme/billing", tag: "v1.2", reports: w.a.ref }) }),
  r("POST /reports/:ref/actions",            [401, 401, 403, "303 /reports/", "303 /reports/", 401], { url: (w) => `/reports/${w.a.ref}/actions`, form: () => ({ action: "set_severity", method: "cvss", cvss: CVSS, intent: "save" }) }),
  // Report A's reporter proposed no vector: members who may act reach the handler, which has nothing to adopt.
  r("POST /reports/:ref/adopt-cvss",         [401, 401, 403, 409, 409, 401], { url: (w) => `/reports/${w.a.ref}/adopt-cvss`, form: () => ({}) }),
  r("POST /reports/:ref/mail/:id/accept",    [401, 401, 403, "303 /reports/", "303 /reports/", 401], decision("held", "accept", "accept")),
  r("POST /reports/:ref/mail/:id/dismiss",   [401, 401, 403, "303 /reports/", "303 /reports/", 401], decision("held", "dismiss", "dismiss")),
  r("POST /reports/:ref/mail/:id/key/accept", [401, 401, 403, "303 /reports/", "303 /reports/", 401], decision("key", "accept", "key/accept")),
  r("POST /reports/:ref/mail/:id/key/dismiss", [401, 401, 403, "303 /reports/", "303 /reports/", 401], decision("key", "dismiss", "key/dismiss")),

  // The JSON API: bearer tokens only.
  r("GET /api/v1/reports",                   [401, 401, 200, 200, 200, 401]),
  r("GET /api/v1/reports/:id",               [401, 401, 200, 200, 200, 401], { url: (w) => `/api/v1/reports/${w.a.id}` }),
  r("POST /api/v1/reports/:id/messages",     [401, 401, 403, 201, 201, 401], { url: (w) => `/api/v1/reports/${w.a.id}/messages`, json: () => ({ body: "Fixed in the next build.", visibility: "internal" }) }),
  r("GET /api/v1/repositories",              [401, 401, 403, 403, 200, 401]),
  r("GET /api/v1/releases",                  [401, 401, 200, 200, 200, 401]),
  r("GET /api/v1/releases/:id",              [401, 401, 200, 200, 200, 401], { url: (w) => `/api/v1/releases/${w.releaseId}` }),
  r("POST /api/v1/releases",                 [401, 401, 403, 400, 400, 401], { json: () => ({}) }),
  r("POST /api/v1/releases/:id/actions",     [401, 401, 403, 200, 200, 401], { url: (w) => `/api/v1/releases/${w.releaseId}/actions`, json: () => ({ action: "add_item", label: "Check the docs" }) }),
  r("POST /api/v1/reports/:id/leaks",        [401, 401, 403, 201, 201, 401], { url: (w) => `/api/v1/reports/${w.b.id}/leaks`, json: () => ({ note: "Posted on a forum" }) }),
  r("GET /api/v1/verifications/:id",         [401, 401, 200, 200, 200, 401], { url: (w) => `/api/v1/verifications/${w.verificationId}` }),
  r("POST /api/v1/verifications",            [401, 401, 403, 202, 202, 401], { json: (w) => ({ repository: "acme/billing", tag: "v1.1", reports: [w.a.ref] }) }),
  r("POST /api/v1/repositories",             [401, 401, 403, 403, 201, 401], { json: () => ({ name: "acme/api", upstreamUrl: "file:///srv/git/api.git" }) }),
  r("GET /api/v1/releases/:id/prenotifications", [401, 401, 200, 200, 200, 401], { url: (w) => `/api/v1/releases/${w.releaseId}/prenotifications` }),
  r("GET /api/v1/notification-lists",        [401, 401, 403, 403, 200, 401]),
  r("POST /api/v1/notification-lists",       [401, 401, 403, 403, 201, 401], { json: () => ({ name: "Downstreams", mode: "imminent", members: [] }) }),
  r("GET /api/v1/notification-lists/:id",    [401, 401, 403, 403, 200, 401], { url: (w) => `/api/v1/notification-lists/${w.notificationList.id}` }),
  r("GET /api/v1/advisories",                [401, 401, 200, 200, 200, 401]),
  r("POST /api/v1/advisories",               [401, 401, 403, 201, 201, 401], { json: (w) => advisoryBody([w.a.ref]) }),
  r("GET /api/v1/advisories/:id",            [401, 401, 200, 200, 200, 401], { url: (w) => `/api/v1/advisories/${w.advisoryId}` }),
  r("PATCH /api/v1/advisories/:id",          [401, 401, 403, 200, 200, 401], { url: (w) => `/api/v1/advisories/${w.advisoryId}`, json: () => ({ summary: "A summary edited over the API." }) }),
  // The responder submits the draft; the admin's submit then finds it in review already.
  r("POST /api/v1/advisories/:id/actions",   [401, 401, 403, 200, 409, 401], { url: (w) => `/api/v1/advisories/${w.advisoryId}/actions`, json: () => ({ action: "submit" }) }),
  r("GET /manage/advisories",                [LOGIN, LOGIN, 200, 200, 200, LOGIN]),
  r("GET /manage/advisories/new",            [LOGIN, LOGIN, 403, 200, 200, LOGIN]),
  r("POST /manage/advisories",               [401, 401, 403, "303 /manage/advisories/new?form=", "303 /manage/advisories/new?form=", 401], { form: () => ({ title: "Previewed", intent: "preview" }) }),
  r("GET /manage/advisories/:id",            [LOGIN, LOGIN, 200, 200, 200, LOGIN], { url: (w) => `/manage/advisories/${w.advisoryId}` }),
  r("POST /manage/advisories/:id",           [401, 401, 403, "303 /manage/advisories/", "303 /manage/advisories/", 401], { url: (w) => `/manage/advisories/${w.advisoryId}`, form: () => ({ title: "Previewed", intent: "preview" }) }),
  r("POST /manage/advisories/:id/actions",   [401, 401, 403, "303 /manage/advisories/", "303 /manage/advisories/", 401], { url: (w) => `/manage/advisories/${w.advisoryId}/actions`, form: () => ({ action: "request_changes", message: "" }) }),
  r("POST /manage/advisories/:id/share",     [401, 401, 403, "303 /manage/advisories/", "303 /manage/advisories/", 401], { url: (w) => `/manage/advisories/${w.advisoryId}/share`, ...EMPTY }),
  r("POST /manage/advisories/:id/comments",  [401, 401, 403, "303 /manage/advisories/", "303 /manage/advisories/", 401], { url: (w) => `/manage/advisories/${w.advisoryId}/comments`, form: () => ({ body: "Reviewed the text." }) }),
  r("POST /api/v1/reports/:id/actions",      [401, 401, 403, 200, 200, 401], { url: (w) => `/api/v1/reports/${w.a.id}/actions`, json: () => ({ action: "set_severity", cvss: CVSS }) }),
  // Disclosure and bounties. A made-up request or award id reaches the handler only for members who may act.
  r("POST /api/v1/reports/:id/disclosure-requests/:rid/answer", [401, 401, 403, 404, 404, 401], { url: (w) => `/api/v1/reports/${w.a.id}/disclosure-requests/${randomUUID()}/answer`, json: () => ({ decision: "agree" }) }),
  // The responder extends the target first; the admin's same date is then no later than the target.
  r("POST /api/v1/reports/:id/disclosure-target", [401, 401, 403, 200, 400, 401], { url: (w) => `/api/v1/reports/${w.a.id}/disclosure-target`, json: () => ({ until: inDays(400), reason: "Upstream needs time." }) }),
  r("PUT /api/v1/bounty-policy",             [401, 401, 403, 403, 200, 401], { json: () => ({ currency: "EUR", ranges: { high: { min: 100000, max: 300000 } } }) }),
  r("POST /api/v1/reports/:id/bounty",       [401, 401, 403, 403, 201, 401], { url: (w) => `/api/v1/reports/${w.a.id}/bounty`, json: () => ({ amount: 150000, currency: "EUR", message: "Thank you.", reason: "Matrix." }) }),
  r("POST /api/v1/bounties/:id/actions",     [401, 401, 403, 403, 404, 401], { url: () => `/api/v1/bounties/${randomUUID()}/actions`, json: () => ({ action: "offer" }) }),
  // The reporter's JSON operations: the link in the path is the credential, as on the tracking page.
  r("POST /api/v1/r/:token/disclosure-requests", [404, 201, 404, 404, 404, 404], { url: (_w, _a, link) => `/api/v1/r/${link}/disclosure-requests`, json: () => ({ date: inDays(60), message: "Conference talk." }), holder: 201 }),
  r("POST /api/v1/r/:token/disclosure-requests/:rid/accept", [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/api/v1/r/${link}/disclosure-requests/${randomUUID()}/accept`, json: () => ({}), holder: 404 }),
  r("POST /api/v1/r/:token/bounty/accept",   [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/api/v1/r/${link}/bounty/accept`, json: () => ({}), holder: 404 }),
  r("POST /api/v1/r/:token/bounty/decline",  [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/api/v1/r/${link}/bounty/decline`, json: () => ({}), holder: 404 }),
  r("POST /api/v1/r/:token/bounty/donate",   [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/api/v1/r/${link}/bounty/donate`, json: () => ({ charity: "FSF" }), holder: 404 }),
  r("PUT /api/v1/r/:token/payout",           [404, 204, 404, 404, 404, 404], { url: (_w, _a, link) => `/api/v1/r/${link}/payout`, json: () => ({ method: "iban", address: "DE89370400440532013000" }), holder: 204 }),
  // The same on the report page and the tracking page, as forms (post/redirect/get; a refused form returns to its section).
  r("POST /reports/:ref/disclosure/:rid/answer", [401, 401, 403, 404, 404, 401], { url: (w) => `/reports/${w.a.ref}/disclosure/${randomUUID()}/answer`, form: () => ({ decision: "agree" }) }),
  r("POST /reports/:ref/disclosure-target",  [401, 401, 403, "303 /reports/", "303 /reports/", 401], { url: (w) => `/reports/${w.a.ref}/disclosure-target`, form: () => ({ until: inDays(500), reason: "Vendor coordination." }) }),
  r("POST /reports/:ref/bounty",             [401, 401, 403, 403, "303 /reports/", 401], { url: (w) => `/reports/${w.a.ref}/bounty`, form: () => ({ amount: "150000", currency: "EUR", message: "Thank you.", reason: "Matrix." }) }),
  r("POST /reports/:ref/bounty/:id/actions", [401, 401, 403, 403, 404, 401], { url: (w) => `/reports/${w.a.ref}/bounty/${randomUUID()}/actions`, form: () => ({ action: "offer" }) }),
  r("POST /r/:token/disclosure",             [404, "303 /r/", 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/disclosure`, form: () => ({ date: inDays(70), message: "Talk." }), holder: "303 /r/" }),
  r("POST /r/:token/disclosure/:rid/accept", [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/disclosure/${randomUUID()}/accept`, form: () => ({}), holder: 404 }),
  r("POST /r/:token/bounty/accept",          [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/bounty/accept`, form: () => ({}), holder: 404 }),
  r("POST /r/:token/bounty/decline",         [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/bounty/decline`, form: () => ({}), holder: 404 }),
  r("POST /r/:token/bounty/donate",          [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/bounty/donate`, form: () => ({ charity: "FSF" }), holder: 404 }),
  r("POST /r/:token/payout",                 [404, "303 /r/", 404, 404, 404, 404], { url: (_w, _a, link) => `/r/${link}/payout`, form: () => ({ method: "iban", address: "DE89370400440532013000" }), holder: "303 /r/" }),

  // A member's own pages. Token ids are random and shown only to their owner and admins, so the refusal to
  // revoke another member's token may say so (403), while a made-up id is simply not found.
  r("GET /account/tokens",                   [LOGIN, LOGIN, 200, 200, 200, LOGIN]),
  r("POST /account/tokens",                  [401, 401, "303 /account/tokens", "303 /account/tokens", "303 /account/tokens", 401], { form: () => ({ label: "matrix", expiresDays: "30" }) }),
  r("POST /account/tokens/:id/revoke",       [401, 401, 403, 403, "303 /account/tokens", 401], { url: (w) => `/account/tokens/${w.spareAdminToken.id}/revoke`, ...EMPTY, madeUp: { viewer: 404, responder: 404 } }),
  r("GET /account/key",                      [LOGIN, LOGIN, 200, 200, 200, LOGIN]),
  r("POST /account/key",                     [401, 401, "303 /account/key", "303 /account/key", "303 /account/key", 401], { form: () => ({ key: MEMBER_PUBLIC_KEY }) }),
  r("POST /account/key/remove",              [401, 401, "303 /account/key", "303 /account/key", "303 /account/key", 401], { ...EMPTY, runLast: 1 }),
  r("GET /account/availability",             [LOGIN, LOGIN, 403, 200, 200, LOGIN]),
  r("POST /account/availability",            [401, 401, 403, "303 /account/availability", "303 /account/availability", 401], { form: () => AVAILABILITY }),
  r("GET /account/alerts",                   [LOGIN, LOGIN, 200, 200, 200, LOGIN]),
  r("POST /account/alerts",                  [401, 401, "303 /account/alerts", "303 /account/alerts", "303 /account/alerts", 401], { form: () => ({ email: "true" }) }),

  // Admin pages: admins only; responders and viewers are refused with 403.
  r("GET /admin/team",                       [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/invites",                   [401, 401, 403, 403, "303 /admin/team?form=", 401], { form: () => ({ email: "nell@example.org", name: "Nell", role: "viewer" }) }),
  r("POST /admin/invites/:id/resend",        [401, 401, 403, 403, "303 /admin/team?form=", 401], { url: (w) => `/admin/invites/${w.pendingInviteId}/resend`, ...EMPTY }),
  r("POST /admin/invites/:id/revoke",        [401, 401, 403, 403, "303 /admin/team", 401], { url: (w) => `/admin/invites/${w.pendingInviteId}/revoke`, ...EMPTY }),
  r("POST /admin/team/:id",                  [401, 401, 403, 403, "303 /admin/team", 401], { url: (w) => `/admin/team/${w.spareMemberId}`, form: () => ({ name: "Sam", role: "responder", active: "true" }) }),
  r("POST /admin/team/:id/availability",     [401, 401, 403, 403, "303 /admin/team", 401], { url: (w) => `/admin/team/${w.spareMemberId}/availability`, form: () => AVAILABILITY }),
  r("GET /admin/team/:id/key",               [LOGIN, LOGIN, 403, 403, 200, LOGIN], { url: (w) => `/admin/team/${w.spareMemberId}/key` }),
  r("POST /admin/team/:id/key",              [401, 401, 403, 403, "303 /admin/team/", 401], { url: (w) => `/admin/team/${w.spareMemberId}/key`, form: () => ({ key: MEMBER_PUBLIC_KEY }) }),
  r("POST /admin/team/:id/key/remove",       [401, 401, 403, 403, "303 /admin/team/", 401], { url: (w) => `/admin/team/${w.spareMemberId}/key/remove`, ...EMPTY }),
  r("GET /admin/sign-ins",                   [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  // The failed sign-ins that the POST /login row records from this machine.
  r("POST /admin/sign-ins/clear",            [401, 401, 403, 403, "303 /admin/sign-ins", 401], { form: () => ({ email: "nobody@example.net", ip: "127.0.0.1" }) }),
  r("GET /admin/settings",                   [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  // Fields a settings form leaves out keep their saved values, so an empty form saves what is there.
  r("POST /admin/settings",                  [401, 401, 403, 403, "303 /admin/settings", 401], EMPTY),
  r("POST /admin/settings/sla",              [401, 401, 403, 403, "303 /admin/settings?form=", 401], EMPTY),
  r("GET /admin/intake",                     [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/intake",                    [401, 401, 403, 403, "303 /admin/intake", 401], EMPTY),
  r("GET /admin/scope",                      [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/scope",                     [401, 401, 403, 403, "303 /admin/scope", 401], { form: () => ({ ...ASSET, name: "Mobile app", identifier: "com.example.app", kind: "mobile" }) }),
  r("POST /admin/scope/:id",                 [401, 401, 403, 403, "303 /admin/scope", 401], { url: (w) => `/admin/scope/${w.assetId}`, form: () => ASSET }),
  r("GET /admin/repositories",               [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/repositories",              [401, 401, 403, 403, "303 /admin/repositories?done=added", 401], { form: () => ({ name: "acme/mobile", upstreamUrl: "/srv/git/mobile.git" }) }),
  r("POST /admin/repositories/:id/fetch",    [401, 401, 403, 403, "303 /admin/repositories?done=fetching", 401], { url: (w) => `/admin/repositories/${w.repositoryId}/fetch`, ...EMPTY }),
  r("POST /admin/repositories/:id/signing-key", [401, 401, 403, 403, "303 /admin/repositories?done=signing_key", 401], { url: (w) => `/admin/repositories/${w.repositoryId}/signing-key`, form: () => ({ releaseSigningKey: MEMBER_PUBLIC_KEY }) }),
  r("POST /admin/repositories/:id/credentials", [401, 401, 403, 403, "303 /admin/repositories?done=credentials", 401], { url: (w) => `/admin/repositories/${w.repositoryId}/credentials`, form: () => ({ kind: "https_token", token: "matrix-token" }) }),
  // git over HTTP takes HTTP Basic only (real clones and pushes: features/fixes): cookies and bearer tokens get the challenge.
  r("GET /git/*",                            [401, 401, 401, 401, 401, 401], { url: (w) => `/git/${w.a.ref}.git/info/refs?service=git-upload-pack` }),
  r("POST /git/*",                           [401, 401, 401, 401, 401, 401], { url: (w) => `/git/${w.a.ref}.git/git-receive-pack`, ...EMPTY }),
  r("GET /releases/:id/prenotifications",    [LOGIN, LOGIN, 200, 200, 200, LOGIN], { url: (w) => `/releases/${w.releaseId}/prenotifications` }),
  // Personal acknowledgement links: nobody in the matrix holds one, so every guess is a 404 (prenotify.test.ts uses real ones).
  r("GET /prenotify/ack/thanks",             ALL_200),
  r("GET /prenotify/ack/:token",             [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/prenotify/ack/${link}` }),
  r("POST /prenotify/ack/:token",            [404, 404, 404, 404, 404, 404], { url: (_w, _a, link) => `/prenotify/ack/${link}`, form: () => ({}) }),
  r("GET /admin/notification-lists",         [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/notification-lists",        [401, 401, 403, 403, "303 /admin/notification-lists?done=created", 401], { form: () => ({ name: "Vendors", mode: "imminent" }) }),
  r("POST /admin/notification-lists/:id/members", [401, 401, 403, 403, "303 /admin/notification-lists?form=", 401], { url: (w) => `/admin/notification-lists/${w.notificationList.id}/members`, ...EMPTY }),
  r("POST /admin/notification-lists/:id/members/:member/remove", [401, 401, 403, 403, "303 /admin/notification-lists?done=removed", 401], { url: (w) => `/admin/notification-lists/${w.notificationList.id}/members/${w.notificationList.memberId}/remove`, ...EMPTY }),
  r("POST /admin/notification-lists/:id/delete", [401, 401, 403, 403, "303 /admin/notification-lists?form=", 401], { url: (w) => `/admin/notification-lists/${w.notificationList.id}/delete`, ...EMPTY }),
  r("GET /admin/maintenance",                [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/maintenance/run",           [401, 401, 403, 403, "303 /admin/maintenance?done=queued#last-run", 401]),
  r("GET /admin/outbox",                     [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  // The matrix's server has no SMTP_URL: the admin's Send is refused on the page (a 409 shown after the redirect).
  r("POST /admin/outbox/send-held",          [401, 401, 403, 403, "303 /admin/outbox", 401], EMPTY),
  r("POST /admin/outbox/:id/send",           [401, 401, 403, 403, "303 /admin/outbox", 401], { url: (w) => `/admin/outbox/${w.heldMailIds.send}/send`, ...EMPTY }),
  r("POST /admin/outbox/:id/discard",        [401, 401, 403, 403, "303 /admin/outbox", 401], { url: (w) => `/admin/outbox/${w.heldMailIds.discard}/discard`, ...EMPTY }),
  r("GET /admin/keys",                       [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/keys/rotate",               [401, 401, 403, 403, "303 /admin/keys", 401], EMPTY),
  r("POST /admin/keys/import",               [401, 401, 403, 403, "303 /admin/keys?form=", 401], EMPTY),
  r("GET /admin/responses",                  [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/responses",                 [401, 401, 403, 403, "303 /admin/responses", 401], { form: () => ({ name: "Fixed", purpose: "general", body: "The fix is released." }) }),
  r("GET /admin/responses/:id",              [LOGIN, LOGIN, 403, 403, 200, LOGIN], { url: (w) => `/admin/responses/${w.templateId}` }),
  r("POST /admin/responses/:id",             [401, 401, 403, 403, "303 /admin/responses/", 401], { url: (w) => `/admin/responses/${w.templateId}`, form: () => ({ name: "Thanks", purpose: "general", body: "Thank you for the report." }) }),
  r("POST /admin/responses/:id/active",      [401, 401, 403, 403, "303 /admin/responses", 401], { url: (w) => `/admin/responses/${w.templateId}/active`, form: () => ({ active: "true" }) }),
  r("GET /admin/alerts",                     [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/alerts",                    [401, 401, 403, 403, "303 /admin/alerts", 401], { form: () => ({ kind: "email", name: "Second team mail", events: "report_received", active: "true" }) }),
  r("GET /admin/alerts/log",                 [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/alerts/:id",                [401, 401, 403, 403, "303 /admin/alerts", 401], { url: (w) => `/admin/alerts/${w.alertChannelId}`, form: () => ({ name: "Team mail", events: "report_received", active: "true" }) }),
  r("POST /admin/alerts/:id/test",           [401, 401, 403, 403, "303 /admin/alerts", 401], { url: (w) => `/admin/alerts/${w.alertChannelId}/test`, ...EMPTY }),
  r("GET /admin/mail",                       [LOGIN, LOGIN, 403, 403, 200, LOGIN]),
  r("POST /admin/mail/:id/retry",            [401, 401, 403, 403, "303 /admin/mail", 401], { url: (w) => `/admin/mail/${w.failedMail.retryId}/retry`, form: () => ({ as: "same" }) }),
  r("POST /admin/mail/:id/dismiss",          [401, 401, 403, 403, "303 /admin/mail", 401], { url: (w) => `/admin/mail/${w.failedMail.dismissId}/dismiss`, ...EMPTY }),
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
