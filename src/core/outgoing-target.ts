import { lookup } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import { type HostAllowList, hostAllowedByName, targetAllowed } from "../domain/network-trust.ts";

// Outgoing requests to addresses others chose (alert webhooks, release artifacts): the SSRF rule of
// src/domain/network-trust.ts applied at connect time, with DNS pinned between the check and the connection.

/** Said of every refused target, whatever the reason, so the answer tells nothing about the network behind. */
export const TARGET_REFUSED =
  "refused: the address is not a public internet host (an operator can allow it with ALERT_ALLOW_PRIVATE_HOSTS)";

export interface Resolved {
  address: string;
  family: number;
}

/** Allowed, with the addresses to connect to (null: a host the operator allowed by name, resolved as usual). */
export type TargetCheck = { ok: true; addresses: Resolved[] | null } | { ok: false };

/**
 * Resolves a URL's host (an alert channel, a release artifact) and checks every address it has: a private, loopback, link-local or metadata
 * address (or one the resolver cannot find) is refused unless the operator allowed it. A host the operator
 * allowed by name is not resolved here.
 */
export async function checkOutgoingTarget(rawUrl: string, allow: HostAllowList): Promise<TargetCheck> {
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
