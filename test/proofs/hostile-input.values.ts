import { deflateSync, gzipSync } from "node:zlib";
/** Hostile values for the hostile-input proof: strings, JSON, file names and types, from a seeded PRNG. */
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
export const HOSTILE_STRINGS: readonly string[] = [
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

export const PROTO_KEYS = ["__proto__", "constructor", "prototype"];

/** A JSON object as text, built by hand so keys may repeat and may be "__proto__". */
export function jsonObject(entries: readonly [string, string | Buffer][]): Buffer {
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
export function invalidUtf8Literal(r: Rng): Buffer {
  return Buffer.concat([Buffer.from('"before '), r.pick(INVALID_UTF8), Buffer.from(' after"')]);
}

export function hostileAttachments(r: Rng): string {
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
export const FILENAMES: readonly string[] = [
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
export const MIME_TYPES: readonly string[] = [
  "application/x-msdownload", "text/html", "image/svg+xml", "application/javascript", "application/octet-stream",
  "multipart/mixed; boundary=inner", "text/plain; charset=utf-7", "", "garbage", "image/png\u0000text/html",
  "application/x-sh", "message/rfc822",
];

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
export function hostileSegment(r: Rng): string {
  if (r.chance(0.3))
    return r.pick(["%", "%E0%A4%A", "%ZZ", "%00", "%C0%AF", "..%2F..%2F", "%ED%A0%80", "a%2F%2e%2e"]);
  return percentEncode(hostileString(r).slice(0, r.pick([16, 200, 3000])));
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
export function jsonRequest(
  r: Rng,
  name: string,
  path: string,
  body: Buffer,
  extra: Record<string, string> = {},
) {
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

export function hostileFiles(r: Rng): { filename: string; type: string; data: Buffer }[] {
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
export function formRequest(
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
