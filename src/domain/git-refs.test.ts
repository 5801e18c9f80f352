import { describe, expect, it } from "vitest";
import { branchNameProblem, classifyUpstreamUrl, isFullSha, refNameProblem } from "./git-refs.ts";

describe("full SHAs", () => {
  it("accepts exactly 40 lowercase hex digits", () => {
    expect(isFullSha("0123456789abcdef0123456789abcdef01234567")).toBe(true);
    expect(isFullSha("a".repeat(40))).toBe(true);
  });

  it("refuses abbreviations, uppercase, longer ids, refs and option-looking values", () => {
    for (const bad of [
      "",
      "abc1234",
      "a".repeat(39),
      "a".repeat(41),
      "A".repeat(40),
      "g".repeat(40),
      `-${"a".repeat(39)}`,
      `${"a".repeat(40)}\n`,
      ` ${"a".repeat(40)}`,
      "HEAD",
      "refs/heads/main",
      `${"a".repeat(40)}^{commit}`,
    ])
      expect(isFullSha(bad), bad).toBe(false);
  });
});

describe("ref names", () => {
  it("accepts ordinary full refs", () => {
    for (const good of [
      "refs/heads/main",
      "refs/heads/fix/EMB-2026-0001",
      "refs/tags/v1.2.3",
      "refs/tags/1.0-rc1",
    ])
      expect(refNameProblem(good), good).toBeNull();
  });

  it("needs two parts unless one level is allowed", () => {
    expect(refNameProblem("main")).toMatch(/two parts/);
    expect(refNameProblem("main", { oneLevel: true })).toBeNull();
  });

  it.each([
    ["", /empty/],
    ["refs/heads/a b", /printable ASCII/],
    ["refs/heads/a\tb", /printable ASCII/],
    ["refs/heads/a\nb", /printable ASCII/],
    ["refs/heads/a\u0000b", /printable ASCII/],
    ["refs/heads/\u007f", /printable ASCII/],
    ["refs/heads/caf\u00e9", /printable ASCII/],
    ["refs/heads/a~1", /"~"/],
    ["refs/heads/a^", /"\^"/],
    ["refs/heads/a:b", /":"/],
    ["refs/heads/a?", /"\?"/],
    ["refs/heads/a*", /"\*"/],
    ["refs/heads/a[b", /"\["/],
    ["refs/heads/a\\b", /"\\"/],
    ["refs/heads/a..b", /"\.\."/],
    ["refs/heads/a@{1}", /"@\{"/],
    ["@", /"@"/],
    ["/refs/heads/a", /start or end/],
    ["refs/heads/a/", /start or end/],
    ["refs//heads", /"\/\/"/],
    ["refs/heads/a.", /end with "\."/],
    ["refs/heads/.hidden", /starting with "\."/],
    ["refs/heads/a.lock", /\.lock/],
    ["refs/heads/-f", /starting with "-"/],
    ["-f/x", /starting with "-"/],
    ["--upload-pack=touch/x", /starting with "-"/],
    ["r".repeat(256), /longer than 255/],
  ])("refuses %j", (name, problem) => {
    expect(refNameProblem(name, { oneLevel: true })).toMatch(problem);
  });

  it("refuses HEAD and full refs where a branch name is asked", () => {
    expect(branchNameProblem("main")).toBeNull();
    expect(branchNameProblem("release/2.x")).toBeNull();
    expect(branchNameProblem("HEAD")).toMatch(/branch name/);
    expect(branchNameProblem("refs/heads/main")).toMatch(/branch name/);
    expect(branchNameProblem("-main")).toMatch(/"-"/);
    expect(branchNameProblem("ma in")).toMatch(/ASCII/);
  });
});

describe("upstream URLs", () => {
  it.each([
    ["https://github.com/acme/app.git", "https"],
    ["https://git.example.org:8443/team/app", "https"],
    ["ssh://git@github.com/acme/app.git", "ssh"],
    ["ssh://git.example.org:2222/srv/app.git", "ssh"],
    ["git@github.com:acme/app.git", "scp"],
    ["deploy@[::1]:repo.git", "scp"],
    ["file:///srv/git/app.git", "file"],
    ["/srv/git/app.git", "path"],
    ["  /srv/git/app.git  ", "path"],
  ])("accepts %s as %s", (url, kind) => {
    const check = classifyUpstreamUrl(url);
    expect(check).toEqual({ ok: true, kind, url: url.trim() });
  });

  it.each([
    ["", /Enter/],
    ["   ", /Enter/],
    ["ext::sh -c touch% /tmp/pwned", /Remote helpers/],
    ["ext::ssh", /Remote helpers/],
    ["fd::0", /Remote helpers/],
    ["transport::https://x/y", /Remote helpers/],
    ["::x", /Remote helpers/],
    ["-uhelp", /start with "-"/],
    ["--upload-pack=touch /tmp/x", /start with "-"/],
    ["https://x.org/a b", /spaces or control/],
    ["https://x.org/a\nb", /spaces or control/],
    ["/srv/a\u0000b", /control/],
    ["http://github.com/acme/app.git", /https/],
    ["git://github.com/acme/app.git", /git:\/\//],
    ["ftp://x.org/app.git", /"ftp:\/\/"/],
    ["HTTPS://user:secret@github.com/acme/app.git", /no password/],
    ["https://token@github.com/acme/app.git", /no user name/],
    ["https://github.com", /no repository path/],
    ["https://github.com/", /no repository path/],
    ["https://github.com/a#frag", /"#"/],
    ["ssh://-oProxyCommand=touch%20x/repo", /host name/],
    ["ssh://git@-oProxyCommand=x/repo", /host name/],
    ["ssh://-x@host/repo", /user name/],
    ["ssh://host_with_underscore/repo", /not a valid host/],
    ["-oProxyCommand=x@host:repo", /start with "-"/],
    ["git@-host:repo", /not a valid host/],
    ["g!t@host:repo", /user name/],
    ["git@host:", /path after the colon/],
    ["git@host:-repo", /path may not start/],
    ["host:repo", /Write the user/],
    ["C:\\repos\\app", /Write the user/],
    ["relative/path", /not a URL or an absolute path/],
    ["./app.git", /not a URL or an absolute path/],
    ["~/app.git", /not a URL or an absolute path/],
    ["/srv/../etc", /"\.\."/],
    ["/srv/./x", /"\."/],
    ["file://host/srv/app.git", /no host/],
    ["file:///srv/%2e%2e/etc", /"\.\."/],
    ["file://relative", /no host/],
    ["file:///srv/app?x=1", /"\?"/],
    [`https://x.org/${"a".repeat(2000)}`, /at most 2000/],
  ])("refuses %j, naming the problem", (url, problem) => {
    const check = classifyUpstreamUrl(url);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problem).toMatch(problem);
  });
});
