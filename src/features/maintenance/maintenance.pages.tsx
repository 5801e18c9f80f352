import type { Hono } from "hono";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { MaintenanceService } from "./maintenance.service.ts";
import { MaintenancePage } from "./maintenance.views.tsx";

export interface MaintenancePagesDeps {
  settings: SettingsService;
  maintenance: MaintenanceService;
  engine: "pglite" | "postgres";
}

const DONE: Record<string, string> = {
  queued: "Maintenance is queued and starts in a moment. Reload this page to see its result.",
};

/** /admin/maintenance: the last database maintenance run, and "Run now". Admins only. */
export function registerMaintenancePages(app: Hono<AppEnv>, deps: MaintenancePagesDeps) {
  app.get("/admin/maintenance", requirePage("settings.manage"), async (c) => {
    const [org, lastRun] = await Promise.all([deps.settings.org(), deps.maintenance.lastRun()]);
    return c.html(
      <MaintenancePage
        orgName={org.name}
        user={signedInMember(c)}
        csrfToken={c.var.csrfToken}
        engine={deps.engine}
        quietTime={deps.maintenance.quietTime}
        nextRun={deps.maintenance.nextScheduled()}
        lastRun={lastRun}
        done={DONE[c.req.query("done") ?? ""] ?? null}
      />,
    );
  });

  app.post("/admin/maintenance/run", requirePage("settings.manage"), async (c) => {
    await deps.maintenance.requestRun(signedInMember(c));
    return c.redirect("/admin/maintenance?done=queued#last-run", 303);
  });
}
