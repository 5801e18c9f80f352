import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { type HostAllowList, hostAllowedByName, targetAllowed } from "../../domain/network-trust.ts";

/** Every outgoing alert request gives up after this long, so a hanging receiver cannot hold a worker. */
export const ALERT_REQUEST_TIMEOUT_MS = 10_000;

/** Said of every refused target, whatever the reason, so the answer tells nothing about the network behind. */
export const TARGET_REFUSED =
  "refused: the address is not a public internet host (an operator can allow it with ALERT_ALLOW_PRIVATE_HOSTS)";

interface Resolved {
  address: string;
  family: number;
}

/** Allowed, with the addresses to connect to (null: a host the operator allowed by name, resolved as usual). */
export type TargetCheck = { ok: true; addresses: Resolved[] | null } | { ok: false };

/**
 * Resolves a channel URL's host and checks every address it has: a private, loopback, link-local or metadata
 * address (or one the resolver cannot find) is refused unless the operator allowed it. A host the operator
 * allowed by name is not resolved here.
 */
export async function checkAlertTarget(rawUrl: string, allow: HostAllowList): Promise<TargetCheck> {
  let host: string;
  try {
    host = new URL(rawUrl).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return { ok: false };
  }
  if (hostAllowedByName(host, allow)) return { ok: true, addresses: null };
  let addresses: Resolved[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return { ok: false };
  }
  return targetAllowed(
    host,
    addresses.map((a) => a.address),
    allow,
  )
    ? { ok: true, addresses }
    : { ok: false };
}

/** A lookup that answers only with the addresses already checked, so DNS cannot change between check and connect. */
export function pinnedLookup(addresses: Resolved[]): LookupFunction {
  return (_host, options, callback) => {
    const family = typeof options === "object" ? options.family : undefined;
    const usable = addresses.filter((a) => !family || a.family === family);
    if (usable.length === 0) {
      const error = Object.assign(new Error("no checked address of the requested family"), {
        code: "ENOTFOUND",
      });
      return callback(error, "", 0);
    }
    if (typeof options === "object" && options.all) return callback(null, usable);
    return callback(null, usable[0]!.address, usable[0]!.family);
  };
}

export interface OutgoingRequest {
  method: "POST" | "PUT";
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SendResult {
  ok: boolean;
  status?: number;
  error?: string;
  /** The target was refused before connecting: retrying will not help. */
  refused?: boolean;
}

/**
 * Sends one request after checking its target again (DNS may have changed since the channel was saved), and
 * connects to exactly the checked addresses. The result is the HTTP status or the error, never an exception.
 */
export async function sendAlertRequest(
  req: OutgoingRequest,
  allow: HostAllowList,
  timeoutMs = ALERT_REQUEST_TIMEOUT_MS,
): Promise<SendResult> {
  const check = await checkAlertTarget(req.url, allow);
  if (!check.ok) return { ok: false, refused: true, error: TARGET_REFUSED };
  const url = new URL(req.url);
  const signal = AbortSignal.timeout(timeoutMs);
  const client = url.protocol === "https:" ? https : http;
  return new Promise<SendResult>((resolve) => {
    const request = client.request(
      url,
      {
        method: req.method,
        headers: { ...req.headers, "Content-Length": String(Buffer.byteLength(req.body)) },
        ...(check.addresses ? { lookup: pinnedLookup(check.addresses) } : {}),
        // A fresh connection each time: a pooled socket was opened under an earlier check, not this one.
        agent: false,
        signal,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.destroy();
        const ok = status >= 200 && status < 300;
        resolve(ok ? { ok, status } : { ok, status, error: `HTTP ${status}` });
      },
    );
    request.on("error", (error: Error) => {
      resolve({
        ok: false,
        error: signal.aborted
          ? `no answer within ${timeoutMs / 1000} s`
          : (error.message || "network error").slice(0, 300),
      });
    });
    request.end(req.body);
  });
}
