import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import type { Clock } from "../core/clock.ts";
import type { Db } from "../core/db.ts";
import { AppError } from "../core/errors.ts";
import { clientAddress, type TrustProxy } from "../domain/network-trust.ts";
import type { AppEnv } from "./env.ts";
import { hitRateLimit, windowStartOf } from "./rate-limit.repo.ts";

export interface RateLimitOptions {
  /** Names the counter, so different routes can share or separate their budgets. */
  bucket: string;
  /** Hits allowed per window; a function reads admin settings at request time. */
  limit: number | ((c: Context<AppEnv>) => number | Promise<number>);
  windowSeconds: number;
  /** Who is counted: usually the client IP. */
  key: (c: Context<AppEnv>) => string;
}

export interface RateLimitDeps {
  db: Db;
  clock: Clock;
  /** Which reverse proxies may name the client in X-Forwarded-For; unset: none, the socket address counts. */
  trustProxy?: TrustProxy | undefined;
}

/** The rate limits of one application: where they count, by which clock, and how clients are told apart. */
export function createRateLimits(deps: RateLimitDeps) {
  /**
   * The client's address for rate limiting: the socket's, or the right-most X-Forwarded-For entry not written
   * by a trusted proxy (the left of the header is the client's to choose). Without a socket it is "unknown".
   */
  function clientIp(c: Context<AppEnv>): string {
    let socket = "unknown";
    try {
      socket = getConnInfo(c).remote.address ?? "unknown";
    } catch {
      // app.request() in tests has no socket
    }
    return clientAddress(socket, c.req.header("x-forwarded-for"), deps.trustProxy ?? { kind: "none" });
  }

  /** Counts a hit and refuses with 429 and Retry-After once the window's budget is spent. */
  async function enforceRateLimit(
    c: Context<AppEnv>,
    options: Omit<RateLimitOptions, "key"> & { key: string },
  ): Promise<void> {
    const now = deps.clock().getTime();
    const windowMs = options.windowSeconds * 1000;
    const start = windowStartOf(now, options.windowSeconds);
    const windowStart = start.getTime();
    const limit = typeof options.limit === "function" ? await options.limit(c) : options.limit;
    const count = await hitRateLimit(deps.db, `${options.bucket}:${options.key}`, start);
    if (count > limit) {
      const retryAfter = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
      throw new AppError(
        "rate_limited",
        429,
        `Too many requests from your address. Try again in ${formatWait(retryAfter)}.`,
        undefined,
        { "Retry-After": String(retryAfter) },
      );
    }
  }

  /** Fixed-window limits kept in the database, so every instance behind a load balancer shares one count. */
  function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      await enforceRateLimit(c, { ...options, key: options.key(c) });
      await next();
    };
  }

  return { clientIp, enforceRateLimit, rateLimit };
}

export type RateLimits = ReturnType<typeof createRateLimits>;

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "a minute" : `${minutes} minutes`;
}
