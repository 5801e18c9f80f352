import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { AppError } from "../../core/errors.ts";
import type { AppEnv } from "../../http/env.ts";
import { formText, isFieldError, readForm } from "../../http/form.ts";
import { redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import type { RateLimits } from "../../http/rate-limit.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { creditForm, keptCreditDraft } from "./credits.pages.tsx";
import type { MyReportsService } from "./my-reports.service.ts";
import {
  MyReportsGonePage,
  MyReportsListPage,
  MyReportsOpenPage,
  MyReportsRequestPage,
  MyReportsSentPage,
} from "./my-reports.views.tsx";

export interface MyReportsPagesDeps {
  myReports: MyReportsService;
  settings: Pick<SettingsService, "org" | "intake">;
  limits: RateLimits;
  secureCookies: () => boolean;
}

/** The session cookie of "My reports": HttpOnly, only sent to /r/mine, gone with the session (one hour at most). */
const COOKIE = "embargo_mine";

/**
 * "My reports" (/r/mine): request a one-time link, open it, see every report from the address and set a credit
 * once. Must be registered before the tracking pages, whose /r/:token would otherwise take /r/mine.
 */
export function registerMyReportsPages(app: Hono<AppEnv>, deps: MyReportsPagesDeps) {
  const orgName = async () => (await deps.settings.org()).name;
  /** Per client address, the lost-link budget; the per-address budget is the service's, and answers the same. */
  const requestLimit = deps.limits.rateLimit({
    bucket: "my-reports",
    limit: async () => (await deps.settings.intake()).reportsPerHourPerIp,
    windowSeconds: 3600,
    key: deps.limits.clientIp,
  });

  app.use("/r/mine", noIndex);
  app.use("/r/mine/*", noIndex);

  app.get("/r/mine", async (c) => {
    const state = await takeFormState(c);
    return c.html(
      <MyReportsRequestPage
        orgName={await orgName()}
        {...(state?.form === "mine" ? { email: String(state.values.email ?? ""), errors: state.errors } : {})}
      />,
    );
  });

  app.post("/r/mine", requestLimit, async (c) => {
    const email = formText(await readForm(c), "email") ?? "";
    try {
      await deps.myReports.requestLink(email);
    } catch (error) {
      if (!isFieldError(error)) throw error;
      return redirectWithFormState(c, "/r/mine#error-summary", {
        form: "mine",
        errors: error.fields,
        values: { email },
      });
    }
    return c.redirect("/r/mine/sent", 303);
  });

  app.get("/r/mine/sent", async (c) => c.html(<MyReportsSentPage orgName={await orgName()} />));

  app.get("/r/mine/open/:token", async (c) =>
    c.html(<MyReportsOpenPage orgName={await orgName()} token={c.req.param("token")} />),
  );

  app.post("/r/mine/open/:token", requestLimit, async (c) => {
    try {
      const { session, expiresAt } = await deps.myReports.openLink(c.req.param("token"));
      setCookie(c, COOKIE, session, {
        httpOnly: true,
        sameSite: "Strict",
        path: "/r/mine",
        secure: deps.secureCookies(),
        expires: expiresAt,
      });
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return gone(c, error.userMessage, 404);
      throw error;
    }
    return c.redirect("/r/mine/reports", 303);
  });

  app.get("/r/mine/reports", async (c) => {
    const state = await takeFormState(c);
    try {
      const listing = await deps.myReports.list(getCookie(c, COOKIE) ?? "");
      const applied = c.req.query("applied");
      return c.html(
        <MyReportsListPage
          orgName={await orgName()}
          listing={listing}
          applied={applied && /^\d{1,6}$/.test(applied) ? Number(applied) : null}
          draft={keptCreditDraft(state, "mine-credit")}
          errors={state?.form === "mine-credit" ? state.errors : {}}
        />,
      );
    } catch (error) {
      if (error instanceof AppError && error.status === 401) return gone(c, error.userMessage, 401);
      throw error;
    }
  });

  app.post("/r/mine/credit", async (c) => {
    const values = creditForm(await readForm(c));
    try {
      const { applied } = await deps.myReports.applyCreditDefaults(getCookie(c, COOKIE) ?? "", values);
      return c.redirect(`/r/mine/reports?applied=${applied}`, 303);
    } catch (error) {
      if (error instanceof AppError && error.status === 401) return gone(c, error.userMessage, 401);
      if (!isFieldError(error)) throw error;
      return redirectWithFormState(c, "/r/mine/reports#defaults-heading", {
        form: "mine-credit",
        errors: error.fields,
        values,
      });
    }
  });

  async function gone(c: Context<AppEnv>, message: string, status: 401 | 404) {
    deleteCookie(c, COOKIE, { path: "/r/mine" });
    return c.html(<MyReportsGonePage orgName={await orgName()} message={message} />, status);
  }
}

/** Like the tracking pages: never indexed, never cached. */
async function noIndex(c: Context<AppEnv>, next: () => Promise<void>) {
  await next();
  c.header("X-Robots-Tag", "noindex, nofollow");
  c.header("Cache-Control", "no-store");
}
