import { deflateSync, gzipSync } from "node:zlib";
import { reportFields } from "../helpers/actors.ts";
import { MEMBER_PUBLIC_KEY } from "../helpers/pgp.ts";

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

/** mulberry32: a small seeded PRNG, so a failing case can be generated again from the seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
export type Rng = ReturnType<typeof prng>;

/** Byte sequences that are not UTF-8: a stray continuation, overlong forms, surrogates, past U+10FFFF, cut short. */
export const INVALID_UTF8: readonly Buffer[] = [
  [0xff],
  [0xfe, 0xfe],
  [0x80],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
].map((b) => Buffer.from(b));

// biome-ignore format: one hostile string per line reads best
const HOSTILE_STRINGS: readonly string[] = [
  "", " ", "\u0000", "a\u0000b", "\u0000".repeat(64),
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(""),
  "\u007f\u0080\u009f", "\u202etxt.exe", "\ufeff\ufeff", "\ud800", "x\udfffy", "\uffff\ufffe",
  "e\u0301".repeat(2000), "💥".repeat(3000), "\r\nSet-Cookie: pwned=1\r\n", "%00%ff%c3%28",
  "../../../../etc/passwd", "C:\\Windows\\win.ini", "$" + "{jndi:ldap://127.0.0.1/a}", "{{7*7}}<%= 7*7 %>",
  "'; drop table reports; --", "\\\\?\\UNC", "<script>window.__xss=1</script>", "NaN", "-0", "1e309",
];

/** A hostile string: from the list, huge, or made of random code units (lone surrogates included). */
export function hostileString(r: Rng): string {
  const roll = r.int(10);
  if (roll < 5) return r.pick(HOSTILE_STRINGS);
  // Past every field's limit; a megabyte now and then (each costs the server a full parse of it).
  if (roll < 7)
    return "A".repeat(r.chance(0.1) ? r.pick([100_000, 1_000_000]) : r.pick([201, 10_001, 20_001]));
  if (roll < 9) return String.fromCharCode(...Array.from({ length: 1 + r.int(300) }, () => r.int(0x10000)));
  return `${r.pick(HOSTILE_STRINGS)}${"Z".repeat(r.int(30_000))}`;
}

/** A hostile JSON value as text: wrong types, huge numbers, deep nesting, prototype keys. */
export function hostileJsonValue(r: Rng): string {
  switch (r.int(12)) {
    case 0:
      return r.pick([
        "null",
        "true",
        "false",
        "0",
        "-1",
        "1e308",
        "-1e308",
        "123456789012345678901234567890",
      ]);
    case 1:
      return `${"[".repeat(r.pick([10, 1000, 100_000]))}${"]".repeat(r.pick([0, 10, 1000, 100_000]))}`;
    case 2: {
      const depth = r.pick([50, 5000, 50_000]);
      return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    }
    case 3:
      return '{"__proto__":{"isAdmin":true,"polluted":1},"constructor":{"prototype":{"polluted":1}}}';
    case 4:
      return `[${Array.from({ length: r.pick([3, 1000, 100_000]) }, () => '"x"').join(",")}]`;
    case 5:
      return '{"toString":"x","valueOf":1,"hasOwnProperty":null}';
    case 6:
      return JSON.stringify(hostileString(r).split(""));
    default:
      return JSON.stringify(hostileString(r));
  }
}

const PROTO_KEYS = ["__proto__", "constructor", "prototype"];

/** A JSON object as text, built by hand so keys may repeat and may be "__proto__". */
function jsonObject(entries: readonly [string, string | Buffer][]): Buffer {
  const parts: Buffer[] = [Buffer.from("{")];
  entries.forEach(([key, value], i) => {
    if (i > 0) parts.push(Buffer.from(","));
    parts.push(
      Buffer.from(`${JSON.stringify(key)}:`),
      typeof value === "string" ? Buffer.from(value) : value,
    );
  });
  parts.push(Buffer.from("}"));
  return Buffer.concat(parts);
}

/** A JSON string literal with invalid UTF-8 bytes spliced into it. */
function invalidUtf8Literal(r: Rng): Buffer {
  return Buffer.concat([Buffer.from('"before '), r.pick(INVALID_UTF8), Buffer.from(' after"')]);
}

function hostileAttachments(r: Rng): string {
  switch (r.int(6)) {
    case 0:
      return hostileJsonValue(r);
    case 1:
      return JSON.stringify(
        Array.from({ length: 6 }, (_, i) => ({ filename: `f${i}.txt`, content: "aGk=" })),
      );
    case 2:
      return JSON.stringify([
        { filename: hostileFilename(r), content: Buffer.from("hello").toString("base64") },
      ]);
    case 3:
      return JSON.stringify([{ filename: "a.txt", content: hostileString(r) }]);
    case 4:
      return JSON.stringify([{ filename: "big.txt", content: "QUFB".repeat(r.pick([10, 3_000_000])) }]);
    default:
      return JSON.stringify([{ filename: hostileFilename(r), content: hostileJsonValue(r) }]);
  }
}

// biome-ignore format: one name per line reads best
const FILENAMES: readonly string[] = [
  "../../../etc/passwd", "..\\..\\boot.ini", "/etc/shadow", "report.txt\u0000.exe", "a\r\nContent-Type: text/html",
  "evil.html", "x.svg", "payload.exe", ".htaccess", "noextension", "a.".repeat(100), "CON", "nul.txt",
  "\u202egnp.exe", "file name with \"quotes\" and ;semicolons=.txt", "<img src=x onerror=alert(1)>.png",
  "💥.png", "%2e%2e%2fsecret.txt", "a.txt.", " .txt", "",
];

export function hostileFilename(r: Rng): string {
  if (r.chance(0.15)) return `${"n".repeat(r.pick([256, 4096, 100_000]))}.txt`;
  if (r.chance(0.15)) return `${hostileString(r).slice(0, 300)}.txt`;
  return r.pick(FILENAMES);
}

// biome-ignore format: one type per line reads best
const MIME_TYPES: readonly string[] = [
  "application/x-msdownload", "text/html", "image/svg+xml", "application/javascript", "application/octet-stream",
  "multipart/mixed; boundary=inner", "text/plain; charset=utf-7", "", "garbage", "image/png\u0000text/html",
  "application/x-sh", "message/rfc822",
];

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

const JSON_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/json; charset=utf-16",
  "application/jsonp",
];
const WRONG_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "application/xml",
  "",
];

/** A JSON body, sometimes in the wrong framing: wrong type, compressed, truncated, not an object. */
function jsonRequest(r: Rng, name: string, path: string, body: Buffer, extra: Record<string, string> = {}) {
  const roll = r.int(20);
  const headers: Record<string, string> = { "content-type": r.pick(JSON_TYPES), ...extra };
  if (roll === 0) headers["content-type"] = r.pick(WRONG_TYPES);
  if (roll === 1)
    return {
      name: `${name}/gzip`,
      method: "POST" as const,
      path,
      headers: { ...headers, "content-encoding": "gzip" },
      body: gzipSync(body),
    };
  if (roll === 2)
    return {
      name: `${name}/deflate`,
      method: "POST" as const,
      path,
      headers: { ...headers, "content-encoding": "deflate" },
      body: deflateSync(body),
    };
  if (roll === 3)
    return {
      name: `${name}/truncated`,
      method: "POST" as const,
      path,
      headers,
      body: body.subarray(0, r.int(body.length)),
    };
  if (roll === 4)
    return {
      name: `${name}/not-object`,
      method: "POST" as const,
      path,
      headers,
      body: Buffer.from(hostileJsonValue(r)),
    };
  if (roll === 5)
    return {
      name: `${name}/bytes`,
      method: "POST" as const,
      path,
      headers,
      body: Buffer.concat([r.pick(INVALID_UTF8), body]),
    };
  return { name, method: "POST" as const, path, headers, body };
}

/** A multipart body built by hand: names, filenames and types are bytes we choose, and it may stop short. */
export function multipart(
  r: Rng,
  fields: readonly [string, string | Buffer][],
  files: readonly { filename: string; type: string; data: Buffer }[],
): { type: string; body: Buffer; truncated: boolean } {
  const boundary = r.chance(0.05) ? "-".repeat(70) : `----hostile${r.int(1e9)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
      Buffer.from(value),
      Buffer.from("\r\n"),
    );
  }
  for (const file of files) {
    const type = file.type ? `\r\nContent-Type: ${file.type}` : "";
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="`),
      Buffer.from(file.filename.replace(/"/g, "%22")),
      Buffer.from(`"${type}\r\n\r\n`),
      file.data,
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  let body = Buffer.concat(parts);
  const truncated = r.chance(0.1);
  if (truncated) body = body.subarray(0, r.int(body.length));
  const typeRoll = r.int(20);
  const type =
    typeRoll === 0
      ? "multipart/form-data"
      : typeRoll === 1
        ? `multipart/form-data; boundary=wrong${boundary}`
        : `multipart/form-data; boundary=${boundary}`;
  return { type, body, truncated };
}

function hostileFiles(r: Rng): { filename: string; type: string; data: Buffer }[] {
  const n = r.pick([0, 0, 1, 1, 2, 6]);
  return Array.from({ length: n }, () => ({
    filename: hostileFilename(r),
    type: r.pick(MIME_TYPES),
    data: r.chance(0.05)
      ? Buffer.alloc(r.pick([10 * 1024 * 1024 + 1, 2 * 1024 * 1024]), 0x41)
      : Buffer.from(hostileString(r).slice(0, 50_000)),
  }));
}

/** A form body (urlencoded or multipart) with hostile field values, invalid percent escapes and raw bytes. */
function formRequest(
  r: Rng,
  name: string,
  path: string,
  fields: [string, string | Buffer][],
  headers: Record<string, string>,
) {
  if (r.chance(0.4)) {
    const encoded = fields.map(([k, v]) => {
      const value = percentEncode(v);
      return `${percentEncode(k)}=${r.chance(0.05) ? r.pick(["%", "%ZZ", "%C3%28", "%ED%A0%80", "%00"]) : ""}${value}`;
    });
    const body = Buffer.concat([
      Buffer.from(encoded.join("&")),
      r.chance(0.05) ? r.pick(INVALID_UTF8) : Buffer.alloc(0),
    ]);
    return {
      name: `${name}/urlencoded`,
      method: "POST" as const,
      path,
      headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
      body,
    };
  }
  const { type, body, truncated } = multipart(r, fields, hostileFiles(r));
  return {
    name: `${name}/multipart${truncated ? "-truncated" : ""}`,
    method: "POST" as const,
    path,
    headers: { ...headers, "content-type": type },
    body,
  };
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

/** Percent-encodes the UTF-8 bytes of any text, lone surrogates included (encodeURIComponent throws on them). */
export function percentEncode(text: string | Buffer): string {
  let out = "";
  for (const byte of typeof text === "string" ? Buffer.from(text, "utf8") : text) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** A path segment: a hostile string percent-encoded, or broken escapes left as they are. */
function hostileSegment(r: Rng): string {
  if (r.chance(0.3))
    return r.pick(["%", "%E0%A4%A", "%ZZ", "%00", "%C0%AF", "..%2F..%2F", "%ED%A0%80", "a%2F%2e%2e"]);
  return percentEncode(hostileString(r).slice(0, r.pick([16, 200, 3000])));
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
