import type { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { AdvisoriesService } from "./advisories.service.ts";

export function registerAdvisoryPages(
  _app: Hono<AppEnv>,
  _deps: { settings: SettingsService; advisories: AdvisoriesService },
) {}
