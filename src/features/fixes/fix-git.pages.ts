// `<PUBLIC_URL>/git/<reference>.git/…`: a report's private fix repository over git's smart HTTP protocol.
// Registered before the body limit, the same-origin check and the session: git sends no cookies and pushes can
// be large, so this route authenticates by HTTP Basic alone and has its own size limit (MAX_GIT_REQUEST_BYTES).
//
//   no credentials                  401 with a Basic challenge, for every /git/ path alike
//   a credential that opens nothing 404, one body for an unknown report, a report without a fix repository, an
//                                   unknown, revoked, expired or other report's token; failures are rate-limited
//   a read-only credential pushing  403 text/plain, one line git prints as "remote: …"

import type { Context, Hono } from "hono";
import type { Logger } from "pino";
import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../core/db.ts";
import type { TrustProxy } from "../../domain/network-trust.ts";
import { type GitService, MAX_GIT_REQUEST_BYTES, runHttpBackend } from "../../git/http-backend.ts";
import type { ApiTokenLookup } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { createRateLimits } from "../../http/rate-limit.ts";
import type { FixesService } from "./fixes.service.ts";

/** What the git route uses: the fixes service, members' API tokens, and the rate limits' database and clock. */
export interface FixGitDeps {
  fixes: Pick<FixesService, "gitAccess" | "pushHooksDir" | "recordPush">;
  /** Members' API tokens, read as the JSON API reads them. */
  auth: ApiTokenLookup;
  db: Db;
  deps: { clock: Clock; trustProxy?: TrustProxy | undefined };
}

/** Failed credentials one address may send in FAILED_AUTH_WINDOW_S before /git/ answers 429. */
const FAILED_AUTH_LIMIT = 30;
const FAILED_AUTH_WINDOW_S = 300;
const NOT_FOUND = "Repository not found.\n";
const READ_ONLY =
  "Embargo: this credential may only fetch from this repository; pushing needs the API token of a team member who can act on reports.\n";

/** The smart-protocol paths served; the dumb protocol and other files are refused. */
const GIT_PATH = /^\/git\/([A-Za-z0-9-]{1,40})\.git(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/;

/** The password of an HTTP Basic header (the user name is ignored), or null when there is none. */
export function basicPassword(header: string | undefined): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]{1,2000})$/i.exec(header?.trim() ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const password = colon < 0 ? "" : decoded.slice(colon + 1);
  return password === "" ? null : password;
}

/** Which service a request is for, or null when it is not a smart-protocol request this route serves. */
function serviceOf(method: string, pathInfo: string, query: URLSearchParams): GitService | null {
  if (pathInfo === "/info/refs") {
    const service = query.get("service");
    return method === "GET" && (service === "git-upload-pack" || service === "git-receive-pack")
      ? service
      : null;
  }
  if (method !== "POST") return null;
  return pathInfo === "/git-upload-pack" ? "git-upload-pack" : "git-receive-pack";
}

export function registerFixGitRoutes(app: Hono<AppEnv>, services: FixGitDeps, logger?: Logger) {
  const { clock, trustProxy } = services.deps;
  const deps = {
    ...services,
    logger,
    limits: createRateLimits({ db: services.db, clock: () => clock(), trustProxy }),
  };
  const text = (c: Context<AppEnv>, body: string, status: 401 | 403 | 404 | 413, headers = {}) =>
    c.text(body, status, { "Cache-Control": "no-store", ...headers });

  const serve = async (c: Context<AppEnv>) => {
    const secret = basicPassword(c.req.header("authorization"));
    if (secret === null)
      return text(c, "Authentication required.\n", 401, { "WWW-Authenticate": 'Basic realm="Embargo"' });
    const url = new URL(c.req.url);
    const match = GIT_PATH.exec(url.pathname);
    const service = match ? serviceOf(c.req.method, match[2]!, url.searchParams) : null;
    const member = await deps.auth.apiUser(secret);
    const access = match ? await deps.fixes.gitAccess(match[1]!, secret, member) : null;
    if (!access) {
      // Counts the failure; past the limit the answer becomes 429 (the rate limiter's own error page).
      await deps.limits.enforceRateLimit(c, {
        bucket: "git-auth-failed",
        key: deps.limits.clientIp(c),
        limit: FAILED_AUTH_LIMIT,
        windowSeconds: FAILED_AUTH_WINDOW_S,
      });
      return text(c, NOT_FOUND, 404);
    }
    if (!service || !match) return text(c, NOT_FOUND, 404);
    if (service === "git-receive-pack" && !access.mayPush) return text(c, READ_ONLY, 403);
    const length = Number(c.req.header("content-length") ?? "0");
    if (length > MAX_GIT_REQUEST_BYTES)
      return text(c, `Embargo: a push may be at most ${MAX_GIT_REQUEST_BYTES / 1024 / 1024} MB.\n`, 413);
    const pusherId = access.pusherId;
    const pushes = service === "git-receive-pack" && c.req.method === "POST" && pusherId !== null;
    const answer = await runHttpBackend({
      repoDir: access.repoDir,
      hooksDir: deps.fixes.pushHooksDir(),
      method: c.req.method === "POST" ? "POST" : "GET",
      pathInfo: match[2] as "/info/refs",
      query: url.search.slice(1),
      headers: {
        contentType: c.req.header("content-type"),
        contentEncoding: c.req.header("content-encoding"),
        contentLength: c.req.header("content-length"),
        gitProtocol: c.req.header("git-protocol"),
      },
      body: c.req.method === "POST" ? c.req.raw.body : null,
      remoteUser: access.remoteUser,
      remoteAddr: deps.limits.clientIp(c),
      mayPush: access.mayPush,
      ...(pushes
        ? {
            afterExit: async () => {
              await deps.fixes.recordPush(access.reportId, pusherId);
            },
          }
        : {}),
      onError: (err, stderr) =>
        deps.logger?.warn(
          { err, stderr, reference: access.reference },
          "git http-backend reported a problem",
        ),
    });
    answer.headers.set("Cache-Control", "no-store");
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };

  app.get("/git/*", serve);
  app.post("/git/*", serve);
}
