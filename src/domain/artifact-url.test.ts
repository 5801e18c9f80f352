import { describe, expect, it } from "vitest";
import { checkArtifactUrl } from "./artifact-url.ts";
import { hostOnAllowList, NO_PRIVATE_HOSTS, parseHostAllowList } from "./network-trust.ts";

const allow = parseHostAllowList("builds.internal,10.0.0.0/8,127.0.0.1,::1")!;

describe("checkArtifactUrl", () => {
  it.each([
    ["https://example.org/pkg-1.2.3.tar.gz", NO_PRIVATE_HOSTS],
    ["  https://registry.npmjs.org/pkg/-/pkg-1.2.3.tgz  ", NO_PRIVATE_HOSTS],
    ["https://10.1.2.3/x.zip", NO_PRIVATE_HOSTS],
    ["http://builds.internal/x.zip", allow],
    ["http://BUILDS.internal./x.zip", allow],
    ["http://10.9.8.7:8080/x.tgz", allow],
    ["http://127.0.0.1:3000/x.tgz", allow],
    ["http://[::1]:3000/x.tgz", allow],
  ])("accepts %s", (url, list) => {
    expect(checkArtifactUrl(url, list).ok).toBe(true);
  });

  it.each([
    ["", /empty/],
    ["not a url", /not a URL/],
    ["http://example.org/x.tgz", /must start with https:\/\/ \(http:\/\/ only for a host/],
    ["http://builds.internal/x.zip", /ALERT_ALLOW_PRIVATE_HOSTS/],
    ["http://11.0.0.1/x.tgz", /must start with https/],
    ["http://builds.internal.evil.com/x.tgz", /must start with https/],
    ["ftp://example.org/x.tgz", /must start with https:\/\/$/],
    ["file:///etc/passwd", /must start with https/],
    ["gopher://example.org/", /must start with https/],
    ["javascript:alert(1)", /must start with https/],
    ["ext::sh -c touch% /tmp/pwned", /not a URL|must start with https/],
    ["https://user:secret@example.org/x.tgz", /user name or password/],
    ["https://token@example.org/x.tgz", /user name or password/],
    [`https://example.org/${"a".repeat(2100)}`, /longer than 2048/],
  ])("refuses %j", (url, problem) => {
    const list = url.startsWith("http://builds.internal/") ? NO_PRIVATE_HOSTS : allow;
    const result = checkArtifactUrl(url, list);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });
});

describe("hostOnAllowList", () => {
  it("knows listed names and addresses in listed ranges, without resolving anything", () => {
    expect(hostOnAllowList("builds.internal", allow)).toBe(true);
    expect(hostOnAllowList("10.255.0.1", allow)).toBe(true);
    expect(hostOnAllowList("[::1]", allow)).toBe(true);
    expect(hostOnAllowList("localhost", allow)).toBe(false);
    expect(hostOnAllowList("192.168.0.1", allow)).toBe(false);
    expect(hostOnAllowList("builds.internal", NO_PRIVATE_HOSTS)).toBe(false);
  });
});
