import { describe, expect, it } from "vitest";
import {
  ARMOR,
  allArmored,
  decodeBasicEntities,
  findArmored,
  htmlToText,
  replaceSpan,
} from "./inbound-text.ts";

const KEY = (body: string) => `${ARMOR.publicKey.begin}\n${body}\n${ARMOR.publicKey.end}`;
const MESSAGE = (body: string) => `${ARMOR.message.begin}\n${body}\n${ARMOR.message.end}`;
/** About a megabyte: what any sender may put in a mail, and what a quadratic scan would take minutes on. */
const MB = 1024 * 1024;

describe("findArmored", () => {
  it("finds the first complete block and its exact span", () => {
    const text = `Hello\n${MESSAGE("abc")}\nbye`;
    const span = findArmored(text, ARMOR.message);
    expect(span).toEqual({ start: 6, end: 6 + MESSAGE("abc").length });
    expect(text.slice(span!.start, span!.end)).toBe(MESSAGE("abc"));
  });

  it("takes the nearest end line, so two blocks are two spans", () => {
    const text = `${MESSAGE("one")} and ${MESSAGE("two")}`;
    const first = findArmored(text, ARMOR.message)!;
    expect(text.slice(first.start, first.end)).toBe(MESSAGE("one"));
    const second = findArmored(text, ARMOR.message, first.end)!;
    expect(text.slice(second.start, second.end)).toBe(MESSAGE("two"));
  });

  it("returns null without a begin line, without an end line, or with the end before the begin", () => {
    expect(findArmored("", ARMOR.message)).toBeNull();
    expect(findArmored("plain text", ARMOR.message)).toBeNull();
    expect(findArmored(`${ARMOR.message.begin}\nno end`, ARMOR.message)).toBeNull();
    expect(findArmored(`${ARMOR.message.end}\n${ARMOR.message.begin}`, ARMOR.message)).toBeNull();
    // A begin line overlapping its own end marker is not a block.
    expect(findArmored("-----BEGIN PGP MESSAGE-----", ARMOR.message)).toBeNull();
  });

  it("spans a clear-signed text from its header to the end of its signature", () => {
    const block = `${ARMOR.clearsigned.begin}\nHash: SHA256\n\ntext\n-----BEGIN PGP SIGNATURE-----\nsig\n${ARMOR.clearsigned.end}`;
    const span = findArmored(`x ${block} y`, ARMOR.clearsigned)!;
    expect(`x ${block} y`.slice(span.start, span.end)).toBe(block);
  });

  it("answers at once on a megabyte of begin lines that never end", () => {
    const hostile = `${ARMOR.message.begin}\n`.repeat(Math.ceil(MB / 28));
    expect(findArmored(hostile, ARMOR.message)).toBeNull();
    expect(findArmored(`${hostile}${ARMOR.message.end}`, ARMOR.message)).toEqual({
      start: 0,
      end: hostile.length + ARMOR.message.end.length,
    });
  });
});

describe("allArmored", () => {
  it("lists every complete key block in order and ignores an unterminated one", () => {
    const text = `${KEY("a")}\nmiddle\n${KEY("b")}\n${ARMOR.publicKey.begin}\ncut off`;
    expect(allArmored(text, ARMOR.publicKey)).toEqual([KEY("a"), KEY("b")]);
    expect(allArmored("", ARMOR.publicKey)).toEqual([]);
  });

  it("finds nothing in a megabyte of key headers without an end", () => {
    const hostile = `${ARMOR.publicKey.begin}`.repeat(Math.ceil(MB / 36));
    expect(allArmored(hostile, ARMOR.publicKey)).toEqual([]);
  });
});

describe("replaceSpan", () => {
  it("puts the replacement in literally: $ patterns a sender wrote are not expanded", () => {
    const text = "before [X] after";
    const span = { start: 7, end: 10 };
    for (const tricky of ["$'", "$`", "$&", "$1", "$$", "$<name>"]) {
      expect(replaceSpan(text, span, tricky)).toBe(`before ${tricky} after`);
    }
  });

  it("replaces at the very start and end, and with nothing", () => {
    expect(replaceSpan("abc", { start: 0, end: 1 }, "X")).toBe("Xbc");
    expect(replaceSpan("abc", { start: 2, end: 3 }, "X")).toBe("abX");
    expect(replaceSpan("abc", { start: 0, end: 3 }, "")).toBe("");
  });
});

describe("decodeBasicEntities", () => {
  it("decodes each entity once, leaving unknown and cut-off ones as written", () => {
    expect(decodeBasicEntities("a&nbsp;b &lt;i&gt; &quot;q&quot; it&#39;s &amp;")).toBe(`a b <i> "q" it's &`);
    expect(decodeBasicEntities("&amp;lt; stays &lt;")).toBe("&lt; stays <");
    expect(decodeBasicEntities("&copy; &am &")).toBe("&copy; &am &");
    expect(decodeBasicEntities("&&&lt;")).toBe("&&<");
    expect(decodeBasicEntities("")).toBe("");
  });
});

describe("htmlToText", () => {
  it("keeps the prose, breaks lines at <br>, </p> and </div>, and drops other tags", () => {
    expect(htmlToText("<p>Hello <b>team</b>,</p><div>line<br>two<BR/>three</div>")).toBe(
      "Hello team,\nline\ntwo\nthree\n",
    );
    expect(htmlToText('<br class="x"><p class="y">a</P >')).toBe("\na\n");
  });

  it("drops script and style elements with their content, whatever the case", () => {
    expect(htmlToText("a<script>alert('<b>')</script>b<STYLE type=x>p{}</Style >c")).toBe("abc");
    // <scripts> is not <script>: only its tag goes.
    expect(htmlToText("<scripts>kept</scripts>")).toBe("kept");
  });

  it("keeps a < with no > after it, and <> itself, as text", () => {
    // From a < to the next > is one tag, as in the lenient readers: "< 2 and <b>" goes.
    expect(htmlToText("1 < 2 and <b>3</b> > 2")).toBe("1 3 > 2");
    expect(htmlToText("a <> b")).toBe("a <> b");
    expect(htmlToText("x < y")).toBe("x < y");
    expect(htmlToText("")).toBe("");
  });

  it("keeps the content of a script that never ends, as a lenient reader would show it", () => {
    expect(htmlToText("<script>one<script>two<p>three")).toBe("onetwothree");
  });

  it("decodes entities after the tags are gone, so an escaped tag stays text", () => {
    expect(htmlToText("&lt;b&gt;bold&lt;/b&gt; &amp;amp;")).toBe("<b>bold</b> &amp;");
  });

  it("turns a megabyte of unclosed tags into that same text", () => {
    const hostile = "<a".repeat(MB / 2);
    expect(htmlToText(`<p>Hi</p>${hostile}`)).toBe(`Hi\n${hostile}`);
  });

  it("turns a megabyte of script start tags without end tags into nothing but the last words", () => {
    expect(htmlToText(`${"<script>".repeat(MB / 8)}visible`)).toBe("visible");
    expect(htmlToText(`${"<style><script>".repeat(MB / 15)}visible`)).toBe("visible");
    expect(htmlToText(`${"</script".repeat(MB / 8)}<b>visible`)).toBe("visible");
  });
});
