// Serving one fix repository over git's smart HTTP protocol: `git http-backend` run as a CGI program through
// spawn with an argument array and a minimal environment. GIT_PROJECT_ROOT is the one repository the request may
// reach, so no path a client sends can name another. The request body streams into the CGI program (gzip bodies
// as git sends them: http-backend inflates them itself), its output streams back, and the caller's `afterExit`
// runs before the response ends, so `git push` returns only once the push is recorded.

import { spawn } from "node:child_process";
import { DEFAULT_TIMEOUT_MS, minimalEnv, requireDir } from "./run.ts";

/** The largest request body /git/ accepts (a push's pack), and the largest pack receive-pack unpacks. */
export const MAX_GIT_REQUEST_BYTES = 200 * 1024 * 1024;
/** A clone or push that runs longer than this is cut off. */
export const GIT_HTTP_TIMEOUT_MS = 10 * DEFAULT_TIMEOUT_MS;
const MAX_CGI_HEADER_BYTES = 64 * 1024;
const STDERR_KEPT = 4000;

/** The smart-protocol requests served; anything else (the dumb protocol, other files) is refused before git runs. */
export type GitService = "git-upload-pack" | "git-receive-pack";

export interface GitHttpRequest {
  repoDir: string;
  /** Where Embargo's pre-receive hook lives (core.hooksPath). */
  hooksDir: string;
  method: "GET" | "POST";
  /** "/info/refs", "/git-upload-pack" or "/git-receive-pack". */
  pathInfo: "/info/refs" | `/${GitService}`;
  query: string;
  headers: {
    contentType?: string | undefined;
    contentEncoding?: string | undefined;
    contentLength?: string | undefined;
    gitProtocol?: string | undefined;
  };
  body: ReadableStream<Uint8Array> | null;
  /** Names the pusher for receive-pack's logs; a request without it may not push. */
  remoteUser: string | null;
  remoteAddr: string;
  /** Whether receive-pack is enabled for this request at all (the route has already refused read-only ones). */
  mayPush: boolean;
  /** Runs after git exits and before the response body ends; receives the exit code. */
  afterExit?: (code: number | null) => Promise<void>;
  onError?: (error: Error, stderr: string) => void;
}

export interface GitHttpResponse {
  status: number;
  headers: Headers;
  body: ReadableStream<Uint8Array>;
}

/** Parses the CGI header block ("Status: 403 Forbidden", "Content-Type: …") into a status and headers. */
export function parseCgiHeaders(block: string): { status: number; headers: Headers } {
  const headers = new Headers();
  let status = 200;
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") {
      const code = Number.parseInt(value, 10);
      if (code >= 100 && code <= 599) status = code;
    } else if (/^[A-Za-z0-9-]+$/.test(name)) headers.append(name, value);
  }
  return { status, headers };
}

function headerEnd(buffer: Buffer): { at: number; length: number } | null {
  const crlf = buffer.indexOf("\r\n\r\n");
  const lf = buffer.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  if (lf >= 0) return { at: lf, length: 2 };
  return null;
}

/** Runs `git http-backend` for one request; resolves once its CGI headers are read. */
export function runHttpBackend(req: GitHttpRequest): Promise<GitHttpResponse> {
  const config = [
    "protocol.allow=never",
    "protocol.ext.allow=never",
    `core.hooksPath=${requireDir(req.hooksDir)}`,
    "core.fsmonitor=false",
    "credential.helper=",
    "http.getanyfile=false",
    "http.uploadpack=true",
    `http.receivepack=${req.mayPush ? "true" : "false"}`,
    `receive.maxInputSize=${MAX_GIT_REQUEST_BYTES}`,
    "receive.fsckObjects=true",
    "uploadpack.allowAnySHA1InWant=false",
  ].flatMap((c) => ["-c", c]);
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: requireDir(req.repoDir),
    GIT_HTTP_EXPORT_ALL: "1",
    GATEWAY_INTERFACE: "CGI/1.1",
    REQUEST_METHOD: req.method,
    PATH_INFO: req.pathInfo,
    QUERY_STRING: req.query,
    REMOTE_ADDR: req.remoteAddr,
    CONTENT_TYPE: req.headers.contentType ?? "",
  };
  if (req.remoteUser) env.REMOTE_USER = req.remoteUser;
  if (req.headers.contentLength && /^\d+$/.test(req.headers.contentLength))
    env.CONTENT_LENGTH = req.headers.contentLength;
  if (req.headers.contentEncoding) env.HTTP_CONTENT_ENCODING = req.headers.contentEncoding;
  // Protocol v2 asks through this header; its value is a list of key=value words and nothing else.
  if (req.headers.gitProtocol && /^[A-Za-z0-9=:._-]{1,100}$/.test(req.headers.gitProtocol))
    env.GIT_PROTOCOL = req.headers.gitProtocol;

  const child = spawn("git", [...config, "http-backend"], {
    env: minimalEnv(env),
    stdio: ["pipe", "pipe", "pipe"],
    timeout: GIT_HTTP_TIMEOUT_MS,
    killSignal: "SIGKILL",
    windowsHide: true,
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    if (stderr.length < STDERR_KEPT) stderr += chunk.toString("utf8").slice(0, STDERR_KEPT - stderr.length);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once("close", (code) => resolve(code));
    child.once("error", () => resolve(null));
  });
  child.stdin.on("error", () => undefined); // git may exit before reading everything (a refused push)
  void pumpBody(req.body, child.stdin, () => child.kill("SIGKILL"));

  return new Promise<GitHttpResponse>((resolve, reject) => {
    let head = Buffer.alloc(0);
    let settled = false;
    let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
    const pending: Buffer[] = [];
    // Backpressure: git's output is read only as fast as the client takes it, so a slow clone holds no pack in memory.
    const body = new ReadableStream<Uint8Array>(
      {
        start(c) {
          controller = c;
          for (const chunk of pending) c.enqueue(new Uint8Array(chunk));
          pending.length = 0;
        },
        pull() {
          child.stdout.resume();
        },
        cancel() {
          child.kill("SIGKILL");
        },
      },
      { highWaterMark: 16 },
    );
    const emit = (chunk: Buffer) => {
      if (chunk.length === 0) return;
      if (!controller) return void pending.push(chunk);
      controller.enqueue(new Uint8Array(chunk));
      if ((controller.desiredSize ?? 1) <= 0) child.stdout.pause();
    };
    child.stdout.on("data", (chunk: Buffer) => {
      if (settled) return emit(chunk);
      head = Buffer.concat([head, chunk]);
      const end = headerEnd(head);
      if (!end) {
        if (head.length > MAX_CGI_HEADER_BYTES) {
          settled = true;
          child.kill("SIGKILL");
          reject(new Error("git http-backend sent no header block"));
        }
        return;
      }
      settled = true;
      const { status, headers } = parseCgiHeaders(head.subarray(0, end.at).toString("latin1"));
      emit(head.subarray(end.at + end.length));
      resolve({ status, headers, body });
    });
    void exited.then(async (code) => {
      if (!settled) {
        settled = true;
        req.onError?.(new Error(`git http-backend exited with ${code} before its headers`), stderr);
        reject(new Error("git http-backend exited before answering"));
        return;
      }
      if (code !== 0) req.onError?.(new Error(`git http-backend exited with ${code}`), stderr);
      try {
        await req.afterExit?.(code);
      } catch (error) {
        req.onError?.(error as Error, stderr);
      }
      try {
        controller?.close();
      } catch {
        // the client went away and the stream is already cancelled
      }
    });
  });
}

/** Streams the request body into git's stdin with backpressure; more than the limit kills git. */
async function pumpBody(
  body: ReadableStream<Uint8Array> | null,
  stdin: NodeJS.WritableStream,
  tooLarge: () => void,
): Promise<void> {
  if (!body) {
    stdin.end();
    return;
  }
  let total = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_GIT_REQUEST_BYTES) {
        tooLarge();
        await reader.cancel();
        return;
      }
      if (!stdin.write(value))
        await new Promise<void>((r) => {
          stdin.once("drain", r);
          stdin.once("close", r);
        });
    }
  } catch {
    // the client went away; git sees the end of its input
  }
  stdin.end();
}
