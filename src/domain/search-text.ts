// Words for the keyed search index and the highlighted snippets: tokenizing, normalising, picking and marking.
// Pure: the keyed hashing and the database live in features/search.

/** Common English words that would match almost every report; they are neither indexed nor searched. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being below between " +
    "both but by can could did do does doing down during each few for from further had has have having he her " +
    "here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not " +
    "now of off on once only or other our ours ourselves out over own same she should so some such than that the " +
    "their theirs them themselves then there these they this those through to too under until up very was we " +
    "were what when where which while who whom why will with would you your yours yourself yourselves"
  ).split(" "),
);

/** Longest token kept; longer runs (base64 blobs, hashes) are cut so one token cannot be arbitrarily large. */
export const MAX_TOKEN_LENGTH = 40;
/** Most tokens taken from one text; beyond this a text adds nothing to the index or the snippet search. */
export const MAX_TOKENS = 10_000;

// A word is a run of letters, digits and combining marks; each Han, Hiragana or Katakana character is a word of
// its own, since those scripts do not separate words with spaces.
const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}`;
const WORD = new RegExp(String.raw`[${CJK}]|(?:(?![${CJK}])[\p{L}\p{N}\p{M}])+`, "gu");

/**
 * Light suffix stripping so "injections" finds "injection" and "cookies" finds "cookie". Deliberately timid:
 * a wrong stem only costs recall, and the same function runs on the index and on the query.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  // "policy", "policies", "cookie" and "cookies" all end in "i", so each singular meets its plural.
  if (word.endsWith("ies") && word.length > 4) return word.slice(0, -2);
  if (word.endsWith("ie")) return word.slice(0, -1);
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}i`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("ing") && word.length > 6) return word.slice(0, -3);
  if (word.endsWith("ed") && word.length > 5 && !word.endsWith("eed")) return word.slice(0, -2);
  if (word.endsWith("s") && !/(ss|us|is|os)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** One word as the index sees it: NFKC, lower case, cut to MAX_TOKEN_LENGTH, stemmed; null for stop words and noise. */
export function normalizeWord(raw: string): string | null {
  const word = raw.normalize("NFKC").toLowerCase();
  // NFKC can turn one character into several words ("½" becomes "1⁄2"); only the first letter-run counts here.
  const first = word.match(WORD)?.[0];
  if (!first) return null;
  if (STOP_WORDS.has(first)) return null;
  // Single Latin letters carry no meaning; single digits and single CJK characters do.
  if (first.length === 1 && /\p{Script=Latin}/u.test(first)) return null;
  return stem(first.slice(0, MAX_TOKEN_LENGTH));
}

/** A word found in a text, with where it is, so snippets can mark the original characters. */
export interface WordSpan {
  start: number;
  end: number;
  token: string | null;
}

/** Every word of a text with its position and normalised token (null when it is a stop word). */
export function wordSpans(text: string, limit = MAX_TOKENS): WordSpan[] {
  const spans: WordSpan[] = [];
  if (typeof text !== "string" || text.length === 0) return spans;
  // Each word is normalised on its own, so the offsets stay those of the original text.
  for (const match of text.matchAll(WORD)) {
    if (spans.length >= limit) break;
    const start = match.index ?? 0;
    spans.push({ start, end: start + match[0].length, token: normalizeWord(match[0]) });
  }
  return spans;
}

/** The tokens of a text in order, stop words removed; what the index stores (hashed) and what queries ask for. */
export function tokenize(text: string, limit = MAX_TOKENS): string[] {
  // The same path as snippets take, so whatever the index holds, the highlighter finds again.
  const out: string[] = [];
  for (const span of wordSpans(text, limit)) if (span.token) out.push(span.token);
  return out;
}

/** What a search box asked for: distinct tokens (all must match) and a report reference, if it looks like one. */
export interface ParsedSearch {
  terms: string[];
  reference: string | null;
  raw: string;
}

/** At most this many terms from one query; more would only slow the query down. */
export const MAX_QUERY_TERMS = 12;

/**
 * Reads a search box. Everything that is not a word (quotes, `&|!():*<>`, SQL) is a separator, so user input can
 * never reach the tsquery syntax: the query is built only from hashes of these terms.
 */
export function parseSearch(input: unknown): ParsedSearch {
  // Control characters (NUL above all, which PostgreSQL refuses in text) become spaces.
  const raw =
    typeof input === "string"
      ? input
          .slice(0, 500)
          .replace(/\p{Cc}/gu, " ")
          .trim()
      : "";
  const reference = /^EMB-\d{4}-\d{1,9}$/i.test(raw) ? raw.toUpperCase() : null;
  const terms = [...new Set(tokenize(raw))].slice(0, MAX_QUERY_TERMS);
  return { terms, reference, raw };
}

/** A piece of a snippet: plain text, or a matched word to highlight. */
export interface SnippetPart {
  text: string;
  mark: boolean;
}

export interface Snippet {
  parts: SnippetPart[];
  /** How many distinct query terms the snippet shows. */
  matched: number;
}

/**
 * The most telling window of a text for the given terms: the one showing the most distinct terms, then the most
 * matches, cut at word boundaries with "…" where text was left out. Null when no term occurs.
 */
export function makeSnippet(text: string, terms: readonly string[], maxLength = 220): Snippet | null {
  if (typeof text !== "string" || text.length === 0 || terms.length === 0) return null;
  const wanted = new Set(terms);
  const spans = wordSpans(text);
  const hits = spans.filter((s) => s.token !== null && wanted.has(s.token));
  if (hits.length === 0) return null;

  // Slide a window anchored a little before each hit; keep the one covering the most distinct terms.
  const lead = Math.min(60, Math.floor(maxLength / 4));
  let best = { start: 0, distinct: -1, count: -1 };
  let right = 0;
  for (let left = 0; left < hits.length; left++) {
    const start = Math.max(0, hits[left]!.start - lead);
    const end = start + maxLength;
    if (right < left) right = left;
    while (right + 1 < hits.length && hits[right + 1]!.end <= end) right++;
    const inside = hits.slice(left, right + 1);
    const distinct = new Set(inside.map((h) => h.token)).size;
    if (distinct > best.distinct || (distinct === best.distinct && inside.length > best.count)) {
      best = { start, distinct, count: inside.length };
    }
    if (best.distinct === wanted.size && left > 0) break;
  }

  // Widen to word boundaries so no word is cut in half.
  let start = best.start;
  let end = Math.min(text.length, start + maxLength);
  const cutStart = spans.find((s) => s.start < start && s.end > start);
  if (cutStart) start = cutStart.end;
  const cutEnd = spans.find((s) => s.start < end && s.end > end);
  if (cutEnd) end = cutEnd.start;
  // Never split a UTF-16 surrogate pair.
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start++;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end--;

  const parts: SnippetPart[] = [];
  const push = (chunk: string, mark: boolean) => {
    if (chunk.length === 0) return;
    const last = parts.at(-1);
    if (last && last.mark === mark && !mark) last.text += chunk;
    else parts.push({ text: chunk, mark });
  };
  if (start > 0) push("…", false);
  let at = start;
  for (const hit of hits) {
    if (hit.start < start || hit.end > end) continue;
    push(collapse(text.slice(at, hit.start)), false);
    push(text.slice(hit.start, hit.end), true);
    at = hit.end;
  }
  push(collapse(text.slice(at, end)), false);
  if (end < text.length) push("…", false);
  const shown = new Set(hits.filter((h) => h.start >= start && h.end <= end).map((h) => h.token)).size;
  return { parts, matched: shown };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Line breaks and runs of spaces read badly in a one-line snippet. */
function collapse(text: string): string {
  return text.replace(/\s+/g, " ");
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** The snippet as HTML: every part escaped, matches in <mark>. The only HTML in the result is ours. */
export function snippetHtml(snippet: Snippet): string {
  return snippet.parts
    .map((p) => (p.mark ? `<mark>${escapeHtml(p.text)}</mark>` : escapeHtml(p.text)))
    .join("");
}

/** The snippet as plain text, for logs and the JSON API's text field. */
export function snippetText(snippet: Snippet): string {
  return snippet.parts.map((p) => p.text).join("");
}

/** Character trigrams of a title, padded like pg_trgm: each word gets two leading spaces and one trailing. */
export function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  if (typeof text !== "string") return out;
  const lowered = text.normalize("NFKC").toLowerCase();
  for (const m of lowered.matchAll(WORD)) {
    const padded = `  ${m[0]} `;
    const chars = [...padded];
    for (let i = 0; i + 3 <= chars.length; i++) out.add(chars.slice(i, i + 3).join(""));
  }
  return out;
}

/** pg_trgm-style similarity of two titles (shared trigrams over all trigrams), 0 to 1. */
export function titleSimilarity(a: string, b: string): number {
  const ta = trigrams(a);
  const tb = trigrams(b);
  if (ta.size === 0 || tb.size === 0) return 0;
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / (ta.size + tb.size - shared);
}
