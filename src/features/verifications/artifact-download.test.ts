import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tarGz } from "../../../test/helpers/archives.ts";
import { TARGET_REFUSED } from "../../core/outgoing-target.ts";
import { NO_PRIVATE_HOSTS, parseHostAllowList } from "../../domain/network-trust.ts";
import { checkArtifact } from "./artifact.ts";
import { artifactNameFromUrl, downloadArtifact } from "./artifact-download.adapter.ts";

const TARBALL = tarGz([{ name: "pkg-1.0/src/a.c", content: "fixed\n" }]);

/** A loopback release server: each path answers one way a real or hostile server might. */
async function startServer() {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    switch (req.url) {
      case "/pkg-1.0.tar.gz":
        res.writeHead(200, { "Content-Length": TARBALL.length }).end(TARBALL);
        return;
      case "/declared-huge.tgz":
        res.writeHead(200, { "Content-Length": 50_000_000 }).end();
        return;
      case "/endless.tgz": {
        res.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024);
        const timer = setInterval(() => res.write(chunk), 1);
        res.on("close", () => clearInterval(timer));
        return;
      }
      case "/moved.tgz":
        res.writeHead(302, { Location: "http://169.254.169.254/latest/meta-data/" }).end();
        return;
      case "/slow.tgz":
        res.writeHead(200);
        res.write(Buffer.from([0x1f]));
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("downloading a release artifact", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const loopback = parseHostAllowList("127.0.0.1")!;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("downloads from a host the operator allowed, names the file by the URL and checks it", async () => {
    const download = await downloadArtifact(`${server.base}/pkg-1.0.tar.gz`, loopback, 1024 * 1024);
    expect(download.ok).toBe(true);
    if (!download.ok) return;
    expect(download.archive.equals(TARBALL)).toBe(true);
    expect(download.name).toBe("pkg-1.0.tar.gz");
    const result = await checkArtifact({ ...download, files: [{ path: "src/a.c", expectedBlob: null }] });
    expect(result.checks[0]!.result).toBe("fail");
  });

  it("refuses plain http to a host not on the allow-list without connecting", async () => {
    const before = server.hits.length;
    const download = await downloadArtifact(`${server.base}/pkg-1.0.tar.gz`, NO_PRIVATE_HOSTS, 1024 * 1024);
    expect(download).toEqual({
      ok: false,
      error:
        "the artifact URL must start with https:// (http:// only for a host an operator allowed with ALERT_ALLOW_PRIVATE_HOSTS)",
    });
    expect(server.hits.length).toBe(before);
  });

  it("refuses https to a private or loopback address with the alert webhooks' SSRF answer", async () => {
    for (const url of [
      "https://127.0.0.1:1/x.tgz",
      "https://169.254.169.254/x.zip",
      "https://[::1]/x.tgz",
      "https://10.0.0.1/x.zip",
    ]) {
      expect(await downloadArtifact(url, NO_PRIVATE_HOSTS, 1024)).toEqual({
        ok: false,
        error: TARGET_REFUSED,
      });
    }
  });

  it("stops at the size limit, whether the server declares the length or streams without end", async () => {
    const tooLarge = { ok: false, error: "the artifact is larger than 1 MiB" };
    expect(await downloadArtifact(`${server.base}/declared-huge.tgz`, loopback, 1024 * 1024)).toEqual(
      tooLarge,
    );
    expect(await downloadArtifact(`${server.base}/endless.tgz`, loopback, 1024 * 1024)).toEqual(tooLarge);
  });

  it("does not follow a redirect, and reports an error status", async () => {
    expect(await downloadArtifact(`${server.base}/moved.tgz`, loopback, 1024)).toEqual({
      ok: false,
      error: "the server answered with a redirect (HTTP 302); give the URL it points to",
    });
    expect(await downloadArtifact(`${server.base}/missing.tgz`, loopback, 1024)).toEqual({
      ok: false,
      error: "the server answered HTTP 404",
    });
  });

  it("gives up on a server that stops sending", async () => {
    expect(await downloadArtifact(`${server.base}/slow.tgz`, loopback, 1024, 300)).toEqual({
      ok: false,
      error: "no complete answer within 0.3 s",
    });
  });

  it("names the artifact by the URL's last path segment", () => {
    expect(artifactNameFromUrl(new URL("https://x.org/a/pkg%201.0.tgz?sig=1"))).toBe("pkg 1.0.tgz");
    expect(artifactNameFromUrl(new URL("https://x.org/"))).toBe("artifact");
    expect(artifactNameFromUrl(new URL("https://x.org/%E0%A4%A"))).toBe("%E0%A4%A");
  });
});
