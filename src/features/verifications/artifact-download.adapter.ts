import http from "node:http";
import https from "node:https";
// The SSRF rule of alert webhooks, reused: resolve once, refuse private addresses, connect to what was checked.
import { checkOutgoingTarget, pinnedLookup, TARGET_REFUSED } from "../../core/outgoing-target.ts";
import { checkArtifactUrl } from "../../domain/artifact-url.ts";
import type { HostAllowList } from "../../domain/network-trust.ts";

export const ARTIFACT_DOWNLOAD_TIMEOUT_MS = 60_000;

export type ArtifactDownload = { ok: true; archive: Buffer; name: string } | { ok: false; error: string };

/** The file name a URL offers: its last path segment, decoded, or "artifact". */
export function artifactNameFromUrl(url: URL): string {
  const last = url.pathname.split("/").pop() ?? "";
  try {
    return decodeURIComponent(last) || "artifact";
  } catch {
    return last || "artifact";
  }
}

/**
 * Downloads a release artifact into memory, never more than `maxBytes`: the URL must pass the artifact URL rule,
 * and its host the same check as an alert webhook's (every address public, or allowed by the operator), and
 * the connection goes to exactly the addresses checked. Redirects are not followed: the target they name was not
 * checked. The result is the bytes or the reason, never an exception.
 */
export async function downloadArtifact(
  rawUrl: string,
  allow: HostAllowList,
  maxBytes: number,
  timeoutMs = ARTIFACT_DOWNLOAD_TIMEOUT_MS,
): Promise<ArtifactDownload> {
  const rule = checkArtifactUrl(rawUrl, allow);
  if (!rule.ok) return { ok: false, error: rule.problem };
  const target = await checkOutgoingTarget(rule.url, allow);
  if (!target.ok) return { ok: false, error: TARGET_REFUSED };
  const url = new URL(rule.url);
  const signal = AbortSignal.timeout(timeoutMs);
  const client = url.protocol === "https:" ? https : http;
  const tooLarge = `the artifact is larger than ${Math.floor(maxBytes / 1024 / 1024)} MiB`;
  return new Promise<ArtifactDownload>((resolve) => {
    let settled = false;
    const finish = (result: ArtifactDownload) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const request = client.request(
      url,
      {
        method: "GET",
        headers: { "User-Agent": "Embargo-Verification", Accept: "application/octet-stream, */*" },
        ...(target.addresses ? { lookup: pinnedLookup(target.addresses) } : {}),
        agent: false,
        signal,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          const redirect = status >= 300 && status < 400;
          finish({
            ok: false,
            error: redirect
              ? `the server answered with a redirect (HTTP ${status}); give the URL it points to`
              : `the server answered HTTP ${status}`,
          });
          return res.destroy();
        }
        if (Number(res.headers["content-length"] ?? 0) > maxBytes) {
          finish({ ok: false, error: tooLarge });
          return res.destroy();
        }
        const chunks: Buffer[] = [];
        let received = 0;
        res.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) {
            finish({ ok: false, error: tooLarge });
            res.destroy();
          } else chunks.push(chunk);
        });
        res.on("end", () =>
          finish({ ok: true, archive: Buffer.concat(chunks), name: artifactNameFromUrl(url) }),
        );
        const brokeOff = () =>
          finish({
            ok: false,
            error: signal.aborted
              ? `no complete answer within ${timeoutMs / 1000} s`
              : "the download broke off",
          });
        res.on("error", brokeOff);
        res.on("aborted", brokeOff);
      },
    );
    request.on("error", (error: Error) =>
      finish({
        ok: false,
        error: signal.aborted
          ? `no complete answer within ${timeoutMs / 1000} s`
          : (error.message || "network error").slice(0, 300),
      }),
    );
    request.end();
  });
}
