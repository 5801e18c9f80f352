import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { CurrentUser } from "../core/actors.ts";
import { AppError, forbidden } from "../core/errors.ts";
import { safeEqual } from "../crypto/tokens.ts";
import { type Capability, can } from "../domain/permissions.ts";
import type { AppEnv } from "./env.ts";
import { readForm } from "./form.ts";

/** What loadSession needs from the auth service: the member and CSRF token behind a session cookie. */
export interface SessionLookup {
  session(token: string): Promise<{ user: CurrentUser; csrfToken: string } | null>;
}

/** What requireApi needs from the auth service: the member behind an API token. */
export interface ApiTokenLookup {
  apiUser(token: string): Promise<CurrentUser | null>;
}

export const SESSION_COOKIE = "embargo_session";

/** Loads the signed-in member from the session cookie, if any; never fails the request. */
export function loadSession(auth: SessionLookup): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("user", null);
    c.set("csrfToken", null);
    c.set("authKind", null);
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const session = await auth.session(token);
      if (session) {
        const { user } = session;
        c.set("user", { id: user.id, email: user.email, name: user.name, role: user.role });
        c.set("csrfToken", session.csrfToken);
        c.set("authKind", "session");
      }
    }
    await next();
  };
}

/** Pages with embargoed details, secrets or capability links: no shared or browser cache may keep them. */
export const noStore: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.header("Cache-Control", "no-store");
  await next();
};

/** The signed-in member; behind requirePage there is one, else the session ended (401). */
export function signedInMember(c: Context<AppEnv>): CurrentUser {
  const user = c.var.user;
  if (!user) throw new AppError("unauthenticated", 401, "Your session has ended. Sign in again.");
  return user;
}

/**
 * Team pages: a session is required (browsers are sent to the login page), the role must allow the capability,
 * and every state-changing form must carry the session's CSRF token.
 */
export function requirePage(capability: Capability): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.var.user;
    if (!user) {
      if (c.req.method === "GET") {
        const back = new URL(c.req.url);
        return c.redirect(`/login?next=${encodeURIComponent(back.pathname + back.search)}`, 303);
      }
      throw new AppError("unauthenticated", 401, "Your session has ended. Sign in again.");
    }
    if (!can(user.role, capability)) throw forbidden();
    if (c.req.method !== "GET" && c.req.method !== "HEAD") await checkCsrfToken(c);
    // Team pages show embargoed vulnerability details: no shared or browser cache may keep them.
    c.header("Cache-Control", "no-store");
    await next();
  };
}

async function checkCsrfToken(c: Context<AppEnv>): Promise<void> {
  const expected = c.var.csrfToken ?? "";
  const header = c.req.header("x-csrf-token");
  let sent = header ?? "";
  if (!sent) {
    const type = c.req.header("content-type") ?? "";
    if (type.includes("form")) {
      const body = await readForm(c);
      sent = typeof body._csrf === "string" ? body._csrf : "";
    }
  }
  if (!expected || !sent || !safeEqual(sent, expected)) {
    throw new AppError(
      "csrf_failed",
      403,
      "This form has expired or did not come from Embargo. Reload the page and try again.",
    );
  }
}

/** The JSON API authenticates by bearer token only, so cookies (and with them CSRF) play no part. */
export function requireApi(auth: ApiTokenLookup, capability: Capability): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const user = match ? await auth.apiUser(match[1]!) : null;
    if (!user) {
      throw new AppError(
        "unauthenticated",
        401,
        "Send a valid API token as 'Authorization: Bearer <token>'.",
        undefined,
        {
          "WWW-Authenticate": 'Bearer realm="embargo"',
        },
      );
    }
    c.set("user", { id: user.id, email: user.email, name: user.name, role: user.role });
    c.set("authKind", "api");
    if (!can(user.role, capability)) throw forbidden();
    await next();
  };
}

/**
 * Refuses cross-site form posts: the Origin (or Referer) of every unsafe browser request must be this site.
 * This covers forms without a session too (login, setup, the report form and reporter replies).
 */
export function sameOrigin(publicUrl: string): MiddlewareHandler<AppEnv> {
  const publicOrigin = new URL(publicUrl).origin;
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next();
    // The API never reads cookies (bearer tokens only; the public intake takes JSON only), so no CSRF exposure.
    if (c.req.path.startsWith("/api/")) return next();
    const type = c.req.header("content-type") ?? "";
    const formLike = type === "" || /form|text\/plain/i.test(type);
    if (!formLike) return next(); // JSON cannot be sent cross-site without CORS, which we never grant
    const source = c.req.header("origin") ?? refererOrigin(c.req.header("referer"));
    const own = new URL(c.req.url).origin;
    if (!source || (source !== own && source !== publicOrigin)) {
      throw new AppError(
        "cross_origin",
        403,
        "This form was sent from another site, so it was refused. Open the page on this site and try again.",
      );
    }
    return next();
  };
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
