import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { contextStorage } from "hono/context-storage";
import { secureHeaders } from "hono/secure-headers";
import type { Logger } from "pino";
import { AppError } from "../core/errors.ts";
import { MAX_REPORT_REQUEST_BYTES } from "../domain/attachments.ts";
import { heldMailNotice, reportingAddress } from "../domain/mail-delivery.ts";
import { can } from "../domain/permissions.ts";
import { registerAlertPages } from "../features/alerts/alerts.pages.tsx";
import { registerAuthPages } from "../features/auth/auth.pages.tsx";
import { registerLoginThrottlePages } from "../features/auth/login-throttle.pages.tsx";
import { bountyRoutes } from "../features/bounties/bounties.routes.tsx";
import {
  creditSectionFor,
  registerCreditPages,
  teamCreditPanelFor,
} from "../features/credits/credits.pages.tsx";
import { registerMyReportsPages } from "../features/credits/my-reports.pages.tsx";
import { disclosureRoutes } from "../features/disclosure/disclosure.routes.tsx";
import { registerFixGitRoutes } from "../features/fixes/fix-git.pages.ts";
import { registerIntakePages } from "../features/intake/intake.pages.tsx";
import { registerIntakeAdminPages } from "../features/intake/intake-admin.pages.tsx";
import { OPENPGP_BROWSER_FILE, OPENPGP_BROWSER_PATH } from "../features/intake/openpgp-asset.data.ts";
import { registerKeyPages } from "../features/keys/keys.pages.tsx";
import { registerMailIntakePages } from "../features/mail-intake/mail-intake.pages.tsx";
import { registerMaintenancePages } from "../features/maintenance/maintenance.pages.tsx";
import { registerNotificationPages } from "../features/notifications/notifications.pages.tsx";
import { registerPolicyPages } from "../features/policy/policy.pages.tsx";
import { registerReportPages } from "../features/reports/reports.pages.tsx";
import { registerRepositoryPages } from "../features/repositories/repositories.pages.tsx";
import { registerAdminPages } from "../features/team/admin.pages.tsx";
import { registerApiTokenPages } from "../features/team/api-tokens.pages.tsx";
import { registerAvailabilityPages } from "../features/team/availability.pages.tsx";
import { registerTemplatePages } from "../features/templates/templates.pages.tsx";
import { registerTrackingPages } from "../features/tracking/tracking.pages.tsx";
import {
  registerVerificationPages,
  verificationPanelFor,
} from "../features/verifications/verifications.pages.tsx";
import type { Services } from "../services.ts";
import { registerJsonApi } from "./app-api.ts";
import { registerPublicationPages } from "./app-publication.ts";
import { loadSession, sameOrigin } from "./auth.ts";
import type { AppEnv } from "./env.ts";
import { titleFor } from "./error-titles.ts";
import { createFormStateStore, type FormState, provideFormStates } from "./form-state.ts";
import { Layout } from "./layout.tsx";
import { createRateLimits } from "./rate-limit.ts";
import { staticFiles } from "./static-files.ts";

function wantsJson(c: { req: { path: string; header(name: string): string | undefined } }): boolean {
  return c.req.path.startsWith("/api/") || (c.req.header("accept") ?? "").startsWith("application/json");
}

/** The whole web application; `app.request()` runs it without a socket in tests. */
export function createApp(services: Services, logger: Logger) {
  const app = new Hono<AppEnv>();
  const files = staticFiles([{ path: OPENPGP_BROWSER_PATH, file: OPENPGP_BROWSER_FILE }]);
  const publicUrl = services.deps.publicUrl;

  app.use("*", async (c, next) => {
    c.set("requestId", crypto.randomUUID());
    await next();
  });
  // Lets the layout read this request's variables (the held-mail banner) without every page passing them.
  app.use("*", contextStorage());
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      strictTransportSecurity: publicUrl.startsWith("https:") ? "max-age=31536000; includeSubDomains" : false,
      // "no-referrer" would make browsers send "Origin: null" on form posts; same-origin still keeps
      // tracking-link URLs from leaking to other sites.
      referrerPolicy: "same-origin",
      crossOriginEmbedderPolicy: false,
    }),
  );

  app.get("/static/*", (c) => {
    const file = files.get(c.req.path.slice("/static/".length));
    if (!file) return c.text("Not found", 404);
    return c.body(new Uint8Array(file.body), 200, {
      "Content-Type": file.type,
      // Vendored files carry their version in the name, so they may be cached for good.
      "Cache-Control": c.req.path.startsWith("/static/vendor/")
        ? "public, max-age=31536000, immutable"
        : "public, max-age=3600",
    });
  });
  // Browsers and feed readers ask for /favicon.ico whatever the page links; answer instead of a 404 per page.
  app.get("/favicon.ico", (c) => {
    const icon = files.get("favicon.ico")!;
    return c.body(new Uint8Array(icon.body), 200, {
      "Content-Type": icon.type,
      "Cache-Control": "public, max-age=86400",
    });
  });
  app.get("/healthz", (c) => c.json({ ok: true }));
  // git over HTTP: Basic auth only, its own size limit; so before the body limit, same-origin check and session.
  registerFixGitRoutes(app, services, logger);

  // Attachments: 5 files of 10 MB, base64 in JSON, plus text.
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_REPORT_REQUEST_BYTES,
      onError: () => {
        throw new AppError("too_large", 413, "The request is too large: attachments may total 25 MB.");
      },
    }),
  );
  app.use("*", sameOrigin(publicUrl));
  app.use("*", loadSession(services.auth));
  // Signed-in pages (not the API, not htmx fragments) learn whether mail is held, for the layout's banner.
  app.use("*", async (c, next) => {
    const user = c.var.user;
    if (user && c.var.authKind === "session" && !wantsJson(c) && !c.req.header("hx-request")) {
      const notice = heldMailNotice(await services.outbox.heldMail(services.deps.smtpConfigured));
      c.set("heldMail", notice && { notice, canOpenOutbox: can(user.role, "outbox.read") });
    }
    await next();
  });
  app.use(
    "*",
    provideFormStates(
      createFormStateStore({
        db: services.db,
        cipher: services.deps.cipher,
        clock: () => services.deps.clock(),
        secureCookies: () => services.deps.publicUrl.startsWith("https:"),
      }),
    ),
  );

  registerRoutes(app, services);

  app.notFound(async (c) => {
    if (wantsJson(c))
      return c.json({ error: { code: "not_found", message: "Not found.", requestId: c.var.requestId } }, 404);
    return c.html(
      await errorPage(services, "Not found", "There is nothing at this address.", c.var.user),
      404,
    );
  });

  app.onError(async (err, c) => {
    const requestId = c.var.requestId ?? "unknown";
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
      if (wantsJson(c)) {
        return c.json(
          {
            error: {
              code: err.code,
              message: err.userMessage,
              requestId,
              ...(err.fields ? { fields: err.fields } : {}),
            },
          },
          err.status,
        );
      }
      return c.html(
        await errorPage(services, titleFor(err.status), err.userMessage, c.var.user ?? null),
        err.status,
      );
    }
    logger.error({ err, requestId, path: c.req.path }, "unhandled error");
    if (wantsJson(c)) {
      return c.json({ error: { code: "internal", message: "Something went wrong.", requestId } }, 500);
    }
    return c.html(
      await errorPage(
        services,
        "Something went wrong",
        `Something went wrong on our side. Quote this reference if you contact us: ${requestId}`,
        c.var.user ?? null,
      ),
      500,
    );
  });

  return app;
}

/**
 * Every feature's routes, each given the services it uses. Ports that keep features apart are wired here: the
 * reports service acts for the CVSS calculator, mail intake tells the report page how mail arrived, and the team
 * and keys services answer the key and admin pages.
 */
function registerRoutes(app: Hono<AppEnv>, services: Services) {
  const { deps } = services;
  // Configuration is read on every request, as before, so a changed setting (tests change some) takes effect.
  const clock = () => deps.clock();
  const limits = createRateLimits({
    db: services.db,
    clock,
    get trustProxy() {
      return deps.trustProxy;
    },
  });
  /** One address for every page that tells researchers where to write (the policy, a lost link). */
  const reportingAddressFor = (securityEmail: string) => reportingAddress(securityEmail, deps);
  registerPolicyPages(app, {
    settings: services.settings,
    assets: services.assets,
    keys: services.keys,
    get publicUrl() {
      return deps.publicUrl;
    },
    clock,
    reportingAddress: reportingAddressFor,
    get smtpConfigured() {
      return deps.smtpConfigured;
    },
  });
  const intake = {
    settings: services.settings,
    assets: services.assets,
    keys: services.keys,
    reports: services.reports,
    db: services.db,
    cipher: services.deps.cipher,
    clock,
    limits,
    get smtpConfigured() {
      return deps.smtpConfigured;
    },
    get publicUrl() {
      return deps.publicUrl;
    },
    reportingAddress: reportingAddressFor,
  };
  registerIntakePages(app, intake);
  registerIntakeAdminPages(app, { settings: services.settings, db: services.db, clock });
  // Replies from reporters (credit, disclosure, bounty answers) share the messages' rate limit.
  const repliesLimit = limits.rateLimit({
    bucket: "replies",
    limit: async () => (await services.settings.intake()).repliesPerHourPerIp,
    windowSeconds: 3600,
    key: limits.clientIp,
  });
  // Credit, thanks, feedback and the hall of fame; "My reports" before the tracking pages' /r/:token.
  const creditPages = { credits: services.credits, settings: services.settings };
  registerMyReportsPages(app, {
    myReports: services.myReports,
    settings: services.settings,
    limits,
    secureCookies: () => deps.publicUrl.startsWith("https:"),
  });
  registerCreditPages(app, creditPages, {
    notFound: async () => {
      throw new AppError("not_found", 404, "There is no report at this link.");
    },
    repliesLimit,
  });
  const creditSection = creditSectionFor(creditPages);
  const trackingDeps = {
    reports: services.reports,
    settings: services.settings,
    db: services.db,
    limits,
    get smtpConfigured() {
      return deps.smtpConfigured;
    },
    reportingAddress: reportingAddressFor,
    advisories: services.advisories,
    // The reporter's sections: their credit, the disclosure negotiation and any bounty offer.
    reporterSections: async (c: Context<AppEnv>, token: string, kept: FormState | null) => [
      await creditSection(c, token, kept),
      await disclosureRoutes.section(services)(token, kept),
      await bountyRoutes.section(services)(token, kept),
    ],
  };
  registerTrackingPages(app, trackingDeps);
  registerAuthPages(app, {
    auth: services.auth,
    settings: services.settings,
    invites: services.invites,
    intakeAddress: () => services.keys.intakeAddress(),
    get publicUrl() {
      return deps.publicUrl;
    },
    clientIp: limits.clientIp,
  });
  registerLoginThrottlePages(app, { auth: services.auth, settings: services.settings });
  registerApiTokenPages(app, { settings: services.settings, team: services.team });
  registerReportPages(app, {
    reports: services.reports,
    settings: services.settings,
    listMembers: () => services.team.list(),
    assignment: services.assignment,
    search: services.search,
    templates: services.templates,
    mailArrivals: (reportId) => services.mailIntake.forReport(reportId),
    mailWaiting: (reportId) => services.mailIntake.toConfirm(reportId),
    mailFailureCount: () => services.mailIntake.failureCount(),
    fixBranchForm: (report) => services.fixes.branchForm(report),
    clock,
    verificationPanel: verificationPanelFor(services),
    creditPanel: teamCreditPanelFor({ credits: services.credits, settings: services.settings }),
    extraPanels: async (c, report, kept) => [
      await disclosureRoutes.panel(services)(c, report, kept),
      await bountyRoutes.panel(services)(c, report, kept),
    ],
  });
  registerAdminPages(app, {
    settings: services.settings,
    team: services.team,
    invites: services.invites,
    assets: services.assets,
    repositories: services.repositories,
    intakeKey: {
      facts: async () => ({
        ...(await services.keys.intakeKeyFacts()),
        address: await services.keys.intakeAddress(),
      }),
      saveOrg: (actorId, input, rekey) => services.keys.saveOrgSettings(actorId, input, rekey),
    },
    memberFingerprints: () => services.keys.memberFingerprints(),
    outbox: services.outbox,
    clock,
    get smtpConfigured() {
      return deps.smtpConfigured;
    },
    get publicUrl() {
      return deps.publicUrl;
    },
  });
  registerKeyPages(app, {
    settings: services.settings,
    keys: services.keys,
    memberById: (id) => services.team.byId(id),
  });
  registerAvailabilityPages(app, { settings: services.settings, team: services.team, clock });
  registerTemplatePages(app, { settings: services.settings, templates: services.templates });
  registerAlertPages(app, {
    settings: services.settings,
    alerts: services.alerts,
    get smtpConfigured() {
      return deps.smtpConfigured;
    },
  });
  registerMailIntakePages(app, {
    settings: services.settings,
    mailIntake: services.mailIntake,
    get imapMailbox() {
      return deps.imapMailbox ?? null;
    },
  });
  registerMaintenancePages(app, {
    settings: services.settings,
    maintenance: services.maintenance,
    engine: deps.database.kind,
  });
  const { repositories, settings } = services;
  registerRepositoryPages(app, { settings, repositories, gitDir: deps.gitDir });
  registerNotificationPages(app, { settings, notifications: services.notifications });
  registerVerificationPages(app, services);
  registerPublicationPages(app, services, limits);
  registerJsonApi(app, services, { intake, limits, repliesLimit, trackingDeps });
}

async function errorPage(
  services: Services,
  title: string,
  message: string,
  user: AppEnv["Variables"]["user"] | null,
) {
  let orgName = "Embargo";
  try {
    orgName = (await services.settings.org()).name;
  } catch {
    // the database may be the problem; the error page must still render
  }
  return (
    <Layout title={title} orgName={orgName} user={user ?? null}>
      <section class="card narrow">
        <h1>{title}</h1>
        <p>{message}</p>
        <p>
          <a href={user ? "/inbox" : "/"}>{user ? "Back to the inbox" : "Back to the policy"}</a>
        </p>
      </section>
    </Layout>
  );
}
