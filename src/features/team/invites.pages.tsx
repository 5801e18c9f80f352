import type { Context, Hono } from "hono";
import { AppError } from "../../core/errors.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { FormProblem } from "../../http/components/admin-layout.tsx";
import type { AppEnv } from "../../http/env.ts";
import { readForm } from "../../http/form.ts";
import type { InvitesService, IssuedInvite } from "./invites.service.ts";
import type { IssuedInviteView } from "./invites.views.tsx";

const INVITE_FIELDS = ["email", "name", "role", "expertise"] as const;

/** The team page, rendered with what an invite post adds to it. */
export type RenderTeam = (
  c: Context<AppEnv>,
  extra: { invite?: FormProblem; issued?: IssuedInviteView; status?: 200 | 201 | 400 | 409 },
) => Promise<Response>;

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
 * its hash), so that answer is the team page with the link, not a redirect, and no cache may keep it.
 */
export function registerInviteAdminPages(
  app: Hono<AppEnv>,
  deps: { invites: InvitesService; renderTeam: RenderTeam },
) {
  app.post("/admin/invites", requirePage("team.manage"), async (c) => {
    const body = await readForm(c);
    const values: Record<string, string> = {};
    for (const name of INVITE_FIELDS) {
      const value = lastText(body, name);
      if (value !== undefined) values[name] = value;
    }
    try {
      const issued = await deps.invites.invite(signedInMember(c).id, values);
      c.header("Cache-Control", "no-store");
      return deps.renderTeam(c, { issued: view(issued, false), status: 201 });
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 400 && error.status !== 409)) throw error;
      const invite = { message: error.userMessage, errors: error.fields ?? {}, values };
      return deps.renderTeam(c, { invite, status: error.status });
    }
  });

  app.post("/admin/invites/:id/resend", requirePage("team.manage"), async (c) => {
    const issued = await deps.invites.resend(signedInMember(c).id, c.req.param("id"));
    c.header("Cache-Control", "no-store");
    return deps.renderTeam(c, { issued: view(issued, true) });
  });

  app.post("/admin/invites/:id/revoke", requirePage("team.manage"), async (c) => {
    await deps.invites.revoke(signedInMember(c).id, c.req.param("id"));
    return c.redirect("/admin/team?done=revoked#invites", 303);
  });
}
