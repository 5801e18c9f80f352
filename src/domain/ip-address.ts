/**
 * IP addresses and CIDR ranges as bytes, and what each address is for. Pure: no DNS, no sockets. Parsing is
 * deliberately lenient where URL parsers and `inet_aton` are (`127.1`, `0x7f.1`, `017700000001`, brackets),
 * because an address someone could smuggle past a stricter parser must still be recognised and classified.
 */

export interface IpAddress {
  family: 4 | 6;
  /** 4 bytes for IPv4, 16 for IPv6. */
  bytes: readonly number[];
}

export interface Cidr {
  family: 4 | 6;
  bytes: readonly number[];
  prefix: number;
}

/** What an address is used for; only "public" may be reached from a server without the operator's say-so. */
export type AddressUse =
  | "public"
  | "unspecified"
  | "loopback"
  | "private"
  | "link-local"
  | "unique-local"
  | "cgnat"
  | "multicast"
  | "metadata"
  | "reserved";

/** One IPv4 number part as inet_aton reads it: decimal, 0x hex or leading-zero octal. */
function ipv4Part(part: string): number | null {
  let digits = part;
  let radix = 10;
  if (/^0x/i.test(part)) {
    digits = part.slice(2);
    radix = 16;
    if (digits === "") return 0;
    if (!/^[0-9a-f]+$/i.test(digits)) return null;
  } else if (part.length > 1 && part.startsWith("0")) {
    digits = part.slice(1);
    radix = 8;
    if (!/^[0-7]+$/.test(digits)) return null;
  } else if (!/^[0-9]+$/.test(part)) return null;
  if (digits.length > 12) return null;
  return Number.parseInt(digits, radix);
}

/** IPv4 in every form inet_aton and the WHATWG URL parser accept: 1 to 4 parts, the last filling the rest. */
function parseIpv4(text: string): number[] | null {
  const trimmed = text.endsWith(".") ? text.slice(0, -1) : text;
  const parts = trimmed.split(".");
  if (parts.length < 1 || parts.length > 4 || parts.some((p) => p === "")) return null;
  const values: number[] = [];
  for (const p of parts) {
    const v = ipv4Part(p);
    if (v === null) return null;
    values.push(v);
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255)) return null;
  const lastBytes = 4 - values.length;
  if (last >= 256 ** lastBytes) return null;
  const tail: number[] = [];
  for (let i = lastBytes - 1; i >= 0; i--) tail.push(Math.floor(last / 256 ** i) % 256);
  return [...values, ...tail];
}

/** Strict dotted quad, as the tail of an IPv6 address must be. */
function parseDottedQuad(text: string): number[] | null {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return null;
  const bytes = text.split(".").map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

function parseIpv6(text: string): number[] | null {
  if (!/^[0-9a-f:.]+$/i.test(text) || text.length > 45) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === "") return [];
    const out: number[] = [];
    const pieces = s.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes(".")) {
        const quad = parseDottedQuad(piece);
        if (!quad) return null;
        out.push(quad[0]! * 256 + quad[1]!, quad[2]! * 256 + quad[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) out.push(Number.parseInt(piece, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !rest) return null;
  let words: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    words = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else words = head;
  if (words.length !== 8) return null;
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

/** An IPv4 or IPv6 address (optionally in brackets), or null for anything else, including host names and zones. */
export function parseIp(raw: string): IpAddress | null {
  let text = raw.trim();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  if (text === "" || text.length > 64) return null;
  if (text.includes(":")) {
    const bytes = parseIpv6(text);
    return bytes ? { family: 6, bytes } : null;
  }
  const bytes = parseIpv4(text);
  return bytes ? { family: 4, bytes } : null;
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it is; every other address unchanged. */
export function unmapIp(ip: IpAddress): IpAddress {
  if (
    ip.family === 6 &&
    ip.bytes.slice(0, 10).every((b) => b === 0) &&
    ip.bytes[10] === 0xff &&
    ip.bytes[11] === 0xff
  )
    return { family: 4, bytes: ip.bytes.slice(12) };
  return ip;
}

/** The canonical text of an address (IPv4 dotted, IPv6 compressed lower case), so one address has one key. */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return ip.bytes.join(".");
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(ip.bytes[i]! * 256 + ip.bytes[i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/** A CIDR range such as 10.0.0.0/8 or fd00::/8; a bare address is a range of one. Null when malformed. */
export function parseCidr(raw: string): Cidr | null {
  const text = raw.trim();
  const slash = text.indexOf("/");
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return null;
  const max = ip.family === 4 ? 32 : 128;
  if (slash < 0) return { ...ip, prefix: max };
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= max ? { ...ip, prefix } : null;
}

/** Whether the range holds the address; IPv4-mapped IPv6 addresses count as the IPv4 address they carry. */
export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  const ip = cidr.family === 4 ? unmapIp(address) : address;
  if (ip.family !== cidr.family) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip.bytes[i]! & mask) !== (cidr.bytes[i]! & mask)) return false;
  }
  return true;
}

const range = (text: string): Cidr => parseCidr(text)!;

/** Special IPv4 ranges, most specific first (RFC 6890 and the cloud metadata address). */
const IPV4_RANGES: readonly [Cidr, AddressUse][] = [
  [range("169.254.169.254/32"), "metadata"],
  [range("100.100.100.200/32"), "metadata"],
  [range("0.0.0.0/8"), "unspecified"],
  [range("10.0.0.0/8"), "private"],
  [range("100.64.0.0/10"), "cgnat"],
  [range("127.0.0.0/8"), "loopback"],
  [range("169.254.0.0/16"), "link-local"],
  [range("172.16.0.0/12"), "private"],
  [range("192.0.0.0/24"), "reserved"],
  [range("192.0.2.0/24"), "reserved"],
  [range("192.88.99.0/24"), "reserved"],
  [range("192.168.0.0/16"), "private"],
  [range("198.18.0.0/15"), "reserved"],
  [range("198.51.100.0/24"), "reserved"],
  [range("203.0.113.0/24"), "reserved"],
  [range("224.0.0.0/4"), "multicast"],
  [range("240.0.0.0/4"), "reserved"],
];

/** Special IPv6 ranges; anything outside 2000::/3 (global unicast) is reserved as well. */
const IPV6_RANGES: readonly [Cidr, AddressUse][] = [
  [range("fd00:ec2::254/128"), "metadata"],
  [range("::/128"), "unspecified"],
  [range("::1/128"), "loopback"],
  [range("100::/64"), "reserved"],
  [range("2001::/23"), "reserved"],
  [range("2001:db8::/32"), "reserved"],
  [range("fc00::/7"), "unique-local"],
  [range("fe80::/10"), "link-local"],
  [range("fec0::/10"), "private"],
  [range("ff00::/8"), "multicast"],
];

const NAT64 = range("64:ff9b::/96");
const SIX_TO_FOUR = range("2002::/16");
const GLOBAL_UNICAST = range("2000::/3");

/**
 * What an address is for. Addresses that carry an IPv4 address (mapped, NAT64, 6to4) are judged by that
 * address, so ::ffff:127.0.0.1 and 64:ff9b::7f00:1 are loopback, not public.
 */
export function addressUse(address: IpAddress): AddressUse {
  const ip = unmapIp(address);
  if (ip.family === 4) {
    for (const [cidr, use] of IPV4_RANGES) if (cidrContains(cidr, ip)) return use;
    return "public";
  }
  if (cidrContains(NAT64, ip)) return addressUse({ family: 4, bytes: ip.bytes.slice(12) });
  if (cidrContains(SIX_TO_FOUR, ip)) return addressUse({ family: 4, bytes: ip.bytes.slice(2, 6) });
  for (const [cidr, use] of IPV6_RANGES) if (cidrContains(cidr, ip)) return use;
  return cidrContains(GLOBAL_UNICAST, ip) ? "public" : "reserved";
}
