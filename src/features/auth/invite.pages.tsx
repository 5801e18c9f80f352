import type { Context, Hono } from "hono";
import { AppError } from "../../core/errors.ts";
import { ROLE_LABELS } from "../../domain/permissions.ts";
import { noStore } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { readForm } from "../../http/form.ts";
import { redirectWithFormState, retypeNote, takeFormState } from "../../http/form-state.ts";
import { Layout } from "../../http/layout.tsx";
import type { SettingsService } from "../settings/settings.service.ts";
import type { InviteRow, InvitesService } from "../team/invites.service.ts";
import type { AuthService } from "./auth.service.ts";
import { AccountFields } from "./password.views.tsx";

/** What the invite pages use. */
export interface InvitePagesDeps {
  auth: AuthService;
  invites: Pick<InvitesService, "check">;
  settings: SettingsService;
  /** Starts the browser's session cookie, as sign-in does. */
  startSession: (c: Context<AppEnv>, session: { token: string; expiresAt: Date }) => void;
}

type Errors = Record<string, string>;

function InvitePage(props: {
  orgName: string;
  token: string;
  invite: InviteRow;
  /** The name to show: the invite's, or what was typed in a refused post. */
  name: string;
  errors: Errors;
  message: string | null;
}) {
  const { invite } = props;
  return (
    <Layout title={props.message ? "Error: Join the team" : "Join the team"} orgName={props.orgName}>
      <section class="card narrow auth-card">
        <h1>Join the {props.orgName} security team</h1>
        <p>
          You were invited as <strong>{invite.name}</strong> (<span class="break">{invite.email}</span>),{" "}
          {ROLE_LABELS[invite.role].toLowerCase()}. Check your name and choose a password to create your
          account; you then sign in with this email address.
        </p>
        <p class="muted">
          This link works once, until {invite.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC.
        </p>
        {props.message && (
          <div class="notice error" role="alert" id="invite-error">
            {props.message}
          </div>
        )}
        <form method="post" action={`/invite/${props.token}`}>
          <AccountFields
            prefix="invite"
            values={{ email: invite.email, name: props.name }}
            errors={props.errors}
            emailFixed
          />
          <div class="actions">
            <button type="submit">Create my account and sign in</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}

const text = (body: Record<string, unknown>, name: string): string => {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : "";
};

/** The page behind an invite link: the invited person chooses a password and is signed in as the new member. */
export function registerInvitePages(app: Hono<AppEnv>, deps: InvitePagesDeps) {
  // The page holds a one-time link and a password form: no cache may keep it.
  app.use("/invite/:token", noStore);

  app.get("/invite/:token", async (c) => {
    const token = c.req.param("token");
    const invite = await deps.invites.check(token);
    const org = await deps.settings.org();
    const state = await takeFormState(c);
    const kept = state?.form === "invite" ? state : null;
    return c.html(
      <InvitePage
        orgName={org.name}
        token={token}
        invite={invite}
        name={kept ? String(kept.values.name ?? "") : invite.name}
        errors={kept?.errors ?? {}}
        message={kept ? kept.message + retypeNote(kept) : null}
      />,
    );
  });

  app.post("/invite/:token", async (c) => {
    const token = c.req.param("token");
    // A used, expired or unknown link answers with its own page (404), before anything is read.
    await deps.invites.check(token);
    const body = await readForm(c);
    const name = text(body, "name");
    const password = text(body, "password");
    // Post/redirect/get: the page shows why once, with the name kept; the passwords are typed again.
    const again = (errors: Errors, message: string) =>
      redirectWithFormState(c, `/invite/${encodeURIComponent(token)}`, {
        form: "invite",
        message,
        errors,
        values: { name, password, passwordConfirm: text(body, "passwordConfirm") },
      });
    if (password !== text(body, "passwordConfirm")) {
      return again({ passwordConfirm: "The two passwords differ." }, "The two passwords differ.");
    }
    try {
      // A form without the name field (an older page) keeps the invite's name.
      const session = await deps.auth.acceptInvite(token, password, "name" in body ? name : undefined);
      deps.startSession(c, session);
      return c.redirect("/inbox", 303);
    } catch (error) {
      if (error instanceof AppError && (error.status === 400 || error.status === 409)) {
        return again(error.fields ?? {}, error.userMessage);
      }
      throw error;
    }
  });
}
