import { addressUse, type Cidr, cidrContains, formatIp, parseCidr, parseIp, unmapIp } from "./ip-address.ts";

/** Which reverse proxies in front of Embargo may say who the client is (TRUST_PROXY). */
export type TrustProxy =
  | { kind: "none" }
  | { kind: "hops"; hops: number }
  | { kind: "list"; proxies: Cidr[] };

export const TRUST_PROXY_HELP =
  "must be true (one proxy), false, a number of proxy hops, or a comma-separated list of proxy addresses or CIDR ranges, e.g. 10.0.0.1,192.168.0.0/16";

/** A range written in a setting: dotted quads or IPv6 only, so "1.5" is an error rather than 1.0.0.5. */
function settingCidr(entry: string): Cidr | null {
  const text = entry.trim();
  const address = text.split("/")[0]!;
  if (!address.includes(":") && !/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) return null;
  return parseCidr(text);
}

/** Reads TRUST_PROXY as Express does: a yes/no, a hop count, or the proxies' addresses. Null when malformed. */
export function parseTrustProxy(raw: string | undefined): TrustProxy | null {
  const text = (raw ?? "").trim().toLowerCase();
  if (text === "" || text === "false" || text === "no" || text === "0") return { kind: "none" };
  if (text === "true" || text === "yes") return { kind: "hops", hops: 1 };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops >= 1 && hops <= 32 ? { kind: "hops", hops } : null;
  }
  const proxies: Cidr[] = [];
  for (const entry of text.split(",")) {
    const cidr = settingCidr(entry);
    if (!cidr) return null;
    proxies.push(cidr);
  }
  return { kind: "list", proxies };
}

/** An address as one key: canonical when it parses (port stripped), otherwise the text, bounded. */
function addressKey(entry: string): string {
  let text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[^:]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  const ip = parseIp(text);
  return ip ? formatIp(unmapIp(ip)) : text.slice(0, 100);
}

/**
 * The client's address: the socket's, or, walking X-Forwarded-For from the right (the entries the trusted
 * proxies appended), the first address that is not a trusted proxy. Entries further left are written by the
 * client itself and are never believed, so rotating them cannot dodge a rate limit.
 */
export function clientAddress(socket: string, forwardedFor: string | undefined, trust: TrustProxy): string {
  const chain = [
    socket,
    ...(forwardedFor ?? "")
      .split(",")
      .map((e) => e.trim())
      .filter((e) => e !== "")
      .reverse(),
  ].map(addressKey);
  if (trust.kind === "none") return chain[0]!;
  if (trust.kind === "hops") return chain[Math.min(trust.hops, chain.length - 1)]!;
  let i = 0;
  while (i < chain.length - 1) {
    const ip = parseIp(chain[i]!);
    if (!ip || !trust.proxies.some((cidr) => cidrContains(cidr, ip))) break;
    i++;
  }
  return chain[i]!;
}

/** Hosts and ranges an operator lets alerts reach although they are not public (ALERT_ALLOW_PRIVATE_HOSTS). */
export interface HostAllowList {
  hosts: string[];
  ranges: Cidr[];
}

export const NO_PRIVATE_HOSTS: HostAllowList = { hosts: [], ranges: [] };

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

const hostKey = (host: string) =>
  host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");

/** Reads a comma-separated list of host names, addresses and CIDR ranges; null when an entry is none of them. */
export function parseHostAllowList(raw: string | undefined): HostAllowList | null {
  const list: HostAllowList = { hosts: [], ranges: [] };
  for (const entry of (raw ?? "").split(",")) {
    if (entry.trim() === "") continue;
    const cidr = settingCidr(entry);
    if (cidr) list.ranges.push(cidr);
    else if (HOST_NAME.test(hostKey(entry))) list.hosts.push(hostKey(entry));
    else return null;
  }
  return list;
}

/** Whether the operator allowed this host by name: it may then resolve to anything, and is not checked. */
export function hostAllowedByName(host: string, allow: HostAllowList): boolean {
  return allow.hosts.includes(hostKey(host));
}

/**
 * Whether a server-side request may go to this host, given every address its name resolved to: each must be
 * public, or in an allowed range, unless the operator allowed the host name itself. No addresses: refused.
 */
export function targetAllowed(host: string, addresses: readonly string[], allow: HostAllowList): boolean {
  if (hostAllowedByName(host, allow)) return true;
  if (addresses.length === 0) return false;
  return addresses.every((text) => {
    const ip = parseIp(text);
    if (!ip) return false;
    return addressUse(ip) === "public" || allow.ranges.some((cidr) => cidrContains(cidr, ip));
  });
}

/**
 * Whether the operator listed this host itself, by name or as an address inside an allowed range, without
 * resolving it. A host name that only resolves into an allowed range is not listed.
 */
export function hostOnAllowList(host: string, allow: HostAllowList): boolean {
  if (hostAllowedByName(host, allow)) return true;
  const ip = parseIp(hostKey(host));
  return ip !== null && allow.ranges.some((cidr) => cidrContains(cidr, ip));
}
