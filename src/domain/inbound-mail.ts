// Pure rules for mail that arrives at the security address: raw MIME structure (for RFC 3156 signatures, whose
// signed bytes must be taken exactly as sent), Message-ID lists, and how a message finds its report.
// Raw mail is handled as a "binary" (latin1) string so every byte survives splitting unchanged.

/** One header field, unfolded, with its name as written. */
export interface HeaderField {
  name: string;
  value: string;
}

/** Upper bounds that keep hostile input from costing much: header count, list lengths, nesting. */
export const MAX_HEADER_FIELDS = 1000;
export const MAX_MESSAGE_IDS = 100;
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

/** The <id> tokens of a Message-ID, In-Reply-To or References value, in order, at most MAX_MESSAGE_IDS. */
export function messageIdsIn(value: string | null | undefined): string[] {
  if (!value) return [];
  const ids: string[] = [];
  for (const m of value.matchAll(/<([^<>\s]{1,250})>/g)) {
    ids.push(m[1]!);
    if (ids.length >= MAX_MESSAGE_IDS) break;
  }
  return ids;
}

/** A report reference (EMB-2026-0001) in a subject line, or null. */
export function referenceInSubject(subject: string | null | undefined): string | null {
  if (!subject) return null;
  const m = /(?:^|[^A-Za-z0-9])(EMB-\d{4}-\d{4,9})(?![A-Za-z0-9])/i.exec(subject.slice(0, 1000));
  return m ? m[1]!.toUpperCase() : null;
}

/**
 * The reference carried by a plus-address of the security address (`security+EMB-2026-0001@example.org`).
 * Only the security address's own local part and domain count, so other addresses cannot steer threading.
 */
export function referenceInAddress(address: string, securityAddress: string): string | null {
  const at = address.lastIndexOf("@");
  const ourAt = securityAddress.lastIndexOf("@");
  if (at <= 0 || ourAt <= 0) return null;
  const domain = address.slice(at + 1).toLowerCase();
  if (domain !== securityAddress.slice(ourAt + 1).toLowerCase()) return null;
  const local = address.slice(0, at);
  const ourLocal = securityAddress.slice(0, ourAt).split("+")[0]!.toLowerCase();
  const plus = local.indexOf("+");
  if (plus < 0 || local.slice(0, plus).toLowerCase() !== ourLocal) return null;
  const tag = local.slice(plus + 1);
  return /^EMB-\d{4}-\d{4,9}$/i.test(tag) ? tag.toUpperCase() : null;
}

/** A Message-ID we gave an outgoing mail (`<outbox-uuid@our-host>`): the outbox row's id, or null. */
export function outboxIdOf(messageId: string, ourHost: string): string | null {
  const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@(.+)$/i.exec(messageId);
  if (!m || m[2]!.toLowerCase() !== ourHost.toLowerCase()) return null;
  return m[1]!.toLowerCase();
}

/** How a message was matched to an existing report, strongest first. */
export type ThreadMatch =
  | { by: "message-id"; reportId: string }
  | { by: "plus-address" | "subject"; reference: string }
  | { by: "none" };

/**
 * Picks the report a message belongs to. A Message-ID we know (of our own mail, or of mail already imported) is
 * the strongest evidence; then the plus-address; then a reference in the subject. Lookups are the caller's.
 */
export function chooseThread(input: {
  /** In-Reply-To first, then References from newest to oldest. */
  referencedIds: readonly string[];
  reportIdForMessageId: (id: string) => string | null;
  recipients: readonly string[];
  securityAddress: string;
  subject: string | null;
}): ThreadMatch {
  for (const id of input.referencedIds) {
    const reportId = input.reportIdForMessageId(id);
    if (reportId) return { by: "message-id", reportId };
  }
  for (const address of input.recipients) {
    const reference = referenceInAddress(address, input.securityAddress);
    if (reference) return { by: "plus-address", reference };
  }
  const reference = referenceInSubject(input.subject);
  if (reference) return { by: "subject", reference };
  return { by: "none" };
}

/**
 * Whether a mail may join the report it matched. Answering one of our own Message-IDs shows the sender got our
 * mail; a plus-address or a reference in the subject anyone can type, so then only the report's own address may.
 */
export function mayJoinThread(
  match: ThreadMatch,
  sender: string | null | undefined,
  reporterEmail: string | null | undefined,
): boolean {
  if (match.by === "none") return false;
  if (match.by === "message-id") return true;
  return Boolean(sender && reporterEmail && sender.toLowerCase() === reporterEmail.toLowerCase());
}

/** In-Reply-To, then References newest first, without repeats: the order in which threading tries them. */
export function referencedIds(inReplyTo: string | null, references: string | null): string[] {
  // The newest References matter most, so a long list is cut at its old end, not its new one.
  const refs = [...(references ?? "").matchAll(/<([^<>\s]{1,250})>/g)]
    .map((m) => m[1]!)
    .slice(-MAX_MESSAGE_IDS);
  const ids = [...messageIdsIn(inReplyTo), ...refs.reverse()];
  return [...new Set(ids)].slice(0, MAX_MESSAGE_IDS);
}

/**
 * A report title from a subject: reply/forward prefixes removed (a reference in it stays, it helps people),
 * control, invisible and direction-changing characters removed so a title cannot disguise itself, trimmed to
 * 200 characters.
 */
export function titleFromSubject(subject: string | null | undefined, fallback: string): string {
  let title = (subject ?? "")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+/g, " ")
    .trim();
  for (let i = 0; i < 10; i++) {
    const next = title.replace(/^\s*(re|fwd?|aw|wg|sv|vs|antw|tr)\s*(\[\d+\])?\s*:\s*/i, "");
    if (next === title) break;
    title = next;
  }
  title = title.replace(/\s+/g, " ").trim();
  if (title.length < 5) return fallback;
  if (title.length <= 200) return title;
  // Never cut between the two halves of a surrogate pair (an emoji, say): a lone half is not text.
  const cut = /[\ud800-\udbff]/.test(title[198]!) ? 198 : 199;
  return `${title.slice(0, cut)}…`;
}

/**
 * A reply without the quoted mail under it: drops a trailing block of "> " lines and the "On … wrote:" line
 * that introduces it. Text the sender wrote between quotes is kept; a reply that is all quote stays whole.
 */
export function stripQuotedTail(text: string): string {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === "") end--;
  let cut = end;
  while (cut > 0 && /^\s*>/.test(lines[cut - 1]!)) cut--;
  if (cut === end) return text.trim();
  while (cut > 0 && lines[cut - 1]!.trim() === "") cut--;
  if (cut > 0 && isAttribution(lines[cut - 1]!)) cut--;
  const kept = lines.slice(0, cut).join("\n").trim();
  return kept === "" ? text.trim() : kept;
}

/**
 * An "On … wrote:" line. French puts a (often non-breaking) space before the colon; German and Scandinavian
 * mailers put the verb before the name ("Am … schrieb Max Mustermann:", "Den … skrev Sven:").
 */
function isAttribution(line: string): boolean {
  if (/(wrote|a écrit|escribió|ha scritto)\s*:\s*$/i.test(line)) return true;
  return /:\s*$/.test(line) && /(?:^|[^\p{L}])(schrieb|skrev)(?![\p{L}])/iu.test(line);
}

/**
 * Why a message was sent by a machine rather than a person (RFC 3834 Auto-Submitted, bounces, out-of-office
 * and list headers), or null. Such mail never becomes a report and is never answered, so two robots cannot
 * keep writing to each other through the acknowledgement.
 */
export function automaticMailReason(
  fields: readonly HeaderField[],
  contentType: string,
  ourAddresses: readonly string[],
): string | null {
  const value = (name: string) => headerValue(fields, name)?.trim().toLowerCase() ?? null;
  const autoSubmitted = value("auto-submitted");
  if (autoSubmitted && autoSubmitted !== "no") return `Auto-Submitted: ${autoSubmitted.slice(0, 40)}`;
  if (contentType === "multipart/report") return "a delivery or read report (multipart/report)";
  const from = value("from") ?? "";
  if (/(^|<|\s)(mailer-daemon|postmaster)@/i.test(from)) return "a bounce (from the mail system)";
  const address = /<([^<>]+)>/.exec(from)?.[1] ?? from;
  if (ourAddresses.some((a) => a.toLowerCase() === address.trim()))
    return "sent from our own security address";
  if (value("return-path") === "<>") return "a bounce (empty Return-Path)";
  // Not "list": a security address is often a group alias (Google Groups, Mailman) that marks every mail so.
  const precedence = value("precedence");
  if (precedence && ["bulk", "junk", "auto_reply"].includes(precedence)) return `Precedence: ${precedence}`;
  for (const name of ["x-autoreply", "x-autorespond"]) {
    const v = value(name);
    if (v !== null) return `${name}: ${v.slice(0, 40) || "set"}`;
  }
  return null;
}

/**
 * The outbox ids of our own mail that a bounce quotes (`Message-ID: <outbox-uuid@our-host>` in the returned
 * headers), at most 20. A delivery report carries the failed mail's headers, so this finds what bounced.
 */
export function bouncedOutboxIds(raw: string, ourHost: string): string[] {
  const ids = new Set<string>();
  for (const m of raw.slice(0, 2_000_000).matchAll(/<([0-9a-f-]{36}@[^<>\s]{1,250})>/gi)) {
    const id = outboxIdOf(m[1]!, ourHost);
    if (id) ids.add(id);
    if (ids.size >= 20) break;
  }
  return [...ids];
}

/** The human line of a delivery report that says why (Diagnostic-Code or Status), for the delivery log. */
export function bounceDiagnostic(raw: string): string | null {
  const text = raw.slice(0, 2_000_000);
  const diagnostic = /^Diagnostic-Code:\s*(?:smtp;\s*)?(.+(?:\r?\n[ \t].+)*)/im.exec(text);
  if (diagnostic) return diagnostic[1]!.replace(/\s+/g, " ").trim().slice(0, 300);
  const status = /^Status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(text);
  return status ? `status ${status[1]}` : null;
}
