import { describe, expect, it } from "vitest";
import { addressUse, cidrContains, formatIp, parseCidr, parseIp } from "./ip-address.ts";
import {
  clientAddress,
  NO_PRIVATE_HOSTS,
  parseHostAllowList,
  parseTrustProxy,
  targetAllowed,
} from "./network-trust.ts";

const use = (text: string) => {
  const ip = parseIp(text);
  if (!ip) throw new Error(`${text} did not parse`);
  return addressUse(ip);
};
const canonical = (text: string) => {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : null;
};

describe("parseIp", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["127.1", "127.0.0.1"],
    ["0x7f.1", "127.0.0.1"],
    ["0x7F.0.0.1", "127.0.0.1"],
    ["0177.0.0.1", "127.0.0.1"],
    ["2130706433", "127.0.0.1"],
    ["017700000001", "127.0.0.1"],
    ["10.0.0.1.", "10.0.0.1"],
    ["0", "0.0.0.0"],
    ["::", "::"],
    ["::1", "::1"],
    ["[::1]", "::1"],
    ["[::ffff:127.0.0.1]", "::ffff:7f00:1"],
    ["::FFFF:7f00:1", "::ffff:7f00:1"],
    ["2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["fd00:ec2::254", "fd00:ec2::254"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
  ])("reads %s as %s", (text, expected) => {
    expect(canonical(text)).toBe(expected);
  });

  it.each([
    "",
    "localhost",
    "example.org",
    "1.2.3.4.5",
    "256.0.0.1",
    "1.2.3.256",
    "4294967296",
    "1..2",
    "08.1.1.1",
    "0xg.1",
    "1.2.3.-1",
    ":::",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7::8",
    "12345::",
    "::1%eth0",
    "fe80::1%25lo",
    "::ffff:1.2.3",
    "::ffff:300.1.1.1",
    "[::1",
    " ",
    "1.2.3.4/8",
    "x".repeat(100),
  ])("refuses %j", (text) => {
    expect(parseIp(text)).toBeNull();
  });
});

describe("addressUse", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["93.184.216.34", "public"],
    ["2606:4700::1111", "public"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["127.1", "loopback"],
    ["0x7f.1", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["[::ffff:127.0.0.1]", "loopback"],
    ["64:ff9b::7f00:1", "loopback"],
    ["2002:7f00:1::", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["::ffff:10.0.0.1", "private"],
    ["fec0::1", "private"],
    ["100.64.0.1", "cgnat"],
    ["100.127.255.255", "cgnat"],
    ["169.254.1.1", "link-local"],
    ["fe80::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["169.254.169.254", "metadata"],
    ["::ffff:169.254.169.254", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.1", "reserved"],
    ["2001:db8::1", "reserved"],
    ["2001::1", "reserved"],
    ["::7f00:1", "reserved"],
    ["100::1", "reserved"],
  ])("%s is %s", (text, expected) => {
    expect(use(text)).toBe(expected);
  });

  it("keeps the neighbours of special ranges public", () => {
    for (const text of [
      "172.15.255.255",
      "172.32.0.0",
      "100.63.255.255",
      "100.128.0.0",
      "11.0.0.0",
      "9.255.255.255",
    ])
      expect(use(text)).toBe("public");
  });
});

describe("CIDR ranges", () => {
  it("contains what it should, and IPv4 ranges hold mapped IPv6 addresses", () => {
    const net = parseCidr("10.0.0.0/8")!;
    expect(cidrContains(net, parseIp("10.255.0.1")!)).toBe(true);
    expect(cidrContains(net, parseIp("::ffff:10.1.1.1")!)).toBe(true);
    expect(cidrContains(net, parseIp("11.0.0.1")!)).toBe(false);
    expect(cidrContains(parseCidr("192.168.4.0/22")!, parseIp("192.168.7.255")!)).toBe(true);
    expect(cidrContains(parseCidr("192.168.4.0/22")!, parseIp("192.168.8.0")!)).toBe(false);
    expect(cidrContains(parseCidr("0.0.0.0/0")!, parseIp("1.2.3.4")!)).toBe(true);
    expect(cidrContains(parseCidr("0.0.0.0/0")!, parseIp("::1")!)).toBe(false);
    expect(cidrContains(parseCidr("fd00::/8")!, parseIp("fd01::1")!)).toBe(true);
    expect(cidrContains(parseCidr("::1")!, parseIp("::1")!)).toBe(true);
  });

  it.each([
    "10.0.0.0/33",
    "::/129",
    "10.0.0.0/",
    "10.0.0.0/x",
    "/8",
    "example.org/8",
    "10.0.0.0/8/8",
    "10.0.0.0/-1",
  ])("refuses %j", (text) => {
    expect(parseCidr(text)).toBeNull();
  });
});

describe("TRUST_PROXY", () => {
  it("reads yes/no, hop counts and proxy lists", () => {
    expect(parseTrustProxy(undefined)).toEqual({ kind: "none" });
    expect(parseTrustProxy("false")).toEqual({ kind: "none" });
    expect(parseTrustProxy("0")).toEqual({ kind: "none" });
    expect(parseTrustProxy("true")).toEqual({ kind: "hops", hops: 1 });
    expect(parseTrustProxy("1")).toEqual({ kind: "hops", hops: 1 });
    expect(parseTrustProxy(" 2 ")).toEqual({ kind: "hops", hops: 2 });
    const list = parseTrustProxy("10.0.0.1, 192.168.0.0/16,::1");
    expect(list?.kind === "list" && list.proxies.length).toBe(3);
  });

  it.each(["maybe", "-1", "1.5", "33", "10.0.0.1,", "10.0.0.0/40", "proxy.internal", "true,10.0.0.1"])(
    "refuses %j",
    (text) => {
      expect(parseTrustProxy(text)).toBeNull();
    },
  );

  const none = parseTrustProxy("false")!;
  const one = parseTrustProxy("true")!;
  const two = parseTrustProxy("2")!;
  const list = parseTrustProxy("10.0.0.0/8,192.168.1.1")!;

  it("without trust uses the socket and ignores the header", () => {
    expect(clientAddress("203.0.113.9", "1.1.1.1", none)).toBe("203.0.113.9");
  });

  it("with one hop takes the entry the proxy appended, whatever the client wrote before it", () => {
    expect(clientAddress("10.0.0.2", "6.6.6.6, 7.7.7.7, 198.51.100.4", one)).toBe("198.51.100.4");
    expect(clientAddress("10.0.0.2", "spoofed, 198.51.100.4", one)).toBe("198.51.100.4");
    expect(clientAddress("10.0.0.2", undefined, one)).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", " , ", one)).toBe("10.0.0.2");
  });

  it("with two hops skips the second proxy's own entry", () => {
    expect(clientAddress("10.0.0.2", "6.6.6.6, 198.51.100.4, 10.0.0.3", two)).toBe("198.51.100.4");
    expect(clientAddress("10.0.0.2", "198.51.100.4", two)).toBe("198.51.100.4");
  });

  it("with a proxy list walks from the right past trusted proxies only", () => {
    expect(clientAddress("10.0.0.2", "6.6.6.6, 198.51.100.4, 192.168.1.1, 10.9.9.9", list)).toBe(
      "198.51.100.4",
    );
    expect(clientAddress("203.0.113.9", "1.1.1.1", list)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:10.0.0.2", "198.51.100.4", list)).toBe("198.51.100.4");
    expect(clientAddress("10.0.0.2", "10.0.0.3, 10.0.0.4", list)).toBe("10.0.0.3");
    expect(clientAddress("10.0.0.2", "garbage, 10.0.0.4", list)).toBe("garbage");
  });

  it("normalises the address it returns, so notations and ports do not make new keys", () => {
    expect(clientAddress("10.0.0.2", "198.51.100.4:5555", one)).toBe("198.51.100.4");
    expect(clientAddress("10.0.0.2", "[2001:DB8::1]:443", one)).toBe("2001:db8::1");
    expect(clientAddress("10.0.0.2", "::ffff:198.51.100.4", one)).toBe("198.51.100.4");
    expect(clientAddress("10.0.0.2", "x".repeat(500), one)).toHaveLength(100);
  });
});

describe("ALERT_ALLOW_PRIVATE_HOSTS", () => {
  it("reads host names, addresses and ranges", () => {
    expect(parseHostAllowList(undefined)).toEqual(NO_PRIVATE_HOSTS);
    const list = parseHostAllowList("10.0.0.5, Hooks.Internal., fd00::/8,127.0.0.1")!;
    expect(list.hosts).toEqual(["hooks.internal"]);
    expect(list.ranges).toHaveLength(3);
  });

  it.each(["http://x", "a b", "10.0.0.0/99", "-bad.example", "x/8"])("refuses %j", (text) => {
    expect(parseHostAllowList(text)).toBeNull();
  });

  it("allows public addresses, and private ones only when listed", () => {
    expect(targetAllowed("example.org", ["93.184.216.34", "2606:2800::1"], NO_PRIVATE_HOSTS)).toBe(true);
    for (const a of [
      "127.0.0.1",
      "::1",
      "10.1.2.3",
      "169.254.169.254",
      "fd00:ec2::254",
      "0.0.0.0",
      "::",
      "100.64.1.1",
    ])
      expect(targetAllowed("h", [a], NO_PRIVATE_HOSTS)).toBe(false);
    const allow = parseHostAllowList("10.0.0.5,hooks.internal")!;
    expect(targetAllowed("10.0.0.5", ["10.0.0.5"], allow)).toBe(true);
    expect(targetAllowed("x", ["10.0.0.6"], allow)).toBe(false);
    expect(targetAllowed("HOOKS.internal", ["192.168.3.3"], allow)).toBe(true);
  });

  it("refuses a name when any one of its addresses is refused, or when it has none", () => {
    expect(targetAllowed("rebind.example", ["93.184.216.34", "127.0.0.1"], NO_PRIVATE_HOSTS)).toBe(false);
    expect(targetAllowed("x", [], NO_PRIVATE_HOSTS)).toBe(false);
    expect(targetAllowed("x", ["not-an-ip"], NO_PRIVATE_HOSTS)).toBe(false);
  });
});
