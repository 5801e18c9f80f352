import type { Context, Hono } from "hono";
import { AppError } from "../../core/errors.ts";
import { ROLE_LABELS } from "../../domain/permissions.ts";
import { noStore } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { readForm } from "../../http/form.ts";
import { Layout } from "../../http/layout.tsx";
import type { SettingsService } from "../settings/settings.service.ts";
import type { InviteRow, InvitesService } from "../team/invites.service.ts";
import type { AuthService } from "./auth.service.ts";
import { NewPasswordFields } from "./password.views.tsx";

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
          {ROLE_LABELS[invite.role].toLowerCase()}. Choose a password to create your account; you then sign in
          with this email address.
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
          <input type="hidden" name="username" value={invite.email} autocomplete="username" />
          <NewPasswordFields prefix="invite" errors={props.errors} />
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
    return c.html(<InvitePage orgName={org.name} token={token} invite={invite} errors={{}} message={null} />);
  });

  app.post("/invite/:token", async (c) => {
    const token = c.req.param("token");
    const invite = await deps.invites.check(token);
    const body = await readForm(c);
    const password = text(body, "password");
    const again = async (errors: Errors, message: string, status: 400 | 409) => {
      const org = await deps.settings.org();
      return c.html(
        <InvitePage orgName={org.name} token={token} invite={invite} errors={errors} message={message} />,
        status,
      );
    };
    if (password !== text(body, "passwordConfirm")) {
      return again({ passwordConfirm: "The two passwords differ." }, "The two passwords differ.", 400);
    }
    try {
      const session = await deps.auth.acceptInvite(token, password);
      deps.startSession(c, session);
      return c.redirect("/inbox", 303);
    } catch (error) {
      if (error instanceof AppError && (error.status === 400 || error.status === 409)) {
        return again(error.fields ?? {}, error.userMessage, error.status);
      }
      throw error;
    }
  });
}
