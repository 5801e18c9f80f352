// Text of an inbound mail, found by linear scans: any sender writes this text, so no step may cost more than a
// constant number of passes over it (a backtracking regular expression on `<a<a<a…` or on armor headers without
// their end line is quadratic), and nothing the sender wrote is ever read as a pattern or a replacement.

/** Where an armored block sits in a text: `start` inclusive, `end` exclusive. */
export interface TextSpan {
  start: number;
  end: number;
}

/** Armor lines of the blocks the intake looks for in a mail's text. */
export const ARMOR = {
  publicKey: { begin: "-----BEGIN PGP PUBLIC KEY BLOCK-----", end: "-----END PGP PUBLIC KEY BLOCK-----" },
  message: { begin: "-----BEGIN PGP MESSAGE-----", end: "-----END PGP MESSAGE-----" },
  clearsigned: { begin: "-----BEGIN PGP SIGNED MESSAGE-----", end: "-----END PGP SIGNATURE-----" },
} as const;

/**
 * The first block from its begin line to the nearest end line after it, at or after `from`; null when no block is
 * complete. Two searches, so it is linear however many begin lines lack an end.
 */
export function findArmored(text: string, armor: { begin: string; end: string }, from = 0): TextSpan | null {
  const start = text.indexOf(armor.begin, from);
  if (start < 0) return null;
  const stop = text.indexOf(armor.end, start + armor.begin.length);
  if (stop < 0) return null;
  return { start, end: stop + armor.end.length };
}

/** Every complete block in order, none overlapping: the public keys a sender pasted into the text. */
export function allArmored(text: string, armor: { begin: string; end: string }): string[] {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const span = findArmored(text, armor, from);
    if (!span) return out;
    out.push(text.slice(span.start, span.end));
    from = span.end;
  }
}

/** The text with one span replaced by `replacement` taken literally (no `$&`, `` $` `` or `$'` expansion). */
export function replaceSpan(text: string, span: TextSpan, replacement: string): string {
  return text.slice(0, span.start) + replacement + text.slice(span.end);
}

const lowerAscii = (code: number) => (code >= 65 && code <= 90 ? code + 32 : code);

/** Whether `text` at `at` starts with the lower-case ASCII `word`, ignoring ASCII case. */
function startsWithAscii(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) {
    if (lowerAscii(text.charCodeAt(at + i)) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether a tag name ends at `at`: the end of the tag, white space or a slash follows. */
function nameEndsAt(text: string, at: number): boolean {
  const c = text[at];
  return c === undefined || c === ">" || c === "/" || c === " " || c === "\t" || c === "\r" || c === "\n";
}

/** Whether the tag between `<` at `open` and `>` at `close` is one whose name is `name` (e.g. "br", "/p"). */
function isTag(html: string, open: number, close: number, name: string): boolean {
  return (
    open + 1 + name.length <= close &&
    startsWithAscii(html, open + 1, name) &&
    nameEndsAt(html, open + 1 + name.length)
  );
}

const ENTITIES: readonly [string, string][] = [
  ["&nbsp;", " "],
  ["&lt;", "<"],
  ["&gt;", ">"],
  ["&quot;", '"'],
  ["&#39;", "'"],
  ["&amp;", "&"],
];

/** The few entities mail clients use in plain prose, decoded once (`&amp;lt;` stays `&lt;`). */
export function decodeBasicEntities(text: string): string {
  const out: string[] = [];
  let last = 0;
  let at = text.indexOf("&");
  while (at >= 0) {
    const hit = ENTITIES.find(([entity]) => text.startsWith(entity, at));
    if (hit) {
      out.push(text.slice(last, at), hit[1]);
      last = at + hit[0].length;
    }
    at = text.indexOf("&", hit ? last : at + 1);
  }
  out.push(text.slice(last));
  return out.join("");
}

/**
 * Readable text of an HTML-only mail: script and style elements dropped, a line break for `<br>`, `</p>` and
 * `</div>`, every other tag removed, basic entities decoded. A `<` with no `>` after it is text. One pass: the
 * searches for an end tag or a `>` that found none are not repeated.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let last = 0;
  let at = html.indexOf("<");
  let noMoreClose = false;
  const noEndTag = { script: false, style: false };
  while (at >= 0 && !noMoreClose) {
    const close = html.indexOf(">", at + 1);
    if (close < 0) {
      noMoreClose = true;
      break;
    }
    if (close === at + 1) {
      // "<>" is not a tag.
      at = html.indexOf("<", close);
      continue;
    }
    out.push(html.slice(last, at));
    let resume = close + 1;
    if (isTag(html, at, close, "br") || isTag(html, at, close, "/p") || isTag(html, at, close, "/div")) {
      out.push("\n");
    } else {
      for (const name of ["script", "style"] as const) {
        if (!isTag(html, at, close, name) || noEndTag[name]) continue;
        const end = findEndTag(html, close + 1, name);
        if (end < 0) noEndTag[name] = true;
        else resume = end;
        break;
      }
    }
    last = resume;
    at = html.indexOf("<", resume);
  }
  out.push(html.slice(last));
  return decodeBasicEntities(out.join(""));
}

/** Just past the `>` of the first `</name …>` at or after `from`, or -1 when there is none. */
function findEndTag(html: string, from: number, name: string): number {
  let at = html.indexOf("</", from);
  while (at >= 0) {
    if (startsWithAscii(html, at + 2, name) && nameEndsAt(html, at + 2 + name.length)) {
      const close = html.indexOf(">", at + 2 + name.length);
      return close < 0 ? -1 : close + 1;
    }
    at = html.indexOf("</", at + 2);
  }
  return -1;
}
