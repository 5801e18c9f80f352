// The JSON API half of the composition root: every feature's operations on one router, and the OpenAPI document
// generated from their schemas. Like app.tsx it may import every feature; no feature imports it.

import type { Hono, MiddlewareHandler } from "hono";
import { registerAdvisoriesApi } from "../features/advisories/advisories.api.ts";
import { bountyRoutes } from "../features/bounties/bounties.routes.tsx";
import { disclosureRoutes } from "../features/disclosure/disclosure.routes.tsx";
import { intakeDocumentRefinement, registerIntakeApi } from "../features/intake/intake.api.ts";
import type { IntakeDeps } from "../features/intake/intake.types.ts";
import { registerNotificationsApi } from "../features/notifications/notifications.api.ts";
import { registerPrenotifyApi } from "../features/releases/prenotify.api.ts";
import { registerReleasesApi } from "../features/releases/releases.api.ts";
import { registerReporterApi } from "../features/reporter-api/reporter-api.api.ts";
import { registerReportsApi } from "../features/reports/reports.api.ts";
import { registerRepositoriesApi } from "../features/repositories/repositories.api.ts";
import { type TrackingPagesDeps, trackingLinkNotFound } from "../features/tracking/tracking.pages.tsx";
import { registerVerificationsApi } from "../features/verifications/verifications.api.ts";
import type { Services } from "../services.ts";
import type { AppEnv } from "./env.ts";
import { createApiRouter, registerOpenApiDocument } from "./openapi.ts";
import type { RateLimits } from "./rate-limit.ts";

/** Registers the JSON API (and the disclosure and bounty forms, which share their registration) on the app. */
export function registerJsonApi(
  app: Hono<AppEnv>,
  services: Services,
  ctx: {
    intake: IntakeDeps;
    limits: RateLimits;
    repliesLimit: MiddlewareHandler;
    trackingDeps: TrackingPagesDeps;
  },
) {
  const { deps, repositories, settings } = services;
  const { intake, limits, repliesLimit, trackingDeps } = ctx;
  // The JSON API: its routes validate with the zod schemas the document is generated from.
  const api = createApiRouter();
  registerIntakeApi(api, intake);
  registerReportsApi(api, { reports: services.reports, auth: services.auth });
  registerRepositoriesApi(api, { repositories, auth: services.auth });
  registerNotificationsApi(api, { notifications: services.notifications, auth: services.auth });
  registerVerificationsApi(api, { verifications: services.verifications, auth: services.auth });
  registerPrenotifyApi(api, { prenotify: services.prenotify, auth: services.auth });
  registerAdvisoriesApi(api, { advisories: services.advisories, auth: services.auth });
  // The reporter's view also carries the disclosure negotiation and any bounty offered, by the link's report.
  const byLink =
    <T>(read: (reportId: string) => Promise<T>) =>
    async (token: string) => {
      const reportId = await services.reports.reportIdForTrackingToken(token);
      return reportId ? read(reportId) : null;
    };
  registerReporterApi(api, {
    reports: services.reports,
    credits: services.credits,
    settings,
    limits,
    providers: {
      disclosureRequests: byLink((id) => services.disclosure.disclosureForReporter(id)),
      bounty: byLink((id) => services.bounties.bountyForReporter(id)),
    },
  });
  // Disclosure and bounties: forms, the team's API and the reporter's, under the replies' rate limit.
  const extras = { ...services, repliesLimit, notFound: trackingLinkNotFound(trackingDeps) };
  disclosureRoutes.register(app, api, extras);
  bountyRoutes.register(app, api, extras);
  registerReleasesApi(api, { releases: services.releases, auth: services.auth });
  registerOpenApiDocument(api, {
    publicUrl: () => deps.publicUrl,
    refinements: [intakeDocumentRefinement(intake)],
  });
  app.route("/", api);
}
