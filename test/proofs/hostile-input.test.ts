import { execFileSync } from "node:child_process";
import http from "node:http";
import { serve } from "@hono/node-server";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app.tsx";
import { makeTeam, reportFields } from "../helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../helpers/db.ts";
import { csrfOf, sessionCookie } from "../helpers/http.ts";
import { raiseIntakeLimits } from "../helpers/intake-limits.ts";
import { freePort } from "../helpers/net.ts";
import { type Gpg, MEMBER_PUBLIC_KEY, makeGpg } from "../helpers/pgp.ts";
import { hostileCase, type StormTargets } from "./hostile-input.cases.ts";
import { type Answer, sampleRss, send } from "./hostile-input.send.ts";
import { prng } from "./hostile-input.values.ts";

/**
 * The hostile-input proof: thousands of generated malicious requests against the real server on a loopback
 * socket. None may answer 5xx, memory stays bounded, and what was stored before the storm is untouched.
 */
/**
 * Per engine. Server, database client and this client share one Node thread: on a quiet 2-core machine 5,000
 * take about 27 s on PostgreSQL and 45 s on PGlite.
 */
const CASES = Number(process.env.HOSTILE_CASES ?? 5_000);
const SEED = Number(process.env.HOSTILE_SEED ?? 20_260_302);
const CONCURRENCY = 6;
/**
 * The request body limit is 40 MB and at most CONCURRENCY requests are in flight. A request may exist a few
 * times over while it is read (the bytes, the decoded text, the parsed value) on the server and once on the
 * client in this same process: 6 × 40 MB × 4 ≈ 1 GB is the worst case the limits allow. Anything past it means
 * something is read without a bound (a decompressed message, a multipart part, a JSON tree).
 */
const RSS_GROWTH_BOUND = 1024 * 1024 * 1024;
const MB = 1024 * 1024;

interface Live {
  url: string;
  t: TestDb;
  serverErrors: string[];
  close(): Promise<void>;
}

/** createApp on a loopback socket; every 5xx it produces is recorded, even one whose client hung up. */
async function startServer(kind: (typeof DB_KINDS)[number]): Promise<Live> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await createTestDb(kind, { publicUrl: url });
  t.clock.set(new Date());
  const serverErrors: string[] = [];
  const logger = pino({ level: "error" }, { write: (line: string) => serverErrors.push(line.slice(0, 600)) });
  const app = createApp(t.services, logger);
  const server = serve({
    fetch: async (req, env) => {
      const res = await app.fetch(req, env);
      // A client that hung up mid-body gets no answer at all; every other 5xx is recorded.
      if (res.status >= 500 && !req.signal.aborted)
        serverErrors.push(`${res.status} ${req.method} ${new URL(req.url).pathname.slice(0, 80)}`);
      return res;
    },
    port,
    hostname: "127.0.0.1",
  });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return {
    url,
    t,
    serverErrors,
    async close() {
      (server as http.Server).closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}

async function jsonCall(url: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${url}${path}`, init);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Armored messages to the intake key built by gpg: two bombs, hostile plaintexts, and what is not ours to open. */
function armoredCases(gpg: Gpg, intakeKey: string, fingerprint: string) {
  gpg.run(["--import"], intakeKey);
  const encrypt = (input: string | Buffer, extra: string[] = []) =>
    gpg.run(["--armor", "--trust-model", "always", ...extra, "--encrypt", "-r", fingerprint], input);
  /** gpg reads the bomb's spaces from a pipe, so they never sit in this process's memory. */
  const bomb = (bytes: number) =>
    execFileSync(
      "sh",
      [
        "-c",
        `head -c ${bytes} /dev/zero | tr '\\000' ' ' | gpg --homedir "${gpg.home}" --batch --quiet --armor --trust-model always --compress-algo zlib -z 9 --encrypt -r ${fingerprint}`,
      ],
      { maxBuffer: 64 * MB },
    ).toString("utf8");
  const report = JSON.stringify(reportFields({ title: "Encrypted hostile report" }));
  bombs = [
    { name: "bomb-41mb", text: bomb(41 * MB) },
    { name: "bomb-400mb", text: bomb(400 * MB) },
  ];
  return [
    { name: "valid", text: encrypt(report) },
    { name: "array", text: encrypt("[]") },
    { name: "null", text: encrypt("null") },
    { name: "deep", text: encrypt(`${"[".repeat(200_000)}${"]".repeat(200_000)}`) },
    { name: "bytes", text: encrypt(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0xc3, 0x28, 0x7d])) },
    {
      name: "proto",
      text: encrypt('{"__proto__":{"title":"polluted"},"constructor":{"prototype":{"x":1}}}'),
    },
    { name: "nested", text: encrypt(JSON.stringify({ encrypted: "again" })) },
    { name: "nul", text: encrypt(report.replace("Encrypted", "Enc\\u0000rypted")) },
    { name: "stored-only", text: gpg.run(["--armor", "--compress-algo", "zlib", "--store"], report) },
    { name: "symmetric", text: gpg.run(["--armor", "--passphrase", "x", "--symmetric"], report) },
    {
      name: "garbage",
      text: "-----BEGIN PGP MESSAGE-----\n\nAAAAAAAA\n=AAAA\n-----END PGP MESSAGE-----\n",
    },
    { name: "public-key", text: MEMBER_PUBLIC_KEY },
  ];
}

/** Compressed messages that unpack past the request limit, sent after the storm: each is 40 MB to unpack. */
let bombs: { name: string; text: string }[] = [];

describe.each(DB_KINDS)("hostile input against a live server on %s", (kind) => {
  let live: Live;
  let gpg: Gpg;
  let targets: StormTargets;
  let seeded: { reference: string; api: string; trackingPath: string; tracking: string; attachment: Buffer };
  let apiToken: string;

  beforeAll(async () => {
    live = await startServer(kind);
    const { t, url } = live;
    await raiseIntakeLimits(t);
    const team = await makeTeam(t);
    apiToken = team.alice.token;
    const login = await fetch(`${url}/login`, {
      method: "POST",
      headers: { origin: url },
      body: new URLSearchParams({ email: team.admin.email, password: team.admin.password }),
      redirect: "manual",
    });
    const cookie = sessionCookie(login)!;
    const csrf = csrfOf(await (await fetch(`${url}/inbox`, { headers: { cookie } })).text());

    // The report stored before the storm, with an attachment, a reporter reply and a team message.
    const attachment = Buffer.from("proof-of-concept bytes\n".repeat(100));
    const filed = await jsonCall(url, "/api/v1/reports", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        ...reportFields({ title: "Stored before the storm" }),
        attachments: [{ filename: "poc.txt", content: attachment.toString("base64") }],
      }),
    });
    expect(filed.status).toBe(201);
    const reference = filed.json.reference as string;
    const tracking = new URL(filed.json.trackingUrl as string).pathname;
    const reply = await fetch(`${url}${tracking}/messages`, {
      method: "POST",
      headers: { origin: url },
      body: new URLSearchParams({ body: "The reporter's reply before the storm." }),
      redirect: "manual",
    });
    expect(reply.status).toBe(303);
    const message = await jsonCall(url, `/api/v1/reports/${reference}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
      body: JSON.stringify({ body: "The team's message before the storm.", visibility: "reporter" }),
    });
    expect(message.status).toBe(201);
    seeded = {
      reference,
      api: await readReport(reference),
      trackingPath: tracking,
      tracking: await (await fetch(`${url}${tracking}`)).text(),
      attachment,
    };

    // The storm's own report: replies, actions and team messages land on it, not on the seeded one.
    const storm = await jsonCall(url, "/api/v1/reports", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(reportFields({ title: "The storm's target" })),
    });
    gpg = makeGpg();
    const intakeKey = await (await fetch(`${url}/keys/intake.asc`)).text();
    const fingerprint = (await t.services.keys.intakeKeys()).current.fingerprint;
    targets = {
      origin: url,
      token: new URL(storm.json.trackingUrl as string).pathname.split("/r/")[1]!,
      reference: storm.json.reference as string,
      apiToken,
      session: { cookie, csrf },
      armored: armoredCases(gpg, intakeKey, fingerprint),
    };
  }, 120_000);

  afterAll(async () => {
    gpg?.close();
    await live?.close();
  });

  async function readReport(reference: string): Promise<string> {
    const res = await fetch(`${live.url}/api/v1/reports/${reference}`, {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(res.status).toBe(200);
    return res.text();
  }

  it(`answers ${CASES} hostile requests without a 5xx, within memory, and loses nothing stored`, async () => {
    const base = new URL(live.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const rng = prng(SEED);
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let generated = 0;
    const timeByFamily = new Map<string, { n: number; ms: number; max: number }>();
    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    const rss = sampleRss();
    const started = Date.now();

    // Cases are generated lazily, one per free worker, so no more than CONCURRENCY bodies exist at once.
    const worker = async () => {
      while (generated < CASES) {
        const index = generated++;
        const c = hostileCase(rng, targets);
        const began = Date.now();
        const answer: Answer = await send(base, agent, c);
        const family = c.name.split("/")[0]!;
        const spent = timeByFamily.get(family) ?? { n: 0, ms: 0, max: 0 };
        const ms = Date.now() - began;
        timeByFamily.set(family, { n: spent.n + 1, ms: spent.ms + ms, max: Math.max(spent.max, ms) });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        // A raw case may be hung up on (0); any other case must get an answer, and never a 5xx.
        if (answer.status >= 500 || (answer.status === 0 && !c.raw)) {
          failures.push(
            `#${index} ${c.name} ${c.method} ${c.path.slice(0, 60)} → ${answer.status} ${answer.error ?? ""} ${JSON.stringify(answer.head.replace(/^<!DOCTYPE[\s\S]*?<h1>/, "").slice(0, 120))}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsed = Date.now() - started;

    // The bombs, alone so their time is theirs: each route refuses each with a 400 before unpacking it all.
    const bombTimes: string[] = [];
    for (const bomb of bombs) {
      for (const path of ["/api/v1/reports", "/report/encrypted"]) {
        const began = Date.now();
        const answer = await send(base, agent, {
          name: `bomb/${bomb.name}`,
          method: "POST",
          path,
          headers: { "content-type": "application/json", origin: live.url },
          body: Buffer.from(JSON.stringify({ encrypted: bomb.text })),
        });
        bombTimes.push(`${bomb.name} ${path} ${answer.status} in ${Date.now() - began} ms`);
        if (answer.status !== 400 || !answer.head.includes("encrypted_too_large"))
          failures.push(
            `bomb ${bomb.name} ${path} → ${answer.status} ${answer.error ?? ""} ${answer.head.slice(0, 120)}`,
          );
      }
    }
    const peak = rss.stop();
    agent.destroy();

    const slowest = [...timeByFamily]
      .sort(([, a], [, b]) => b.ms - a.ms)
      .slice(0, 6)
      .map(([f, v]) => `${f} ${v.n}× ${(v.ms / 1000).toFixed(1)} s (max ${v.max} ms)`)
      .join("; ");
    const summary = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}:${n}`)
      .join(" ");
    console.log(
      `[hostile ${kind}] ${CASES} cases in ${(elapsed / 1000).toFixed(1)} s; statuses ${summary}; ` +
        `time by family: ${slowest}; bombs: ${bombTimes.join(", ")}; rss baseline ${(baseline / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB (+${((peak - baseline) / MB).toFixed(0)} MB)`,
    );
    // The server's own log says why: each distinct unhandled error once, with where it was thrown.
    const reasons = [
      ...new Set(
        // "aborted": a raw case that sent half a body and hung up; there is no one left to answer.
        live.serverErrors
          .filter((line) => !/"message":"aborted"/.test(line))
          .map((line) => {
            const message = /"message":"([^"]{0,160})/.exec(line)?.[1];
            const at = /\\n\s+at ([^\\]{0,120})/.exec(line)?.[1];
            return message ? `${message} @ ${at ?? "?"}` : line.slice(0, 200);
          }),
      ),
    ];
    expect({
      failed: failures.length,
      failures: failures.slice(0, 30),
      reasons: reasons.slice(0, 20),
    }).toEqual({
      failed: 0,
      failures: [],
      reasons: [],
    });
    expect(peak - baseline).toBeLessThan(RSS_GROWTH_BOUND);
    // Every case reached the server's answer path; -1 counts the few header values Node itself refuses to send.
    expect(statuses.get(-1) ?? 0).toBeLessThan(CASES / 20);

    // The server still serves, and what was stored before the storm reads back exactly as it was.
    expect((await fetch(`${live.url}/healthz`)).status).toBe(200);
    expect(await readReport(seeded.reference)).toBe(seeded.api);
    expect(await (await fetch(`${live.url}${seeded.trackingPath}`)).text()).toBe(seeded.tracking);
    const view = JSON.parse(seeded.api) as { attachments: { id: string }[] };
    const download = await fetch(
      `${live.url}/reports/${seeded.reference}/attachments/${view.attachments[0]!.id}`,
      {
        headers: { cookie: targets.session.cookie },
      },
    );
    expect(Buffer.from(await download.arrayBuffer()).equals(seeded.attachment)).toBe(true);
    const verdict = await live.t.services.audit.verify();
    expect(verdict.ok, JSON.stringify(verdict)).toBe(true);
  }, 300_000);
});
