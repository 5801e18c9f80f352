import { reportFields } from "../helpers/actors.ts";
import { MEMBER_PUBLIC_KEY } from "../helpers/pgp.ts";
import {
  formRequest,
  hostileAttachments,
  hostileJsonValue,
  hostileSegment,
  hostileString,
  INVALID_UTF8,
  invalidUtf8Literal,
  jsonObject,
  jsonRequest,
  PROTO_KEYS,
  type Rng,
} from "./hostile-input.values.ts";

/** One request of the storm: sent by an HTTP client, or as raw bytes on a socket when `raw` is set. */
export interface HostileCase {
  name: string;
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The whole request as bytes, for what no HTTP client sends: absurd lengths, broken framing. */
  raw?: Buffer;
}

/** What the storm aims at: a live report's tracking token and reference, a team token and session. */
export interface StormTargets {
  origin: string;
  token: string;
  reference: string;
  apiToken: string;
  session: { cookie: string; csrf: string };
  /** Armored OpenPGP messages built beforehand: foreign keys, hostile plaintexts. */
  armored: readonly { name: string; text: string }[];
}

/** The report fields with one to three of them made hostile (or removed, or given a wrong type). */
function hostileReportEntries(r: Rng): [string, string | Buffer][] {
  const base = reportFields({ title: `Hostile ${r.int(1e9)}`, credit: "anonymous" }) as Record<
    string,
    string
  >;
  const entries: [string, string | Buffer][] = Object.entries(base).map(([k, v]) => [k, JSON.stringify(v)]);
  const changes = 1 + r.int(3);
  for (let i = 0; i < changes; i++) {
    const at = r.int(entries.length);
    const roll = r.int(10);
    if (roll < 5) entries[at]![1] = JSON.stringify(hostileString(r));
    else if (roll < 7) entries[at]![1] = hostileJsonValue(r);
    else if (roll < 8) entries[at]![1] = invalidUtf8Literal(r);
    else if (roll < 9) entries.splice(at, 1);
    else entries.push([entries[at]![0], JSON.stringify(hostileString(r))]); // a duplicate key
  }
  if (r.chance(0.15)) entries.push([r.pick(PROTO_KEYS), hostileJsonValue(r)]);
  if (r.chance(0.1)) entries.unshift([r.pick(PROTO_KEYS), '{"title":"from the prototype"}']);
  if (r.chance(0.1)) entries.push(["attachments", hostileAttachments(r)]);
  if (r.chance(0.05))
    entries.push(["pgpKey", r.chance(0.5) ? JSON.stringify(MEMBER_PUBLIC_KEY) : hostileJsonValue(r)]);
  if (r.chance(0.05)) entries.push([hostileString(r).slice(0, 5000), '"unknown key"']);
  return entries;
}

function formReportFields(r: Rng): [string, string | Buffer][] {
  const base = reportFields({ title: `Form hostile ${r.int(1e9)}`, credit: "anonymous" }) as Record<
    string,
    string
  >;
  const fields: [string, string | Buffer][] = Object.entries(base);
  for (let i = 0, n = 1 + r.int(3); i < n; i++) {
    const at = r.int(fields.length);
    const roll = r.int(6);
    if (roll < 3) fields[at]![1] = hostileString(r);
    else if (roll < 4) fields[at]![1] = Buffer.concat([Buffer.from("x"), r.pick(INVALID_UTF8)]);
    else if (roll < 5) fields.push([fields[at]![0], hostileString(r)]);
    else fields.push([r.pick(PROTO_KEYS), "polluted"]);
  }
  if (r.chance(0.2))
    fields.push([
      "altcha",
      r.chance(0.5) ? hostileString(r) : Buffer.from(hostileJsonValue(r)).toString("base64"),
    ]);
  return fields;
}

const ACTIONS = [
  "acknowledge",
  "triage",
  "assign",
  "set_severity",
  "reject",
  "mark_duplicate",
  "request_info",
  "note",
  "close",
  "reopen",
  "schedule_release",
  "add_fix",
  "create_fix_branch",
  "verify_fix",
  "publish",
  "__proto__",
  "constructor",
  "toString",
  "",
];

function teamApiCase(r: Rng, t: StormTargets): HostileCase {
  const auth = {
    authorization: r.chance(0.9)
      ? `Bearer ${t.apiToken}`
      : r.pick(["Bearer", "Bearer x", `Basic ${t.apiToken}`, `Bearer ${"a".repeat(5000)}`, "Bearer \u00ff"]),
  };
  const roll = r.int(10);
  const ref = r.chance(0.85) ? t.reference : hostileSegment(r);
  if (roll < 5) {
    const entries: [string, string | Buffer][] = [["action", JSON.stringify(r.pick(ACTIONS))]];
    for (const key of [
      "reason",
      "assignee",
      "owasp",
      "cvss",
      "original",
      "url",
      "date",
      "body",
      "severity",
      "note",
      "repository",
      "base",
    ]) {
      if (r.chance(0.3))
        entries.push([key, r.chance(0.7) ? JSON.stringify(hostileString(r)) : hostileJsonValue(r)]);
    }
    if (r.chance(0.1)) entries.push([r.pick(PROTO_KEYS), hostileJsonValue(r)]);
    if (r.chance(0.05)) entries.push(["action", invalidUtf8Literal(r)]);
    return jsonRequest(r, "api-action", `/api/v1/reports/${ref}/actions`, jsonObject(entries), auth);
  }
  if (roll < 7) {
    const entries: [string, string | Buffer][] = [
      ["body", r.chance(0.7) ? JSON.stringify(hostileString(r)) : hostileJsonValue(r)],
    ];
    if (r.chance(0.5))
      entries.push(["visibility", JSON.stringify(r.pick(["reporter", "internal", "team", "", "__proto__"]))]);
    return jsonRequest(r, "api-message", `/api/v1/reports/${ref}/messages`, jsonObject(entries), auth);
  }
  if (roll < 8 && r.chance(0.5)) return gitCase(r, t);
  if (roll < 8)
    return { name: "api-read", method: "GET", path: `/api/v1/reports/${hostileSegment(r)}`, headers: auth };
  const params = [
    "q",
    "state",
    "severity",
    "assignee",
    "sort",
    "page",
    "perPage",
    "closed",
    "spam",
    "sla",
    "__proto__",
  ];
  const query = params
    .filter(() => r.chance(0.4))
    .map((p) => `${p}=${hostileSegment(r)}`)
    .join("&");
  return {
    name: "api-list",
    method: "GET",
    path: `/api/v1/reports?${query}${r.chance(0.1) ? "&q=a&q=b&page=1&page=2" : ""}`,
    headers: auth,
  };
}

/** git over HTTP: Basic credentials that are broken, foreign or valid, on smart-protocol and made-up paths. */
function gitCase(r: Rng, t: StormTargets): HostileCase {
  const secret = r.pick([t.apiToken, hostileString(r).slice(0, 300), ""]);
  const authorization = r.pick([
    `Basic ${Buffer.from(`x:${secret}`).toString("base64")}`,
    `Basic ${Buffer.from(secret).toString("base64")}`,
    `Basic ${hostileSegment(r).slice(0, 500)}`,
    "Basic",
    `Bearer ${t.apiToken}`,
  ]);
  const ref = r.chance(0.6) ? t.reference : hostileSegment(r);
  const tail = r.pick([
    "/info/refs?service=git-upload-pack",
    "/info/refs?service=git-receive-pack",
    `/info/refs?service=${hostileSegment(r)}`,
    "/git-upload-pack",
    "/git-receive-pack",
    `/${hostileSegment(r)}`,
  ]);
  const post = tail.startsWith("/git-") && r.chance(0.8);
  return {
    name: "git",
    method: post ? "POST" : "GET",
    path: `/git/${ref}.git${tail}`,
    headers: {
      authorization,
      ...(post
        ? {
            "content-type": "application/x-git-upload-pack-request",
            "content-encoding": r.pick(["gzip", "identity"]),
          }
        : {}),
    },
    ...(post ? { body: Buffer.from(hostileString(r)) } : {}),
  };
}

/** Requests no HTTP client sends: lengths that lie, framing that conflicts, lines too long. */
function rawCase(r: Rng, t: StormTargets): HostileCase {
  const host = new URL(t.origin).host;
  const head = (lines: string[]) => Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
  const post = (path: string, extra: string[]) => [
    `POST ${path} HTTP/1.1`,
    `Host: ${host}`,
    "Content-Type: application/json",
    "Connection: close",
    ...extra,
  ];
  const path = r.pick([
    "/api/v1/reports",
    "/report",
    `/r/${t.token}/messages`,
    "/login",
    "/report/encrypted",
  ]);
  const variants: [string, Buffer][] = [
    ["absurd-length", head(post(path, ["Content-Length: 99999999999999999999999"]))],
    ["huge-length", Buffer.concat([head(post(path, [`Content-Length: ${2 ** 40}`])), Buffer.from("{}")])],
    ["negative-length", head(post(path, ["Content-Length: -5"]))],
    [
      "two-lengths",
      Buffer.concat([head(post(path, ["Content-Length: 2", "Content-Length: 40"])), Buffer.from("{}")]),
    ],
    [
      "length-and-chunked",
      Buffer.concat([
        head(post(path, ["Content-Length: 4", "Transfer-Encoding: chunked"])),
        Buffer.from("0\r\n\r\n"),
      ]),
    ],
    ["short-body", Buffer.concat([head(post(path, ["Content-Length: 1000"])), Buffer.from('{"title":')])],
    [
      "bad-chunk",
      Buffer.concat([
        head(post(path, ["Transfer-Encoding: chunked"])),
        Buffer.from("zz\r\nhello\r\n0\r\n\r\n"),
      ]),
    ],
    ["long-url", head([`GET /r/${"a".repeat(100_000)} HTTP/1.1`, `Host: ${host}`, "Connection: close"])],
    [
      "long-header",
      head([`GET / HTTP/1.1`, `Host: ${host}`, `X-Long: ${"b".repeat(100_000)}`, "Connection: close"]),
    ],
    [
      "nul-in-header",
      head([
        `GET /inbox HTTP/1.1`,
        `Host: ${host}`,
        "Cookie: embargo_session=\u0000abc",
        "Connection: close",
      ]),
    ],
    [
      "bytes-in-header",
      Buffer.concat([
        Buffer.from(`GET /inbox HTTP/1.1\r\nHost: ${host}\r\nCookie: embargo_session=`),
        r.pick(INVALID_UTF8),
        Buffer.from("\r\nConnection: close\r\n\r\n"),
      ]),
    ],
    ["bad-method", head([`BREW /report HTTP/1.1`, `Host: ${host}`, "Connection: close"])],
    ["http-0.9", Buffer.from("GET /\r\n\r\n")],
  ];
  const [name, raw] = r.pick(variants);
  return { name: `raw/${name}`, method: "POST", path, headers: {}, raw };
}

/** The next storm request: weighted across every public and team entry point. */
export function hostileCase(r: Rng, t: StormTargets): HostileCase {
  const origin = { origin: r.chance(0.95) ? t.origin : r.pick(["null", "http://evil.example", "\u00ff"]) };
  const roll = r.int(100);
  if (roll < 28) return jsonRequest(r, "api-intake", "/api/v1/reports", jsonObject(hostileReportEntries(r)));
  if (roll < 31) {
    const armored = r.pick(t.armored);
    const entries: [string, string | Buffer][] = [
      ["encrypted", r.chance(0.6) ? JSON.stringify(armored.text) : hostileJsonValue(r)],
    ];
    if (r.chance(0.1)) entries.push(["title", '"outside"']);
    return jsonRequest(r, `api-intake-encrypted/${armored.name}`, "/api/v1/reports", jsonObject(entries));
  }
  if (roll < 45) return formRequest(r, "form-intake", "/report", formReportFields(r), origin);
  if (roll < 49) {
    const armored = r.pick(t.armored);
    const entries: [string, string | Buffer][] = [
      ["encrypted", r.chance(0.7) ? JSON.stringify(armored.text) : hostileJsonValue(r)],
    ];
    if (r.chance(0.3))
      entries.push(["altcha", r.chance(0.5) ? hostileJsonValue(r) : JSON.stringify(hostileString(r))]);
    return jsonRequest(r, `encrypted-form/${armored.name}`, "/report/encrypted", jsonObject(entries), origin);
  }
  if (roll < 62) {
    const sub = r.int(10);
    if (sub < 6) {
      const fields: [string, string | Buffer][] = [
        [
          "body",
          r.chance(0.8) ? hostileString(r) : Buffer.concat([Buffer.from("reply "), r.pick(INVALID_UTF8)]),
        ],
      ];
      if (r.chance(0.1)) fields.push(["body", hostileString(r)]);
      const token = r.chance(0.9) ? t.token : hostileSegment(r);
      return formRequest(r, "reply", `/r/${token}/messages`, fields, origin);
    }
    if (sub < 8)
      return { name: "tracking-page", method: "GET", path: `/r/${hostileSegment(r)}`, headers: {} };
    return {
      name: "tracking-attachment",
      method: "GET",
      path: `/r/${t.token}/attachments/${hostileSegment(r)}`,
      headers: {},
    };
  }
  if (roll < 77) return teamApiCase(r, t);
  if (roll < 82)
    return formRequest(
      r,
      "recover",
      "/r/recover",
      [["email", r.chance(0.7) ? hostileString(r) : `${hostileString(r).slice(0, 80)}@example.org`]],
      origin,
    );
  if (roll < 84) {
    const fields: [string, string | Buffer][] = [
      ["email", hostileString(r)],
      ["password", hostileString(r)],
    ];
    if (r.chance(0.3))
      fields.push(["next", r.pick(["//evil.example", "/\\evil", "javascript:alert(1)", hostileString(r)])]);
    return formRequest(r, "login", "/login", fields, origin);
  }
  const session = { cookie: t.session.cookie };
  const sub = r.int(10);
  if (sub < 5)
    return {
      name: "search",
      method: "GET",
      path: `/inbox?q=${hostileSegment(r)}${r.chance(0.3) ? `&sort=${hostileSegment(r)}&page=${hostileSegment(r)}` : ""}`,
      headers: session,
    };
  if (sub < 7)
    return {
      name: "report-page",
      method: "GET",
      path: `/reports/${r.chance(0.5) ? t.reference : hostileSegment(r)}?duplicate_of=${hostileSegment(r)}`,
      headers: session,
    };
  if (sub < 9) {
    const fields: [string, string | Buffer][] = [
      ["_csrf", t.session.csrf],
      ["body", hostileString(r)],
      ["visibility", r.pick(["internal", "reporter", hostileString(r)])],
    ];
    return formRequest(r, "team-message", `/reports/${t.reference}/messages`, fields, {
      ...origin,
      cookie: t.session.cookie,
    });
  }
  return rawCase(r, t);
}
