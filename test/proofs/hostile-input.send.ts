import http from "node:http";
import net from "node:net";
import type { HostileCase } from "./hostile-input.cases.ts";

/** What came back: the status (0 when the server closed without answering) and the body's first bytes. */
export interface Answer {
  status: number;
  head: string;
  error?: string;
}

const TIMEOUT_MS = 60_000;

/** Sends one case over a keep-alive agent, or raw on its own socket; reads the status and drains the body. */
export async function send(base: URL, agent: http.Agent, c: HostileCase): Promise<Answer> {
  if (c.raw) return sendRaw(base, c.raw);
  const answer = await sendHttp(base, agent, c);
  // A kept-alive socket the server closed after its previous answer (it need not read a refused body) can be
  // picked for the next request just before its close arrives: once on a fresh socket. A server that crashed
  // or hangs up on the case itself fails the retry too.
  if (answer.status === 0 && /socket hang up|ECONNRESET|EPIPE/.test(answer.error ?? "")) {
    return sendHttp(base, false, c);
  }
  return answer;
}

function sendHttp(base: URL, agent: http.Agent | false, c: HostileCase): Promise<Answer> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...c.headers };
    if (c.body) headers["content-length"] = c.body.length;
    let req: http.ClientRequest;
    try {
      req = http.request({
        host: base.hostname,
        port: base.port,
        method: c.method,
        path: c.path,
        headers,
        agent,
        timeout: TIMEOUT_MS,
      });
    } catch (error) {
      // Node refuses to send some header values (a NUL, a line break): the server never saw the case.
      resolve({ status: -1, head: "", error: (error as Error).message });
      return;
    }
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on("data", (chunk: Buffer) => {
        if (kept < 300) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, head: Buffer.concat(chunks).toString("utf8", 0, 300) }),
      );
      res.on("error", (error) => resolve({ status: res.statusCode ?? 0, head: "", error: error.message }));
    });
    // The server may answer (413, 415) and close before the body is all written: the late EPIPE on this
    // client's socket is no answer of the server's, so it must not surface as an uncaught error.
    req.on("socket", (socket) => socket.on("error", () => undefined));
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (error) => resolve({ status: 0, head: "", error: error.message }));
    req.end(c.body);
  });
}

/** Raw bytes on a fresh socket; the status line is read, and a server that hangs up is an answer too. */
function sendRaw(base: URL, raw: Buffer): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      socket.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const head = text.slice(text.indexOf("\r\n\r\n") + 4, text.indexOf("\r\n\r\n") + 304);
      resolve({ status: match ? Number(match[1]) : 0, head, ...(error ? { error } : {}) });
    };
    socket.setTimeout(5_000, () => finish("no answer within 5 s"));
    socket.on("data", (chunk) => {
      chunks.push(chunk);
      // One response is enough: stop once the head and some body arrived.
      if (Buffer.concat(chunks).includes("\r\n\r\n")) setTimeout(() => finish(), 50);
    });
    socket.on("end", () => finish());
    socket.on("error", (error) => finish(error.message));
    socket.write(raw);
    // Half-close after "short-body" and friends, so the server sees the client stop sending.
    socket.end();
  });
}

/** Samples resident memory every 50 ms until stopped; returns the peak. */
export function sampleRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    stop(): number {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}
