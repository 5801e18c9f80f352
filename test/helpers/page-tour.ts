import type { Browser, BrowserContext, Page } from "playwright-core";
import type { CurrentUser } from "../../src/core/actors.ts";
import { reportFields } from "./actors.ts";
import { seedPublishedAdvisory } from "./advisories.ts";
import { seedWorld, type World } from "./authz-world.ts";
import { type LiveServer, launchChromium, startLiveServer } from "./browser.ts";
import { makeFixRepository, reportInRemediation } from "./consultation-world.ts";
import { seedFixRepositoryReport } from "./fix-repo.ts";
import { appFor } from "./http.ts";
import { MEMBER_PUBLIC_KEY } from "./pgp.ts";
import { insertRelease } from "./release-rows.ts";

/**
 * Every page of the application in its main states, and how to reach each: the one list the tour test walks
 * once, running axe-core and the phone-width check at each stop. Page routes come from the router itself: a new GET route that is
 * neither a stop below nor named in NOT_PAGES fails both tests by name.
 */

/** Who looks: nobody (the public and reporters, whose link is in the path), or a signed-in member. */
export type Viewer = "anonymous" | "viewer" | "responder" | "admin";

/** The seeded world plus the reports this tour drives through their lifecycle. */
export interface TourWorld extends World {
  /** Report references by the state they were left in. */
  refs: Record<
    "triage" | "fixReady" | "fixRepository" | "closed" | "rejected" | "duplicate" | "consulted",
    string
  >;
  /** The tracking link of a report whose reporter was invited to check the fix, and said it does not fix it. */
  consultedToken: string;
  /** The tracking link of the closed report: a long conversation on the reporter's side. */
  closedToken: string;
  /** The token of an invite nobody has accepted yet: its page shows the acceptance form. */
  liveInviteToken: string;
  /** A release whose pre-notification went out to the notification list. */
  prenotifiedReleaseId: string;
}

export interface TourStop {
  /** How a failure names the page: route, state and who looks. */
  name: string;
  /** The router's key for the page (method and path as registered), or "(not found)" for the 404 page. */
  route: string;
  as: Viewer;
  path: (w: TourWorld) => string;
  /** Brings the loaded page into its state, e.g. a form sent with errors. */
  then?: (page: Page, w: TourWorld) => Promise<void>;
  /** Load the page as a server that sends mail (SMTP configured); the tour's server otherwise has none. */
  smtp?: boolean;
}

const GUESSED = "AAAAAAAAAAAAAAAAAAAAAA";
const OWASP_HIGH = "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9";
const CVSS_LONG = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:P/RL:O/RC:C/CR:H/IR:H/AR:L/MAV:N/MAC:L";

const stop = (route: string, as: Viewer, name: string, path: TourStop["path"], then?: TourStop["then"]) => ({
  route,
  as,
  name: `${route.replace(/^GET /, "")} ${name} (${as})`,
  path,
  ...(then ? { then } : {}),
});
const fixed = (p: string) => () => p;

/** Sends a form the way a person does and waits for the answer to load. */
async function submit(page: Page, button: string | RegExp) {
  await Promise.all([page.waitForLoadState("load"), page.getByRole("button", { name: button }).click()]);
  await page.waitForLoadState("load");
}

export const PAGE_TOUR: readonly TourStop[] = [
  // The public side, with the reporter's pages.
  stop("GET /", "anonymous", "policy", fixed("/")),
  stop("GET /hall-of-fame", "anonymous", "hall of fame", fixed("/hall-of-fame")),
  stop("GET /advisories", "anonymous", "advisories", fixed("/advisories")),
  stop("GET /advisories/:id", "anonymous", "a published advisory", fixed("/advisories/EMBSA-2026-9001")),
  stop("GET /keys", "anonymous", "public keys", fixed("/keys")),
  stop("GET /report", "anonymous", "empty form, encryption ready", fixed("/report"), async (page) => {
    // With JavaScript the form says which key it encrypts to: a 40-digit fingerprint that must still fit.
    await page
      .getByText(/encrypted in your browser to our intake key \(fingerprint/)
      .waitFor({ timeout: 60_000 });
  }),
  stop("GET /report", "anonymous", "form sent with errors", fixed("/report"), async (page) => {
    // The browser's own checks pass and the server's do not: the title needs 5 characters.
    await page.fill("#title", "XSS");
    await page.selectOption("#asset", "other");
    await page.selectOption("#weakness", "CWE-79");
    await page.fill("#description", "The profile bio is rendered without escaping, so HTML in it runs.");
    await page.fill("#steps", "1. Set your bio to <img src=x onerror=alert(1)>\n2. Open your profile.");
    await page.fill("#impact", "Any visitor's session can be taken over.");
    await page.getByRole("button", { name: "Send report" }).click();
    await page.locator(".form-errors").first().waitFor({ timeout: 60_000 });
  }),
  // The tour's server has no SMTP_URL, so the page explains that no link can be mailed and shows no form.
  stop("GET /r/recover", "anonymous", "lost links, mail held", fixed("/r/recover")),
  { ...stop("GET /r/recover", "anonymous", "lost links, mail sent", fixed("/r/recover")), smtp: true },
  stop("GET /r/recover/sent", "anonymous", "lost links requested", fixed("/r/recover/sent")),
  stop("GET /r/mine", "anonymous", "my reports, asking for a link", fixed("/r/mine")),
  stop("GET /r/mine/sent", "anonymous", "my reports, link requested", fixed("/r/mine/sent")),
  stop(
    "GET /r/mine/open/:token",
    "anonymous",
    "my reports, opening a mailed link",
    fixed(`/r/mine/open/${GUESSED}`),
  ),
  stop("GET /r/mine/reports", "anonymous", "my reports without a session", fixed("/r/mine/reports")),
  stop("GET /report/receipt/:token", "anonymous", "unknown receipt", fixed(`/report/receipt/${GUESSED}`)),
  stop("GET /r/:token", "anonymous", "tracking page of a new report", (w) => `/r/${w.a.token}`),
  stop("GET /r/:token", "anonymous", "tracking page of a closed report", (w) => `/r/${w.closedToken}`),
  stop(
    "GET /r/:token",
    "anonymous",
    "tracking page with a refused reply",
    (w) => `/r/${w.a.token}`,
    async (page) => {
      await page.locator("#body").evaluate((el) => el.removeAttribute("required"));
      await submit(page, "Send message");
    },
  ),
  stop("GET /r/:token", "anonymous", "tracking page, checking the fix", (w) => `/r/${w.consultedToken}`),
  stop(
    "GET /r/:token",
    "anonymous",
    "clone access shown once",
    (w) => `/r/${w.consultedToken}`,
    async (page) => {
      await submit(page, /^Show (new )?clone access$/);
      await page.locator("#fix-access-token").waitFor();
    },
  ),
  stop(
    "GET /r/:token",
    "anonymous",
    "refused answer on the fix",
    (w) => `/r/${w.consultedToken}`,
    async (page) => {
      await page.check("input[name=verdict][value=does_not_fix]");
      await submit(page, "Send my answer");
      await page.locator("#fix-answer-errors").waitFor();
    },
  ),
  stop("GET /r/:token", "anonymous", "unknown link", fixed(`/r/${GUESSED}`)),
  { ...stop("GET /r/:token", "anonymous", "unknown link, mail sent", fixed(`/r/${GUESSED}`)), smtp: true },
  stop("GET /login", "anonymous", "sign-in form", fixed("/login")),
  stop("GET /login", "anonymous", "failed sign-in", fixed("/login"), async (page) => {
    await page.fill("#login-email", "nobody@example.net");
    await page.fill("#login-password", "not-the-password");
    await submit(page, "Sign in");
  }),
  stop("GET /setup/:token", "anonymous", "used setup link", (w) => `/setup/${w.staleSetupToken}`),
  stop("GET /invite/:token", "anonymous", "used invite link", (w) => `/invite/${w.staleInviteToken}`),
  stop(
    "GET /invite/:token",
    "anonymous",
    "live invite, acceptance form",
    (w) => `/invite/${w.liveInviteToken}`,
  ),
  { route: "(not found)", as: "anonymous", name: "404 page (anonymous)", path: fixed("/no-such-page") },
  { route: "(not found)", as: "responder", name: "404 page (responder)", path: fixed("/no-such-page") },

  // The team's pages.
  stop("GET /inbox", "responder", "filled inbox", fixed("/inbox")),
  stop("GET /inbox", "viewer", "filled inbox", fixed("/inbox")),
  stop("GET /inbox", "responder", "empty search", fixed("/inbox?q=nothing-matches-this-search")),
  stop("GET /reports/:ref", "responder", "new, with held mail", (w) => `/reports/${w.a.ref}`),
  stop("GET /reports/:ref", "responder", "in triage, scored", (w) => `/reports/${w.refs.triage}`),
  stop("GET /reports/:ref/spam", "responder", "spam confirmation", (w) => `/reports/${w.a.ref}/spam`),
  stop("GET /reports/:ref", "responder", "fix ready", (w) => `/reports/${w.refs.fixReady}`),
  stop(
    "GET /reports/:ref",
    "responder",
    "fix disputed by the reporter",
    (w) => `/reports/${w.refs.consulted}`,
  ),
  stop("GET /reports/:ref", "responder", "fix repository", (w) => `/reports/${w.refs.fixRepository}`),
  stop("GET /reports/:ref", "responder", "closed", (w) => `/reports/${w.refs.closed}`),
  stop("GET /reports/:ref", "responder", "rejected", (w) => `/reports/${w.refs.rejected}`),
  stop("GET /reports/:ref", "responder", "duplicate", (w) => `/reports/${w.refs.duplicate}`),
  stop("GET /reports/:ref", "viewer", "read only", (w) => `/reports/${w.refs.triage}`),
  stop(
    "GET /reports/:ref",
    "responder",
    "refused action",
    (w) => `/reports/${w.refs.triage}`,
    async (page) => {
      const form = page.locator("form:has(input[name=action][value=reject])").first();
      await form.evaluate((f) => {
        for (const el of Array.from(f.querySelectorAll("[required]"))) el.removeAttribute("required");
        (f as HTMLFormElement).submit();
      });
      await page.locator("#action-error").waitFor();
    },
  ),
  stop("GET /account/key", "responder", "own key", fixed("/account/key")),
  stop("GET /account/key", "viewer", "no key yet", fixed("/account/key")),
  stop("GET /account/tokens", "responder", "token list", fixed("/account/tokens")),
  stop("GET /account/tokens", "responder", "new token shown once", fixed("/account/tokens"), async (page) => {
    await page.fill("#token-label", "Tour token");
    await page.fill("#token-days", "30");
    await submit(page, /Create/);
  }),
  stop("GET /account/availability", "responder", "availability", fixed("/account/availability")),
  stop("GET /account/alerts", "responder", "own alerts", fixed("/account/alerts")),

  // Administration.
  stop("GET /admin/team", "admin", "team", fixed("/admin/team")),
  stop("GET /admin/team/:id/key", "admin", "a member's key", (w) => `/admin/team/${w.spareMemberId}/key`),
  stop("GET /admin/sign-ins", "admin", "sign-in throttles", fixed("/admin/sign-ins")),
  stop("GET /admin/settings", "admin", "settings", fixed("/admin/settings")),
  stop("GET /admin/intake", "admin", "intake limits", fixed("/admin/intake")),
  stop("GET /admin/scope", "admin", "scope", fixed("/admin/scope")),
  stop("GET /admin/repositories", "admin", "repositories", fixed("/admin/repositories")),
  stop(
    "GET /admin/repositories",
    "admin",
    "refused registration",
    fixed("/admin/repositories"),
    async (page) => {
      await page.fill("#repo-name", "acme/tour");
      await page.fill("#repo-upstream", "ext::sh -c true");
      await submit(page, "Register repository");
    },
  ),
  stop(
    "GET /releases/:id/prenotifications",
    "viewer",
    "nobody written to yet",
    (w) => `/releases/${w.releaseId}/prenotifications`,
  ),
  stop(
    "GET /releases/:id/prenotifications",
    "viewer",
    "recipients and their status",
    (w) => `/releases/${w.prenotifiedReleaseId}/prenotifications`,
  ),
  stop(
    "GET /prenotify/ack/:token",
    "anonymous",
    "unknown acknowledgement link",
    fixed(`/prenotify/ack/${GUESSED}`),
  ),
  stop("GET /prenotify/ack/thanks", "anonymous", "receipt recorded", fixed("/prenotify/ack/thanks")),
  stop("GET /admin/notification-lists", "admin", "notification lists", fixed("/admin/notification-lists")),
  stop("GET /releases", "responder", "releases", fixed("/releases")),
  stop("GET /releases/new", "responder", "plan a release", (w) => `/releases/new?reports=${w.b.ref}`),
  stop("GET /releases/:id", "responder", "a planned release", (w) => `/releases/${w.releaseId}`),
  stop(
    "GET /admin/notification-lists",
    "admin",
    "a member refused: the key is for another address",
    fixed("/admin/notification-lists"),
    async (page, w) => {
      const p = `#list-${w.notificationList.id}`;
      await page.click(`${p}-add > summary`);
      await page.fill(`${p}-name`, "Wrong Key");
      await page.fill(`${p}-email`, "security@distro.example");
      await page.fill(`${p}-key`, MEMBER_PUBLIC_KEY);
      await submit(page, "Add member to Distributions");
    },
  ),
  stop("GET /manage/advisories", "responder", "advisories", fixed("/manage/advisories")),
  stop(
    "GET /manage/advisories/new",
    "responder",
    "new advisory from a report",
    (w) => `/manage/advisories/new?report=${w.a.ref}`,
  ),
  stop(
    "GET /manage/advisories/new",
    "responder",
    "new advisory previewed",
    (w) => `/manage/advisories/new?report=${w.a.ref}`,
    async (page) => {
      await page.fill("#adv-summary", "The comment preview renders HTML without escaping it.");
      await submit(page, "Preview");
    },
  ),
  stop(
    "GET /manage/advisories/:id",
    "responder",
    "advisory editor",
    (w) => `/manage/advisories/${w.advisoryId}`,
  ),
  stop(
    "GET /manage/advisories/:id",
    "responder",
    "advisory editor with one more product",
    (w) => `/manage/advisories/${w.advisoryId}`,
    async (page) => submit(page, "Add a product"),
  ),
  stop(
    "GET /manage/advisories/:id",
    "responder",
    "advisory editor, refused save",
    (w) => `/manage/advisories/${w.advisoryId}`,
    async (page) => {
      await page.fill("#adv-cvss", "CVSS:3.1/AV:N");
      await submit(page, "Save");
    },
  ),
  stop(
    "GET /manage/advisories/:id",
    "viewer",
    "advisory read-only",
    (w) => `/manage/advisories/${w.advisoryId}`,
  ),
  stop("GET /admin/maintenance", "admin", "maintenance", fixed("/admin/maintenance")),
  stop("GET /admin/outbox", "admin", "outbox", fixed("/admin/outbox")),
  { ...stop("GET /admin/outbox", "admin", "held mail ready to send", fixed("/admin/outbox")), smtp: true },
  stop("GET /admin/keys", "admin", "keys", fixed("/admin/keys")),
  stop("GET /admin/responses", "admin", "canned responses", fixed("/admin/responses")),
  stop("GET /admin/responses/:id", "admin", "one response", (w) => `/admin/responses/${w.templateId}`),
  stop("GET /admin/alerts", "admin", "alert channels", fixed("/admin/alerts")),
  stop("GET /admin/alerts/log", "admin", "alert log", fixed("/admin/alerts/log")),
  stop("GET /admin/mail", "admin", "mail intake", fixed("/admin/mail")),
  stop("GET /admin/team", "responder", "refused to a responder", fixed("/admin/team")),
];

/** GET routes that answer with something other than a page, each with the reason it is not toured. */
export const NOT_PAGES: Readonly<Record<string, string>> = {
  "GET /static/*": "static files",
  "GET /favicon.ico": "an icon",
  "GET /report/cvss-check": "an htmx fragment",
  "GET /healthz": "JSON",
  "GET /.well-known/security.txt": "plain text",
  "GET /security.txt": "a redirect",
  "GET /keys/intake.asc": "a key file",
  "GET /keys/:file": "a key file",
  "GET /.well-known/openpgpkey/hu/:hash": "a binary key",
  "GET /.well-known/openpgpkey/policy": "an empty file",
  "GET /api/openapi.json": "JSON",
  "GET /advisories.atom": "an Atom feed",
  "GET /advisories/:id/osv.json": "JSON",
  "GET /advisories/:id/cve.json": "JSON",
  "GET /.well-known/csaf/provider-metadata.json": "JSON",
  "GET /.well-known/csaf/feed-tlp-white.json": "JSON",
  "GET /.well-known/csaf/white/index.txt": "plain text",
  "GET /.well-known/csaf/white/changes.csv": "CSV",
  "GET /.well-known/csaf/white/:year/:file": "CSAF documents, their hashes and signatures",
  "GET /api/v1/reports": "JSON",
  "GET /api/v1/reports/:id": "JSON",
  "GET /api/v1/repositories": "JSON",
  "GET /api/v1/notification-lists": "JSON",
  "GET /api/v1/releases": "JSON",
  "GET /api/v1/releases/:id": "JSON",
  "GET /api/v1/notification-lists/:id": "JSON",
  "GET /api/v1/advisories": "JSON",
  "GET /api/v1/advisories/:id": "JSON",
  "GET /api/v1/verifications/:id": "JSON",
  "GET /api/v1/releases/:id/prenotifications": "JSON",
  "GET /api/v1/r/:token": "JSON",
  "GET /hall-of-fame.atom": "an Atom feed",
  "GET /git/*": "git's smart HTTP protocol",
  "GET /r/:token/attachments/:id": "a download",
  "GET /reports/:ref/attachments/:id": "a download",
  "GET /reports/:ref/owasp-preview": "an htmx fragment inside the report page",
  "GET /reports/:ref/cvss-calc": "an htmx fragment inside the report page",
  "GET /reports/:ref/templates/:id/render": "an htmx fragment inside the report page",
};

/** GET routes the router serves that neither the tour nor NOT_PAGES names: each is a page nobody checks. */
export function unvisitedPageRoutes(routes: readonly { method: string; path: string }[]): string[] {
  const toured = new Set(PAGE_TOUR.map((s) => s.route));
  const gets = new Set(routes.filter((r) => r.method === "GET").map((r) => `GET ${r.path}`));
  return [...gets].filter((r) => !toured.has(r) && !(r in NOT_PAGES)).sort();
}

/** Tour stops naming a route the router no longer serves: a stale list would tour 404 pages instead. */
export function staleTourRoutes(routes: readonly { method: string; path: string }[]): string[] {
  const gets = new Set(routes.filter((r) => r.method === "GET").map((r) => `GET ${r.path}`));
  return [...new Set(PAGE_TOUR.map((s) => s.route))].filter((r) => r.startsWith("GET ") && !gets.has(r));
}

export interface Tour {
  live: LiveServer;
  world: TourWorld;
  browser: Browser;
  /** The router's routes, for the coverage check. */
  routes: readonly { method: string; path: string }[];
  /**
   * A page at `stop`, in its state, for a browser context of the stop's viewer at `viewport`. `bypassCSP` lets a
   * test inject a script (axe-core); it is set on that test context only, the pages keep their headers.
   */
  open(
    stop: TourStop,
    viewport: { width: number; height: number },
    options?: { bypassCSP?: boolean },
  ): Promise<Page>;
  close(): Promise<void>;
}

/**
 * One PGlite server with the authorization matrix's world plus reports in several lifecycle states, and Chromium
 * with JavaScript on: built once, then every check of every stop runs against it.
 */
export async function startTour(): Promise<Tour> {
  const live = await startLiveServer("pglite");
  const seeded = await seedWorld(live);
  const world = await driveLifecycles(live, seeded);
  await seedPublishedAdvisory(live.t, 9001);
  const browser = await launchChromium();
  const contexts = new Map<string, BrowserContext>();
  const contextFor = async (as: Viewer, viewport: { width: number; height: number }, bypassCSP: boolean) => {
    const key = `${as}@${viewport.width}x${viewport.height}${bypassCSP ? " bypassing CSP" : ""}`;
    const existing = contexts.get(key);
    if (existing) return existing;
    const context = await browser.newContext({ viewport, bypassCSP });
    const cookie = as === "anonymous" ? null : seeded.credentials[as].cookie;
    if (cookie) {
      const [name, value] = cookie.split("=") as [string, string];
      await context.addCookies([{ name, value, url: live.url }]);
    }
    contexts.set(key, context);
    return context;
  };
  return {
    live,
    world,
    browser,
    routes: appFor(live.t).routes,
    async open(s, viewport, options = {}) {
      const context = await contextFor(s.as, viewport, options.bypassCSP ?? false);
      const page = await context.newPage();
      const deps = live.t.services.deps;
      const smtpBefore = deps.smtpConfigured;
      if (s.smtp) deps.smtpConfigured = true;
      try {
        await page.goto(`${live.url}${s.path(world)}`);
        await page.waitForLoadState("load");
        if (s.then) await s.then(page, world);
      } finally {
        deps.smtpConfigured = smtpBefore;
      }
      return page;
    },
    async close() {
      await browser.close();
      await live.close();
    },
  };
}

/** Reports left in triage (scored both ways), fix ready, closed, rejected and as a duplicate. */
async function driveLifecycles(live: LiveServer, w: World): Promise<TourWorld> {
  const s = live.t.services;
  const members = await s.team.list();
  const who = (email: string): CurrentUser => {
    const m = members.find((x) => x.email === email);
    if (!m) throw new Error(`No member ${email} in the tour's world.`);
    return { id: m.id, email: m.email, name: m.name, role: m.role };
  };
  const alice = who("alice@example.org");
  const bob = who("bob@example.org");
  const newReport = async (title: string, extra: Record<string, unknown> = {}) =>
    s.reports.submit(reportFields({ title, ...extra }), [], "web");
  const act = async (ref: string, input: Record<string, unknown>, by: CurrentUser = alice) => {
    const view = await s.reports.teamView(ref);
    await s.reports.act(by, view.id, input as never);
  };
  const toTriage = async (ref: string) => {
    await act(ref, { action: "acknowledge" });
    await act(ref, { action: "assign", assignee: alice.email });
    await act(ref, { action: "start_triage" });
    await act(ref, { action: "set_severity", owasp: OWASP_HIGH, reason: "Remote and unauthenticated." });
    await act(ref, { action: "set_severity", cvss: CVSS_LONG, reason: "For the advisory." });
  };

  const triage = await newReport("Server-side request forgery in the PDF renderer", {
    steps: `1. Upload a document whose image points at http://169.254.169.254/latest/meta-data/iam/security-credentials/${"x".repeat(120)}\n2. Render it.`,
  });
  await toTriage(triage.report.reference);

  const fixReady = await newReport("Path traversal in the backup download");
  await toTriage(fixReady.report.reference);
  await act(fixReady.report.reference, { action: "confirm" });
  await act(fixReady.report.reference, { action: "start_remediation" });
  await act(fixReady.report.reference, {
    action: "add_fix",
    url: "https://git.example.org/security/commit/abc123",
  });
  await act(fixReady.report.reference, { action: "verify_fix" }, bob);

  const closed = await newReport("Session fixation after password reset");
  const c = closed.report.reference;
  await toTriage(c);
  await act(c, { action: "confirm" });
  await act(c, { action: "start_remediation" });
  await act(c, { action: "add_fix", url: "https://git.example.org/security/commit/def456" });
  await act(c, { action: "verify_fix" }, bob);
  await act(c, { action: "release", override_reason: "Packages are built by the distributor." });
  await act(c, { action: "disclose", advisory_url: "https://example.org/advisories/2026-07" });
  await act(c, { action: "close", message: "Fixed in 2.4.1 and credited as r3searcher. Thank you!" });

  const rejected = await newReport("Missing security headers on the status page");
  await act(rejected.report.reference, {
    action: "reject",
    reason: "informative",
    message: "The status page serves no user data; we keep this as information.",
  });

  const duplicate = await newReport("SSRF through the PDF renderer image fetch");
  await act(duplicate.report.reference, { action: "acknowledge" });
  await act(duplicate.report.reference, {
    action: "mark_duplicate",
    of: triage.report.reference,
    message: "This was reported before; we are working on it.",
  });

  // The reporter was invited to check the fix in the private fix repository, and says it does not fix it.
  const consulted = await reportInRemediation(live.t, alice, "Directory traversal in the attachment preview");
  await makeFixRepository(live.t, consulted, alice.id);
  await act(consulted.reference, {
    action: "invite_reporter_to_fix",
    message: "We refuse .. in names now. Could you check the fix on the branch before we release it?",
  });
  await live.t.services.reports.answerFix(consulted.token, {
    verdict: "does_not_fix",
    comment: "Encoded dots (%2e%2e/) still get through on the preview endpoint.",
  });

  const admin = who("ada@example.org");
  // Pushed by Bob, verified by Ada, then moved: the panel with commits, a stale verification and Alice's form.
  const withRepo = await seedFixRepositoryReport(live.t, { responder: alice, pusher: bob, verifier: admin });
  const liveInvite = await s.invites.invite(admin.id, {
    email: "wren@example.org",
    name: "Wren",
    role: "responder",
  });

  const prenotifyAt = new Date(live.t.clock().getTime() - 60_000);
  const prenotifiedReleaseId = await insertRelease(live.t, {
    version: "2.4.2",
    createdBy: admin.id,
    publishAt: new Date(live.t.clock().getTime() + 86_400_000),
    prenotifyAt,
    reportIds: [w.a.id],
    listIds: [w.notificationList.id],
  });
  await s.prenotify.runDue({ releaseId: prenotifiedReleaseId, prenotifyAt: prenotifyAt.toISOString() });

  return {
    ...w,
    prenotifiedReleaseId,
    liveInviteToken: liveInvite.link.split("/").pop()!,
    refs: {
      triage: triage.report.reference,
      fixReady: fixReady.report.reference,
      fixRepository: withRepo.reference,
      closed: c,
      rejected: rejected.report.reference,
      duplicate: duplicate.report.reference,
      consulted: consulted.reference,
    },
    closedToken: closed.token,
    consultedToken: consulted.token,
  };
}
