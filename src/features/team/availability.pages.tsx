import type { Context, Hono } from "hono";
import type { Clock } from "../../core/clock.ts";
import { AppError, notFound } from "../../core/errors.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { TeamService } from "./team.service.ts";

/** What the availability page uses. */
export interface AvailabilityPagesDeps {
  settings: SettingsService;
  team: TeamService;
  clock: Clock;
}

import { readForm } from "../../http/form.ts";
import {
  type AvailabilityValues,
  availabilityFormErrors,
  availabilityFromForm,
  availabilityValues,
} from "./availability.form.ts";
import { MyAvailabilityPage } from "./availability.views.tsx";

/**
 * "My availability": every member who can be a Response Manager sets their own time zone, hours and away days.
 * It needs `report.act` (the capability of those who can be assigned); the service lets anyone change only
 * their own record unless they may manage the team.
 */
export function registerAvailabilityPages(app: Hono<AppEnv>, deps: AvailabilityPagesDeps) {
  const render = async (
    c: Context<AppEnv>,
    extra: {
      values?: AvailabilityValues;
      errors?: Record<string, string>;
      message?: string;
      status?: 400;
    } = {},
  ) => {
    const user = signedInMember(c);
    const [org, member] = await Promise.all([deps.settings.org(), deps.team.byId(user.id)]);
    if (!member) throw notFound("Team member");
    return c.html(
      <MyAvailabilityPage
        orgName={org.name}
        user={user}
        csrfToken={c.var.csrfToken}
        member={member}
        now={deps.clock()}
        values={extra.values ?? availabilityValues(member)}
        errors={extra.errors}
        message={extra.message}
        done={c.req.query("done") === "1"}
      />,
      extra.status ?? 200,
    );
  };

  app.get("/account/availability", requirePage("report.act"), (c) => render(c));

  app.post("/account/availability", requirePage("report.act"), async (c) => {
    const user = signedInMember(c);
    const form = availabilityFromForm(await readForm(c));
    try {
      await deps.team.updateAvailability(user, user.id, form.input);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 400) throw error;
      return render(c, {
        values: form.values,
        errors: availabilityFormErrors(error.fields ?? {}, form.rowOf),
        message: error.userMessage,
        status: 400,
      });
    }
    return c.redirect("/account/availability?done=1", 303);
  });
}
