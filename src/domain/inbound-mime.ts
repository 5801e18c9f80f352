// Raw MIME structure of inbound mail: header blocks, Content-Type values, multipart bodies, and RFC 3156
// signed or encrypted entities (whose signed bytes must be taken exactly as sent).
// Raw mail is handled as a "binary" (latin1) string so every byte survives splitting unchanged.

/** One header field, unfolded, with its name as written. */
export interface HeaderField {
  name: string;
  value: string;
}

/** Upper bounds that keep hostile input from costing much: header count and MIME nesting. */
export const MAX_HEADER_FIELDS = 1000;
export const MAX_MIME_DEPTH = 10;

/** Splits a raw entity into its header block and its body at the first empty line (CRLF or bare LF). */
export function splitEntity(raw: string): { header: string; body: string } {
  // A message whose first line is already empty has no header at all, whether or not a blank line follows.
  if (/^\r?\n/.test(raw)) return { header: "", body: raw.replace(/^\r?\n/, "") };
  const match = /\r?\n\r?\n/.exec(raw);
  if (!match) return { header: raw, body: "" };
  return { header: raw.slice(0, match.index), body: raw.slice(match.index + match[0].length) };
}

/**
 * Unfolds a header block into fields, at most MAX_HEADER_FIELDS; lines that are neither a field nor a
 * continuation are ignored, and so are the continuation lines that belong to them.
 */
export function parseHeaderBlock(header: string): HeaderField[] {
  const fields: HeaderField[] = [];
  // The field that continuation lines extend: null after an ignored line, so its folds are not moved onto
  // an earlier field (other MIME parsers keep them with the ignored line).
  let last: HeaderField | null = null;
  for (const line of header.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) {
      const piece = line.trim();
      if (last && piece) last.value = last.value ? `${last.value} ${piece}` : piece;
      continue;
    }
    last = null;
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    if (fields.length >= MAX_HEADER_FIELDS) break;
    last = { name, value: line.slice(colon + 1).trim() };
    fields.push(last);
  }
  return fields;
}

/** The first value of a header field, by case-insensitive name. */
export function headerValue(fields: readonly HeaderField[], name: string): string | null {
  const wanted = name.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === wanted)?.value ?? null;
}

/** A Content-Type value: lower-cased type/subtype and its parameters (names lower-cased, quotes removed). */
export interface ContentType {
  type: string;
  params: Record<string, string>;
}

/** Reads a Content-Type (or Content-Disposition) value; a missing or broken one reads as text/plain. */
export function parseContentType(value: string | null): ContentType {
  if (!value) return { type: "text/plain", params: {} };
  const [head = "", ...rest] = splitParams(value);
  const type = head.trim().toLowerCase();
  const params: Record<string, string> = Object.create(null);
  for (const part of rest) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let v = part.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, "$1");
    if (name && !(name in params)) params[name] = v;
  }
  return { type: /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : "text/plain", params };
}

/** Splits on semicolons that are not inside a quoted string. */
function splitParams(value: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === "\\" && quoted && i + 1 < value.length) {
      current += c + value[i + 1];
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ";" && !quoted) {
      parts.push(current);
      current = "";
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

/**
 * The body parts of a multipart body, each exactly as sent. Per RFC 2046 the line break before a delimiter
 * belongs to the delimiter, so a part's bytes end before it. Text before the first and after the closing
 * delimiter is dropped. Null when the boundary never appears.
 */
export function splitMultipart(body: string, boundary: string): string[] | null {
  if (!boundary || boundary.length > 200) return null;
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  // Positions of delimiter lines: at the start of the body or after a line break.
  let searchFrom = 0;
  let partStart = -1;
  const lineStartOf = (index: number) => index === 0 || body[index - 1] === "\n";
  while (searchFrom <= body.length) {
    const at = body.indexOf(delimiter, searchFrom);
    if (at < 0) break;
    if (!lineStartOf(at)) {
      searchFrom = at + delimiter.length;
      continue;
    }
    const after = body.slice(at + delimiter.length, at + delimiter.length + 2);
    const closing = after === "--";
    // The rest of the delimiter line may hold only whitespace (transport padding).
    const lineEnd = body.indexOf("\n", at);
    const restOfLine = body.slice(
      at + delimiter.length + (closing ? 2 : 0),
      lineEnd < 0 ? body.length : lineEnd,
    );
    if (!/^[ \t]*\r?$/.test(restOfLine)) {
      searchFrom = at + delimiter.length;
      continue;
    }
    if (partStart >= 0) {
      let end = at;
      if (body[end - 1] === "\n") end -= 1;
      if (body[end - 1] === "\r") end -= 1;
      parts.push(body.slice(partStart, Math.max(end, partStart)));
    }
    if (closing) return parts;
    // A delimiter on the last line without a line break opens a part that is empty, as it would with one.
    partStart = lineEnd < 0 ? body.length : lineEnd + 1;
    if (lineEnd < 0) break;
    searchFrom = partStart;
  }
  // No closing delimiter: the last part runs to the end, as lenient readers take it.
  if (partStart >= 0 && partStart <= body.length) parts.push(body.slice(partStart));
  return parts.length > 0 ? parts : null;
}

/** Turns every line ending into CRLF, the canonical form an RFC 3156 signature covers. */
export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, "\r\n");
}

/** An RFC 3156 multipart/signed entity: the signed part's exact bytes and the armored signature. */
export interface SignedEntity {
  signed: string;
  signature: string;
}

/** An RFC 3156 multipart/encrypted entity: the armored OpenPGP message it carries. */
export interface EncryptedEntity {
  armored: string;
}

/** What an entity is, for the OpenPGP handling: signed, encrypted, or neither (with a reason when malformed). */
export type PgpStructure =
  | { kind: "signed"; entity: SignedEntity }
  | { kind: "encrypted"; entity: EncryptedEntity }
  | { kind: "plain" }
  | { kind: "malformed"; problem: string };

/** Looks at one raw entity's top-level structure for RFC 3156 signing or encryption. */
export function pgpStructureOf(raw: string): PgpStructure {
  const { header, body } = splitEntity(raw);
  const ct = parseContentType(headerValue(parseHeaderBlock(header), "content-type"));
  if (
    ct.type === "multipart/signed" &&
    (ct.params.protocol ?? "").toLowerCase() === "application/pgp-signature"
  ) {
    const parts = splitMultipart(body, ct.params.boundary ?? "");
    if (parts?.length !== 2)
      return { kind: "malformed", problem: "A PGP/MIME signed message must have exactly two parts." };
    const signature = decodedPartText(parts[1]!);
    if (!signature.includes("-----BEGIN PGP SIGNATURE-----"))
      return {
        kind: "malformed",
        problem: "The second part of a PGP/MIME signed message is not a signature.",
      };
    return { kind: "signed", entity: { signed: toCrlf(parts[0]!), signature } };
  }
  if (
    ct.type === "multipart/encrypted" &&
    (ct.params.protocol ?? "").toLowerCase() === "application/pgp-encrypted"
  ) {
    const parts = splitMultipart(body, ct.params.boundary ?? "");
    if (!parts || parts.length < 2)
      return { kind: "malformed", problem: "A PGP/MIME encrypted message must have two parts." };
    const armored = decodedPartText(parts[1]!);
    if (!armored.includes("-----BEGIN PGP MESSAGE-----"))
      return {
        kind: "malformed",
        problem: "The second part of a PGP/MIME encrypted message holds no OpenPGP message.",
      };
    return { kind: "encrypted", entity: { armored } };
  }
  return { kind: "plain" };
}

/** The body of a small part as text, undoing base64 or quoted-printable; armored blocks are ASCII. */
function decodedPartText(part: string): string {
  const { header, body } = splitEntity(part);
  const encoding = (headerValue(parseHeaderBlock(header), "content-transfer-encoding") ?? "").toLowerCase();
  if (encoding === "base64")
    return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64").toString("latin1");
  if (encoding === "quoted-printable")
    return body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return body;
}
