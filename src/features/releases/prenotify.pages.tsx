import type { Hono } from "hono";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import type { RateLimits } from "../../http/rate-limit.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { PrenotifyService } from "./prenotify.service.ts";
import { AckPage, PrenotificationsPage } from "./prenotify.views.tsx";

/**
 * The release's pre-notification page for members, and the personal acknowledgement links recipients follow.
 * A GET of a link changes nothing (mail scanners follow links): it shows a button whose POST records receipt.
 */
export function registerPrenotifyPages(
  app: Hono<AppEnv>,
  deps: { prenotify: PrenotifyService; settings: SettingsService; limits: RateLimits },
) {
  /** Guessing links costs the guesser: the same budget per address as lost-link recovery. */
  const ackLimit = deps.limits.rateLimit({
    bucket: "prenotify-ack",
    limit: async () => (await deps.settings.intake()).reportsPerHourPerIp,
    windowSeconds: 3600,
    key: deps.limits.clientIp,
  });
  const orgName = async () => (await deps.settings.org()).name;

  app.get("/releases/:id/prenotifications", requirePage("report.read"), async (c) => {
    const data = await deps.prenotify.forRelease(c.req.param("id"));
    return c.html(<PrenotificationsPage orgName={await orgName()} user={signedInMember(c)} data={data} />);
  });

  // Capability URLs: never indexed, never cached.
  app.use("/prenotify/ack/*", async (c, next) => {
    await next();
    c.header("X-Robots-Tag", "noindex, nofollow");
    c.header("Cache-Control", "no-store");
    c.header("Referrer-Policy", "no-referrer");
  });

  // Post/redirect/get: a reload of the thanks page sends nothing again.
  app.get("/prenotify/ack/thanks", async (c) => c.html(<AckPage orgName={await orgName()} state="done" />));

  app.get("/prenotify/ack/:token", ackLimit, async (c) => {
    const token = c.req.param("token");
    const state = await deps.prenotify.ackState(token);
    return c.html(
      <AckPage
        orgName={await orgName()}
        state={state}
        action={`/prenotify/ack/${encodeURIComponent(token)}`}
      />,
      state === "unknown" ? 404 : 200,
    );
  });

  app.post("/prenotify/ack/:token", ackLimit, async (c) => {
    const outcome = await deps.prenotify.acknowledge(c.req.param("token"));
    if (outcome === "acknowledged") return c.redirect("/prenotify/ack/thanks", 303);
    return c.html(<AckPage orgName={await orgName()} state={outcome} />, outcome === "unknown" ? 404 : 200);
  });
}
