// What may reach the system `git` as an argument: ref names by git's check-ref-format rules (and stricter),
// full object ids, and upstream URLs of the transports Embargo accepts. Everything else is refused here, before
// any process starts, so no value can be read as an option or select a remote helper such as `ext::`.

/** Longest ref name accepted (git allows more; nothing legitimate needs it). */
export const MAX_REF_LENGTH = 255;
/** Longest upstream URL accepted. */
export const MAX_UPSTREAM_LENGTH = 2000;

/** A full SHA-1 object id as git prints it: 40 lowercase hex digits. Abbreviations are refused: they can be ambiguous. */
export function isFullSha(value: string): boolean {
  return /^[0-9a-f]{40}$/.test(value);
}

/**
 * Why a ref name is refused, or null when it is acceptable. The rules are `git check-ref-format`'s, plus: printable
 * ASCII only, at most 255 characters, and no component starting with "-" (an argument that could be an option).
 * `oneLevel` allows a name without "/" (a branch or tag name as people write it, e.g. "main").
 */
export function refNameProblem(name: string, options: { oneLevel?: boolean } = {}): string | null {
  if (name.length === 0) return "is empty";
  if (name.length > MAX_REF_LENGTH) return `is longer than ${MAX_REF_LENGTH} characters`;
  if (/[^\x21-\x7e]/.test(name)) return "may hold only printable ASCII characters, without spaces";
  const forbidden = name.match(/[~^:?*[\\]/);
  if (forbidden) return `may not contain "${forbidden[0]}"`;
  if (name.includes("..")) return 'may not contain ".."';
  if (name.includes("@{")) return 'may not contain "@{"';
  if (name === "@") return 'may not be "@"';
  if (name.startsWith("/") || name.endsWith("/")) return 'may not start or end with "/"';
  if (name.includes("//")) return 'may not contain "//"';
  if (name.endsWith(".")) return 'may not end with "."';
  if (!options.oneLevel && !name.includes("/")) return 'must have at least two parts separated by "/"';
  for (const part of name.split("/")) {
    if (part.startsWith(".")) return 'may not have a part starting with "."';
    if (part.endsWith(".lock")) return 'may not have a part ending with ".lock"';
    if (part.startsWith("-")) return 'may not have a part starting with "-"';
  }
  return null;
}

/** A branch name as people write it ("main", "release/2.x"); its full ref is `refs/heads/<name>`. */
export function branchNameProblem(name: string): string | null {
  const problem = refNameProblem(name, { oneLevel: true });
  if (problem) return problem;
  if (name === "HEAD" || name.startsWith("refs/")) return 'must be a branch name such as "main", not a ref';
  return null;
}

/** The transports an upstream may use. "scp" is git's `user@host:path`; "path" an absolute local path. */
export type UpstreamKind = "https" | "ssh" | "scp" | "file" | "path";

export type UpstreamCheck = { ok: true; kind: UpstreamKind; url: string } | { ok: false; problem: string };

const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+\]$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
const ACCEPTED = "Use https://, ssh://, user@host:path, or for local use file:// or an absolute path.";

const fail = (problem: string): UpstreamCheck => ({ ok: false, problem });

/** A path as git will read it: absolute, no NUL, no "." or ".." segments (which could point elsewhere). */
function localPathProblem(p: string): string | null {
  if (!p.startsWith("/")) return "The path must be absolute (start with /).";
  if (p.split("/").some((s) => s === "." || s === ".."))
    return 'The path may not contain "." or ".." segments.';
  return null;
}

/**
 * Classifies an upstream URL, or names what is wrong with it. Accepted: https://, ssh://, `user@host:path`, and
 * for local and test use file:// or an absolute path. Refused with a reason: remote helpers (`ext::`, any
 * `<transport>::`), values starting with "-" (git would read them as options), http:// and git:// (no
 * authentication of the server), credentials inside the URL (they belong in the sealed credentials), whitespace
 * and control characters, and host or user names starting with "-" (the ssh option injection of CVE-2017-1000117).
 */
export function classifyUpstreamUrl(input: string): UpstreamCheck {
  const value = input.trim();
  if (value === "") return fail("Enter the upstream URL.");
  if (value.length > MAX_UPSTREAM_LENGTH) return fail(`Use at most ${MAX_UPSTREAM_LENGTH} characters.`);
  if (value.startsWith("-")) return fail('The URL may not start with "-": git would read it as an option.');
  const helper = value.match(/^([A-Za-z0-9+.-]*)::/);
  if (helper)
    return fail(`Remote helpers such as "${helper[1]}::" are not allowed: they run commands. ${ACCEPTED}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\s\x00-\x1f\x7f]/.test(value)) return fail("The URL may not contain spaces or control characters.");

  const scheme = value.match(/^([A-Za-z][A-Za-z0-9+.-]*):\/\//)?.[1]?.toLowerCase();
  if (scheme === "https" || scheme === "ssh") return remoteUrl(value, scheme);
  if (scheme === "file") {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return fail("The file:// URL is not valid.");
    }
    if (parsed.host !== "") return fail("A file:// URL names no host: use file:///absolute/path.");
    // The path as written, decoded the way git decodes it: the URL parser would quietly resolve "%2e%2e".
    let raw: string;
    try {
      raw = decodeURIComponent(value.slice("file://".length));
    } catch {
      return fail("The file:// URL has a broken %-escape.");
    }
    const problem = localPathProblem(raw);
    if (problem) return fail(problem);
    if (parsed.search || parsed.hash) return fail('A file:// URL may not contain "?" or "#".');
    return { ok: true, kind: "file", url: value };
  }
  if (scheme === "http") return fail("Plain http:// does not authenticate the server: use https://.");
  if (scheme === "git") return fail("git:// does not authenticate the server: use https:// or ssh://.");
  if (scheme) return fail(`The transport "${scheme}://" is not accepted. ${ACCEPTED}`);

  if (value.startsWith("/")) {
    const problem = localPathProblem(value);
    return problem ? fail(problem) : { ok: true, kind: "path", url: value };
  }
  // git's scp-like syntax: user@host:path, with no "/" before the first ":".
  const scp = value.match(/^([^@/:]+)@(\[[^\]]+\]|[^/:]+):(.*)$/);
  if (scp) {
    const [, user, host, path] = scp as unknown as [string, string, string, string];
    if (!USER.test(user)) return fail("The user name before @ may hold only letters, digits, . _ and -.");
    if (!(HOST.test(host) || IPV6.test(host))) return fail(`"${host}" is not a valid host name.`);
    if (path === "") return fail("Name the repository's path after the colon, e.g. git@host:team/app.git.");
    if (path.startsWith("-")) return fail('The path may not start with "-".');
    return { ok: true, kind: "scp", url: value };
  }
  if (/^[^/]*:/.test(value)) return fail(`Write the user too (user@host:path). ${ACCEPTED}`);
  return fail(`This is not a URL or an absolute path. ${ACCEPTED}`);
}

function remoteUrl(value: string, scheme: "https" | "ssh"): UpstreamCheck {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return fail(`The ${scheme}:// URL is not valid.`);
  }
  const host = parsed.hostname;
  if (host === "") return fail("The URL names no host.");
  if (host.startsWith("-")) return fail('The host name may not start with "-".');
  if (!(HOST.test(host) || IPV6.test(host))) return fail(`"${host}" is not a valid host name.`);
  if (parsed.password !== "")
    return fail("Put no password or token in the URL: store it as the repository's credentials.");
  if (scheme === "https" && parsed.username !== "")
    return fail("Put no user name or token in the URL: store it as the repository's credentials.");
  if (scheme === "ssh" && parsed.username !== "" && !USER.test(decodeURIComponent(parsed.username)))
    return fail("The user name before @ may hold only letters, digits, . _ and -.");
  if (parsed.pathname === "" || parsed.pathname === "/") return fail("The URL names no repository path.");
  if (parsed.hash) return fail('The URL may not contain "#".');
  return { ok: true, kind: scheme, url: value };
}
