import type { Context, Hono } from "hono";
import type { CurrentUser } from "../../core/actors.ts";
import { AppError } from "../../core/errors.ts";
import { can } from "../../domain/permissions.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { FormProblem } from "../../http/components/admin-layout.tsx";
import type { AppEnv } from "../../http/env.ts";
import { readForm } from "../../http/form.ts";
import { redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { DEFAULT_TOKEN_DAYS } from "./api-tokens.schema.ts";
import { type ApiTokenRow, ApiTokensPage } from "./api-tokens.views.tsx";
import type { TeamService } from "./team.service.ts";

/** What the API tokens page uses. */
export interface ApiTokenPagesDeps {
  settings: SettingsService;
  team: TeamService;
}

type ParsedBody = Record<string, string | File | (string | File)[]>;

const text = (body: ParsedBody, name: string): string => {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : "";
};

/**
 * "API tokens": every member creates (the secret shown once), lists and revokes their own tokens; admins also
 * see and revoke everyone's.
 */
export function registerApiTokenPages(app: Hono<AppEnv>, deps: ApiTokenPagesDeps) {
  const render = async (c: Context<AppEnv>) => {
    const state = await takeFormState(c);
    const extra: { created?: { token: string; label: string; expiresAt: Date }; problem?: FormProblem } = {};
    if (state?.form === "create") {
      extra.problem = {
        message: state.message,
        errors: state.errors,
        values: {
          label: String(state.values.label ?? ""),
          expiresDays: String(state.values.expiresDays ?? ""),
        },
      };
    }
    const created = state?.form === "created" ? state.extra : undefined;
    if (created && typeof created.token === "string" && typeof created.expiresAt === "string") {
      extra.created = {
        token: created.token,
        label: String(created.label ?? ""),
        expiresAt: new Date(created.expiresAt),
      };
    }
    const user: CurrentUser = signedInMember(c);
    const admin = can(user.role, "team.manage");
    const [org, tokens] = await Promise.all([
      deps.settings.org(),
      deps.team.tokens.list(admin ? undefined : user.id),
    ]);
    const own = tokens.filter((t: ApiTokenRow) => t.userId === user.id);
    const others = admin ? tokens.filter((t: ApiTokenRow) => t.userId !== user.id) : null;
    return c.html(
      <ApiTokensPage
        orgName={org.name}
        user={user}
        csrfToken={c.var.csrfToken}
        own={own}
        others={others}
        created={extra.created ?? null}
        problem={extra.problem ?? null}
        values={extra.problem?.values ?? { label: "", expiresDays: String(DEFAULT_TOKEN_DAYS) }}
        done={c.req.query("revoked") ? "The token was revoked; it no longer works." : null}
      />,
    );
  };

  app.get("/account/tokens", requirePage("report.read"), (c) => render(c));

  // The secret is shown once, on the page the post redirects to: it travels there as a one-time form state
  // (sealed, bound to this session, deleted when shown or after 15 minutes), so a reload creates no second token.
  app.post("/account/tokens", requirePage("report.read"), async (c) => {
    const user = signedInMember(c);
    const body = await readForm(c);
    const values = { label: text(body, "label"), expiresDays: text(body, "expiresDays") };
    try {
      const created = await deps.team.tokens.createOwn(user, {
        label: values.label,
        expiresDays: values.expiresDays.trim() === "" ? undefined : values.expiresDays,
      });
      return redirectWithFormState(c, "/account/tokens#new-token", {
        form: "created",
        values: {},
        extra: { token: created.token, label: created.label, expiresAt: created.expiresAt.toISOString() },
      });
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 400 && error.status !== 409)) throw error;
      return redirectWithFormState(c, "/account/tokens#token-error", {
        form: "create",
        message: error.userMessage,
        errors: error.fields ?? {},
        values,
      });
    }
  });

  app.post("/account/tokens/:id/revoke", requirePage("report.read"), async (c) => {
    await deps.team.tokens.revoke(signedInMember(c), c.req.param("id"));
    return c.redirect("/account/tokens?revoked=1", 303);
  });
}
