import { type HostAllowList, hostOnAllowList } from "./network-trust.ts";

export const MAX_ARTIFACT_URL_LENGTH = 2048;

export type ArtifactUrl = { ok: true; url: string } | { ok: false; problem: string };

/**
 * Whether Embargo may download a release artifact from this URL: `https://`, or plain `http://` only to a host
 * the operator put on the private-host allow-list (ALERT_ALLOW_PRIVATE_HOSTS, the rule alert webhooks follow),
 * as a build server inside the team's network. No user name or password in the URL: a credential there would
 * be stored and shown with the verification. This rule reads the URL only; the download still resolves the
 * host and refuses private addresses that are not allowed, as an alert delivery does.
 */
export function checkArtifactUrl(raw: string, allow: HostAllowList): ArtifactUrl {
  const text = raw.trim();
  if (text === "") return { ok: false, problem: "the artifact URL is empty" };
  if (text.length > MAX_ARTIFACT_URL_LENGTH)
    return { ok: false, problem: `the artifact URL is longer than ${MAX_ARTIFACT_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: "the artifact URL is not a URL" };
  }
  if (url.username !== "" || url.password !== "")
    return { ok: false, problem: "the artifact URL must not hold a user name or password" };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (url.protocol === "https:" && host !== "") return { ok: true, url: url.href };
  if (url.protocol === "http:" && host !== "") {
    if (hostOnAllowList(host, allow)) return { ok: true, url: url.href };
    return {
      ok: false,
      problem:
        "the artifact URL must start with https:// (http:// only for a host an operator allowed with ALERT_ALLOW_PRIVATE_HOSTS)",
    };
  }
  return { ok: false, problem: "the artifact URL must start with https://" };
}
