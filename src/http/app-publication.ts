// The pages of the road from a fix to publication: releases, advisories (drafting and public), the CSAF provider
// directory and pre-notification. Part of the composition root, like app.tsx: it may import every feature.

import type { Hono } from "hono";
import { registerAdvisoryPages } from "../features/advisories/advisories.pages.tsx";
import { registerCsafPages } from "../features/advisories/csaf.pages.ts";
import { registerPublicAdvisoryPages } from "../features/advisories/public.pages.tsx";
import { registerPrenotifyPages } from "../features/releases/prenotify.pages.tsx";
import { registerReleasePages } from "../features/releases/releases.pages.tsx";
import type { Services } from "../services.ts";
import type { AppEnv } from "./env.ts";
import type { RateLimits } from "./rate-limit.ts";

export function registerPublicationPages(app: Hono<AppEnv>, services: Services, limits: RateLimits) {
  const { settings } = services;
  registerReleasePages(app, {
    settings,
    team: services.team,
    notifications: services.notifications,
    releases: services.releases,
  });
  registerPublicAdvisoryPages(app, { publishedAdvisories: services.publishedAdvisories, settings });
  registerCsafPages(app, { publishedAdvisories: services.publishedAdvisories });
  registerPrenotifyPages(app, { prenotify: services.prenotify, settings, limits });
  registerAdvisoryPages(app, { settings, advisories: services.advisories });
}
