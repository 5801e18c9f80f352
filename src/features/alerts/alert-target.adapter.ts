import http from "node:http";
import https from "node:https";
import { checkOutgoingTarget, pinnedLookup, TARGET_REFUSED } from "../../core/outgoing-target.ts";
import type { HostAllowList } from "../../domain/network-trust.ts";

export { TARGET_REFUSED };

/** Every outgoing alert request gives up after this long, so a hanging receiver cannot hold a worker. */
export const ALERT_REQUEST_TIMEOUT_MS = 10_000;

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
  const check = await checkOutgoingTarget(req.url, allow);
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
