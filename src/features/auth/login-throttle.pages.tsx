import type { Context, Hono } from "hono";
import { AppError } from "../../core/errors.ts";
import { LOGIN_THROTTLE } from "../../domain/login-throttle.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import {
  type AdminFrame,
  AdminLayout,
  Done,
  type FormProblem,
  Problem,
} from "../../http/components/admin-layout.tsx";
import { DataTable } from "../../http/components/data-table.tsx";
import type { AppEnv } from "../../http/env.ts";
import { readForm } from "../../http/form.ts";
import { redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { AuthService, LoginThrottleRow } from "./auth.service.ts";

/** What the sign-in throttle page uses. */
export interface LoginThrottlePagesDeps {
  auth: AuthService;
  settings: SettingsService;
}

type ParsedBody = Record<string, string | File | (string | File)[]>;

const text = (body: ParsedBody, name: string): string => {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : "";
};

const when = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

function LoginThrottlePage(props: {
  orgName: string;
  user: AdminFrame["user"];
  csrfToken: string | null;
  rows: LoginThrottleRow[];
  done: string | null;
  problem: FormProblem | null;
}) {
  const minutes = Math.round(LOGIN_THROTTLE.windowSeconds / 60);
  return (
    <AdminLayout
      title="Sign-in throttles"
      section="sign-ins"
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      failed={Boolean(props.problem)}
    >
      <h1>Sign-in throttles</h1>
      <p class="muted">
        Wrong passwords of the last {minutes} minutes, per account and source address. After{" "}
        {LOGIN_THROTTLE.freePerAccount} failures on one account (or {LOGIN_THROTTLE.freePerSource} across all
        accounts) a source waits before its next try, longer after each failure. Other sources, such as the
        account's owner, are not slowed down. Clearing a row lets that source try again at once.
      </p>
      <Done message={props.done} />
      <Problem problem={props.problem} id="throttle-error" />
      <DataTable
        class="throttles"
        columns={[
          "Account",
          "Source",
          "Failures",
          "From this source, all accounts",
          "Latest",
          "Waits until",
          "",
        ]}
        rows={props.rows}
        empty="No failed sign-ins recently."
        row={(r) => (
          <tr>
            <td>{r.email}</td>
            <td>
              <code>{r.ip}</code>
            </td>
            <td>{r.failures}</td>
            <td>{r.sourceFailures}</td>
            <td>{when(r.last)}</td>
            <td>{r.until ? when(r.until) : "may try now"}</td>
            <td>
              <form method="post" action="/admin/sign-ins/clear" class="inline">
                <input type="hidden" name="_csrf" value={props.csrfToken ?? ""} />
                <input type="hidden" name="email" value={r.email} />
                <input type="hidden" name="ip" value={r.ip} />
                <button type="submit" class="secondary" aria-label={`Clear ${r.email} from ${r.ip}`}>
                  Clear
                </button>
              </form>
            </td>
          </tr>
        )}
      />
    </AdminLayout>
  );
}

/** Admins see which sources are being slowed down on which accounts, and clear one. */
export function registerLoginThrottlePages(app: Hono<AppEnv>, deps: LoginThrottlePagesDeps) {
  const render = async (c: Context<AppEnv>) => {
    const state = await takeFormState(c);
    const problem: FormProblem | null =
      state?.form === "clear"
        ? {
            message: state.message,
            values: { email: String(state.values.email ?? ""), ip: String(state.values.ip ?? "") },
            errors: state.errors,
          }
        : null;
    const user = signedInMember(c);
    const [org, rows] = await Promise.all([deps.settings.org(), deps.auth.loginThrottles()]);
    const done = c.req.query("cleared") ? "The throttle was cleared." : null;
    return c.html(
      <LoginThrottlePage
        orgName={org.name}
        user={user}
        csrfToken={c.var.csrfToken}
        rows={rows}
        done={done}
        problem={problem}
      />,
    );
  };

  app.get("/admin/sign-ins", requirePage("team.manage"), (c) => render(c));

  app.post("/admin/sign-ins/clear", requirePage("team.manage"), async (c) => {
    const user = signedInMember(c);
    const body = await readForm(c);
    const email = text(body, "email");
    const ip = text(body, "ip");
    try {
      await deps.auth.clearLoginThrottle(user.id, email, ip);
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 400 && error.status !== 404)) throw error;
      return redirectWithFormState(c, "/admin/sign-ins", {
        form: "clear",
        message: error.userMessage,
        values: { email, ip },
      });
    }
    return c.redirect("/admin/sign-ins?cleared=1", 303);
  });
}
