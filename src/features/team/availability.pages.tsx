import type { Context, Hono } from "hono";
import type { CurrentUser } from "../../core/actors.ts";
import { AppError, notFound } from "../../core/errors.ts";
import { requirePage } from "../../http/auth.ts";
import type { AppEnv } from "../../http/types.ts";
import {
  type AvailabilityValues,
  availabilityFormErrors,
  availabilityFromForm,
  availabilityValues,
} from "./availability.form.ts";
import { MyAvailabilityPage } from "./availability.views.tsx";

type ParsedBody = Record<string, string | File | (string | File)[]>;

function me(c: Context<AppEnv>): CurrentUser {
  const user = c.var.user;
  if (!user) throw new AppError("unauthenticated", 401, "Your session has ended. Sign in again.");
  return user;
}

/**
 * "My availability": every member who can be a Response Manager sets their own time zone, hours and away days.
 * It needs `report.act` (the capability of those who can be assigned); the service lets anyone change only
 * their own record unless they may manage the team.
 */
export function registerAvailabilityPages(app: Hono<AppEnv>) {
  const render = async (
    c: Context<AppEnv>,
    extra: {
      values?: AvailabilityValues;
      errors?: Record<string, string>;
      message?: string;
      status?: 400;
    } = {},
  ) => {
    const services = c.var.services;
    const user = me(c);
    const [org, member] = await Promise.all([services.settings.org(), services.team.byId(user.id)]);
    if (!member) throw notFound("Team member");
    c.header("Cache-Control", "no-store");
    return c.html(
      <MyAvailabilityPage
        orgName={org.name}
        user={user}
        csrfToken={c.var.csrfToken}
        member={member}
        now={services.deps.clock()}
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
    const user = me(c);
    const form = availabilityFromForm((await c.req.parseBody({ all: true })) as ParsedBody);
    try {
      await c.var.services.team.updateAvailability(user, user.id, form.input);
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
