import type { Context } from "hono";
import { AppError } from "../../core/errors.ts";
import type { AppEnv } from "../../http/env.ts";
import type { IntakeDeps } from "./intake.types.ts";
import { verifyPowPayload } from "./intake-pow.service.ts";

/**
 * Junk defence for the browser form: a valid solved challenge spends the normal hourly budget, no payload
 * (JavaScript off) the stricter one instead of a block, and a forged or replayed payload is refused after
 * spending the normal budget too.
 */
export async function checkReportBudget(
  deps: Pick<IntakeDeps, "db" | "settings" | "clock" | "limits">,
  c: Context<AppEnv>,
  payload: string,
) {
  const { clientIp, enforceRateLimit } = deps.limits;
  const limits = await deps.settings.intake();
  if (payload.trim() === "") {
    await enforceRateLimit(c, {
      bucket: "reports-nojs",
      limit: limits.noJsReportsPerHourPerIp,
      windowSeconds: 3600,
      key: clientIp(c),
    });
    return;
  }
  const hourly = {
    bucket: "reports",
    limit: limits.reportsPerHourPerIp,
    windowSeconds: 3600,
    key: clientIp(c),
  };
  if (!(await verifyPowPayload(deps, payload.trim()))) {
    // A refused form is kept for its page (post/redirect/get), so a failed check costs what a report costs:
    // forged payloads cannot make the server store form after form.
    await enforceRateLimit(c, hourly);
    throw new AppError(
      "invalid_pow",
      400,
      "The anti-spam check failed or was already used. Reload the form and submit again.",
    );
  }
  await enforceRateLimit(c, hourly);
}
