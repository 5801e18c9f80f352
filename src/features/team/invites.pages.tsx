import type { Context, Hono } from "hono";
import { AppError } from "../../core/errors.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { readForm } from "../../http/form.ts";
import { redirectWithFormState } from "../../http/form-state.ts";
import type { InvitesService, IssuedInvite } from "./invites.service.ts";
import type { IssuedInviteView } from "./invites.views.tsx";

const INVITE_FIELDS = ["email", "name", "role", "expertise"] as const;

const lastText = (body: Record<string, unknown>, name: string): string | undefined => {
  const value = body[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const texts = list.filter((v): v is string => typeof v === "string");
  return texts[texts.length - 1];
};

const view = (issued: IssuedInvite, resent: boolean): IssuedInviteView => ({
  email: issued.invite.email,
  name: issued.invite.name,
  link: issued.link,
  expiresAt: issued.invite.expiresAt,
  resent,
});

/**
 * Inviting, re-sending and revoking. A new link exists only in the answer to the post that made it (Embargo keeps
 * its hash): it travels to the team page the post redirects to as a one-time form state (sealed, bound to this
 * session, deleted when shown or after 15 minutes), so a reload shows it no second time and invites no one twice.
 */
export function registerInviteAdminPages(app: Hono<AppEnv>, deps: { invites: InvitesService }) {
  const shown = (c: Context<AppEnv>, issued: IssuedInvite, resent: boolean) => {
    const { expiresAt, ...rest } = view(issued, resent);
    return redirectWithFormState(c, "/admin/team#invite-link", {
      form: "issued",
      values: {},
      extra: { ...rest, expiresAt: expiresAt.toISOString() },
    });
  };

  app.post("/admin/invites", requirePage("team.manage"), async (c) => {
    const body = await readForm(c);
    const values: Record<string, string> = {};
    for (const name of INVITE_FIELDS) {
      const value = lastText(body, name);
      if (value !== undefined) values[name] = value;
    }
    try {
      return shown(c, await deps.invites.invite(signedInMember(c).id, values), false);
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 400 && error.status !== 409)) throw error;
      return redirectWithFormState(c, "/admin/team#invite-member", {
        form: "invite",
        message: error.userMessage,
        errors: error.fields ?? {},
        values,
      });
    }
  });

  app.post("/admin/invites/:id/resend", requirePage("team.manage"), async (c) =>
    shown(c, await deps.invites.resend(signedInMember(c).id, c.req.param("id")), true),
  );

  app.post("/admin/invites/:id/revoke", requirePage("team.manage"), async (c) => {
    await deps.invites.revoke(signedInMember(c).id, c.req.param("id"));
    return c.redirect("/admin/team?done=revoked#invites", 303);
  });
}
