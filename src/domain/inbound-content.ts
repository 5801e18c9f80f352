// What an inbound message says and who sent it: a report title from the subject, a reply without its quoted
// tail, and whether a machine sent it (auto-replies, bounces and what they bounced).

import { type HeaderField, headerValue } from "./inbound-mime.ts";
import { outboxIdOf } from "./inbound-threading.ts";

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
