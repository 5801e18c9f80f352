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
import { redirectWithFormState, takeFormState } from "../../http/form-state.ts";
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
  const render = async (c: Context<AppEnv>) => {
    const state = await takeFormState(c);
    const extra: { values?: AvailabilityValues; errors?: Record<string, string>; message?: string } =
      state?.form === "availability" && state.extra?.values
        ? { values: state.extra.values as AvailabilityValues, errors: state.errors, message: state.message }
        : {};
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
      return redirectWithFormState(c, "/account/availability", {
        form: "availability",
        message: error.userMessage,
        errors: availabilityFormErrors(error.fields ?? {}, form.rowOf),
        values: {},
        extra: { values: form.values },
      });
    }
    return c.redirect("/account/availability?done=1", 303);
  });
}
