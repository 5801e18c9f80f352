import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { AppError } from "../../core/errors.ts";
import { noStore, requirePage, SESSION_COOKIE } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { readForm } from "../../http/form.ts";
import { redirectWithFormState, retypeNote, takeFormState } from "../../http/form-state.ts";
import { Layout } from "../../http/layout.tsx";
import type { SettingsService } from "../settings/settings.service.ts";
import type { InvitesService } from "../team/invites.service.ts";
import type { AuthService } from "./auth.service.ts";
import { registerInvitePages } from "./invite.pages.tsx";
import { AccountFields, AuthFieldError } from "./password.views.tsx";

/** What the sign-in pages use. */
export interface AuthPagesDeps {
  auth: AuthService;
  settings: SettingsService;
  invites: Pick<InvitesService, "check">;
  /** The address the intake key is made for today, offered on the setup form. */
  intakeAddress: () => Promise<string>;
  publicUrl: string;
  /** The client address as the rate limiter sees it (X-Forwarded-For only when a proxy is trusted). */
  clientIp: (c: Context<AppEnv>) => string;
}

type ParsedBody = Record<string, string | File | (string | File)[]>;
type Errors = Record<string, string>;

const text = (body: ParsedBody, name: string): string => {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : "";
};

/**
 * Where to go after signing in. Only a path on this site: "//evil.example" and "/\evil.example" are read by
 * browsers as other hosts, so they and anything with control characters fall back to the inbox (no open redirect).
 */
export function safeNext(next: string | undefined | null): string {
  if (!next || next.length > 2000) return "/inbox";
  if (!next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return "/inbox";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(next)) return "/inbox";
  return next;
}

function isSecure(c: Context<AppEnv>, publicUrl: string): boolean {
  return new URL(c.req.url).protocol === "https:" || publicUrl.startsWith("https:");
}

function startSession(c: Context<AppEnv>, session: { token: string; expiresAt: Date }, publicUrl: string) {
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: isSecure(c, publicUrl),
    expires: session.expiresAt,
  });
}

function LoginPage(props: { orgName: string; email: string; next: string; error: string | null }) {
  return (
    <Layout
      title={props.error ? "Error: Team sign-in" : "Team sign-in"}
      orgName={props.orgName}
      active="login"
    >
      <section class="card narrow auth-card">
        <h1>Team sign-in</h1>
        <p class="muted">For the {props.orgName} security team. Researchers do not need an account.</p>
        {props.error && (
          <div class="notice error" role="alert" id="login-error">
            {props.error}
          </div>
        )}
        <form method="post" action="/login">
          <input type="hidden" name="next" value={props.next} />
          <label for="login-email">Email</label>
          <input
            type="email"
            id="login-email"
            name="email"
            value={props.email}
            autocomplete="username"
            required
            autofocus
          />
          <label for="login-password">Password</label>
          <input
            type="password"
            id="login-password"
            name="password"
            autocomplete="current-password"
            required
          />
          <div class="actions">
            <button type="submit">Sign in</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}

interface SetupValues {
  email: string;
  name: string;
  orgName: string;
  securityEmail: string;
}

function SetupPage(props: {
  orgName: string;
  token: string;
  values: SetupValues;
  errors: Errors;
  message: string | null;
}) {
  const e = props.errors;
  const aria = (id: string, name: string, hint?: string) => ({
    "aria-invalid": e[name] ? "true" : undefined,
    "aria-describedby": e[name] ? `${id}-error` : hint,
  });
  return (
    <Layout title={props.message ? "Error: Set up Embargo" : "Set up Embargo"} orgName={props.orgName}>
      <section class="card narrow auth-card">
        <h1>Set up Embargo</h1>
        <p class="muted">
          This one-time link creates the first administrator. It stops working once used, after 24 hours, or
          as soon as an admin exists.
        </p>
        {props.message && (
          <div class="notice error" role="alert" id="setup-error">
            {props.message}
          </div>
        )}
        <form method="post" action={`/setup/${props.token}`}>
          <fieldset>
            <legend>Your organisation</legend>
            <label for="setup-org-name">Organisation name</label>
            <input
              type="text"
              id="setup-org-name"
              name="orgName"
              value={props.values.orgName}
              autocomplete="organization"
              required
              {...aria("setup-org-name", "orgName")}
            />
            <AuthFieldError id="setup-org-name" message={e.orgName} />
            <label for="setup-security-email">
              Security address{" "}
              <span class="hint" id="setup-security-email-hint">
                The mailbox reporters write to, e.g. security@example.org. The intake key that researchers
                encrypt to is made for this address, and security.txt names it.
              </span>
            </label>
            <input
              type="email"
              id="setup-security-email"
              name="securityEmail"
              value={props.values.securityEmail}
              required
              {...aria("setup-security-email", "securityEmail", "setup-security-email-hint")}
            />
            <AuthFieldError id="setup-security-email" message={e.securityEmail} />
          </fieldset>
          <fieldset>
            <legend>You, the first admin</legend>
            <AccountFields prefix="setup" values={props.values} errors={e} />
          </fieldset>
          <div class="actions">
            <button type="submit">Create admin and sign in</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}

/**
 * The security address to offer on the setup form: the one the intake key would be made for, unless its host is
 * no mail domain (security@localhost, security@127.0.0.1), which no reporter can write to; then the field starts
 * empty, so nobody accepts it by pressing Enter.
 */
export function offeredAddress(address: string): string {
  const domain = address.split("@")[1] ?? "";
  return /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z][a-z0-9-]*[a-z]$/i.test(domain) ? address : "";
}

const SETUP_INVALID = "This setup link is not valid: it was used, has expired, or an admin exists.";

/** Sign-in, sign-out, the first-admin setup link and invites: the only pages that create or end team sessions. */
export function registerAuthPages(app: Hono<AppEnv>, deps: AuthPagesDeps) {
  registerInvitePages(app, {
    auth: deps.auth,
    invites: deps.invites,
    settings: deps.settings,
    startSession: (c, session) => startSession(c, session, deps.publicUrl),
  });
  // Sign-in and setup pages carry passwords and one-time links: no cache may keep them.
  app.use("/login", noStore);
  app.use("/setup/:token", noStore);

  app.get("/login", async (c) => {
    const next = safeNext(c.req.query("next"));
    if (c.var.user) return c.redirect(next, 303);
    const org = await deps.settings.org();
    return c.html(<LoginPage orgName={org.name} email="" next={next} error={null} />);
  });

  app.post("/login", async (c) => {
    const body = await readForm(c);
    const email = text(body, "email").slice(0, 254);
    const next = safeNext(text(body, "next"));
    try {
      const session = await deps.auth.login(email, text(body, "password"), deps.clientIp(c));
      startSession(c, session, deps.publicUrl);
      return c.redirect(next, 303);
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 401 && error.status !== 429)) throw error;
      for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
      const org = await deps.settings.org();
      return c.html(
        <LoginPage orgName={org.name} email={email} next={next} error={error.userMessage} />,
        error.status,
      );
    }
  });

  app.post("/logout", requirePage("report.read"), async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await deps.auth.logout(token);
    deleteCookie(c, SESSION_COOKIE, {
      path: "/",
      secure: isSecure(c, deps.publicUrl),
      httpOnly: true,
      sameSite: "Lax",
    });
    return c.redirect("/login", 303);
  });

  app.get("/setup/:token", async (c) => {
    const token = c.req.param("token");
    if (!(await deps.auth.setupLinkValid(token))) {
      throw new AppError("setup_link_invalid", 404, SETUP_INVALID);
    }
    const org = await deps.settings.org();
    const securityEmail = org.securityEmail || offeredAddress(await deps.intakeAddress());
    const state = await takeFormState(c);
    const kept = state?.form === "setup" ? state : null;
    return c.html(
      <SetupPage
        orgName={org.name}
        token={token}
        values={{
          email: String(kept?.values.email ?? ""),
          name: String(kept?.values.name ?? ""),
          orgName: kept ? String(kept.values.orgName ?? "") : org.name,
          securityEmail: kept ? String(kept.values.securityEmail ?? "") : securityEmail,
        }}
        errors={kept?.errors ?? {}}
        message={kept ? kept.message + retypeNote(kept) : null}
      />,
    );
  });

  app.post("/setup/:token", async (c) => {
    const token = c.req.param("token");
    if (!(await deps.auth.setupLinkValid(token))) {
      throw new AppError("setup_link_invalid", 404, SETUP_INVALID);
    }
    const body = await readForm(c);
    const values = {
      email: text(body, "email"),
      name: text(body, "name"),
      orgName: text(body, "orgName"),
      securityEmail: text(body, "securityEmail"),
    };
    const password = text(body, "password");
    // Passwords are never kept: the page asks for them again.
    const again = (errors: Errors, message: string) =>
      redirectWithFormState(c, `/setup/${encodeURIComponent(token)}`, {
        form: "setup",
        message,
        errors,
        values: { ...values, password, passwordConfirm: text(body, "passwordConfirm") },
      });
    if (password !== text(body, "passwordConfirm")) {
      return again({ passwordConfirm: "The two passwords differ." }, "The two passwords differ.");
    }
    try {
      const session = await deps.auth.completeSetup(token, {
        email: values.email,
        name: values.name,
        password,
        organisation: { name: values.orgName, securityEmail: values.securityEmail },
      });
      startSession(c, session, deps.publicUrl);
      return c.redirect("/inbox", 303);
    } catch (error) {
      if (error instanceof AppError && (error.status === 400 || error.status === 409)) {
        return again(error.fields ?? {}, error.userMessage);
      }
      throw error;
    }
  });
}
