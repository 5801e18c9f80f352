import { describe, expect, it } from "vitest";
import {
  escapeHtml,
  MAX_QUERY_TERMS,
  MAX_TOKEN_LENGTH,
  makeSnippet,
  normalizeWord,
  parseSearch,
  snippetHtml,
  snippetText,
  stem,
  titleSimilarity,
  tokenize,
  wordSpans,
} from "./search-text.ts";

describe("tokenize", () => {
  it.each([
    ["SQL Injection in the Login form", ["sql", "injection", "login", "form"]],
    ["", []],
    ["the and of a an", []],
    ["Cross-site scripting (XSS)!", ["cross", "site", "script", "xss"]],
    ["api.example.com/v1/users?id=1", ["api", "example", "com", "v1", "user", "id", "1"]],
    ["ＸＳＳ ｉｎ ＡＰＩ", ["xss", "api"]], // full-width forms fold to ASCII (NFKC)
    ["ﬁle upload", ["file", "upload"]], // ligature
    ["Straße café naïve", ["straße", "café", "naïve"]],
    ["cookies injections passwords", ["cooki", "injection", "password"]],
    ["脆弱性", ["脆", "弱", "性"]], // CJK: one token per character
    ["'; DROP TABLE reports; --", ["drop", "table", "report"]],
    ["a & b | !c : * ( )", []],
    ["<script>alert(1)</script>", ["script", "alert", "1", "script"]],
  ])("%j → %j", (input, expected) => {
    expect(tokenize(input)).toEqual(expected);
  });

  it("is not fooled by non-strings", () => {
    expect(tokenize(undefined as unknown as string)).toEqual([]);
    expect(tokenize(42 as unknown as string)).toEqual([]);
    expect(wordSpans(null as unknown as string)).toEqual([]);
  });

  it("cuts very long runs and caps the number of tokens", () => {
    const blob = "A".repeat(100_000);
    const [token] = tokenize(blob);
    expect(token!.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
    const many = tokenize("word ".repeat(50_000), 1000);
    expect(many).toHaveLength(1000);
  });

  it("handles a megabyte of mixed hostile text quickly", () => {
    const text = "<b>x</b> \u0000\u202e émoji 🎉 ".repeat(40_000);
    const started = Date.now();
    tokenize(text);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("normalizeWord and stem", () => {
  it.each([
    ["The", null],
    ["x", null],
    ["7", "7"],
    ["Tokens", "token"],
    ["policies", "polici"],
    ["policy", "polici"],
    ["keys", "key"],
    ["passes", "pass"],
    ["class", "class"],
    ["status", "status"],
    ["parsing", "pars"],
    ["injected", "inject"],
    ["v2s", "v2s"],
  ])("%j → %j", (input, expected) => {
    expect(normalizeWord(input)).toBe(expected);
  });

  it("stems index and query the same way", () => {
    expect(stem("cookies")).toBe(stem("cookie"));
    expect(tokenize("cookies")).toEqual(tokenize("cookie"));
  });
});

describe("parseSearch", () => {
  it.each([
    ["", [], null],
    ["   ", [], null],
    ["the of and", [], null],
    ["EMB-2026-0001", ["emb", "2026", "0001"], "EMB-2026-0001"],
    ["emb-2026-12", ["emb", "2026", "12"], "EMB-2026-12"],
    ['"sql" & injection | !login:*', ["sql", "injection", "login"], null],
    ["a & b | ! ( ) : * '", [], null],
    ["xss xss XSS", ["xss"], null],
    ["\u0000xss\u0007\u001b[0m", ["xss", "0m"], null],
  ])("%j", (input, terms, reference) => {
    const parsed = parseSearch(input);
    expect(parsed.terms).toEqual(terms);
    expect(parsed.reference).toBe(reference);
  });

  it("keeps at most a dozen terms and ignores non-strings", () => {
    const many = Array.from({ length: 50 }, (_, i) => `word${i}`).join(" ");
    expect(parseSearch(many).terms).toHaveLength(MAX_QUERY_TERMS);
    expect(parseSearch({ toString: () => "x" })).toEqual({ terms: [], reference: null, raw: "" });
    expect(parseSearch("a\u0000b").raw).toBe("a b");
  });
});

describe("makeSnippet", () => {
  it("marks every match and escapes the rest", () => {
    const text = 'The <img src=x onerror="alert(1)"> payload runs in the preview & steals cookies.';
    const snippet = makeSnippet(text, tokenize("preview cookie"))!;
    const html = snippetHtml(snippet);
    expect(html).toContain("<mark>preview</mark>");
    expect(html).toContain("<mark>cookies</mark>");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain("&amp; steals");
    expect(html.replace(/<\/?mark>/g, "")).not.toMatch(/[<>]/);
    expect(snippet.matched).toBe(2);
  });

  it("cannot be made to emit markup by a matched word", () => {
    const snippet = makeSnippet("<mark>evil</mark> and <script>", tokenize("mark script"))!;
    const html = snippetHtml(snippet);
    expect(html).toBe(
      "&lt;<mark>mark</mark>&gt;evil&lt;/<mark>mark</mark>&gt; and &lt;<mark>script</mark>&gt;",
    );
  });

  it("picks the window with the most distinct terms in a long text", () => {
    const filler = "lorem ipsum dolor sit amet ".repeat(200);
    const text = `${filler} token alone ${filler} the token and the nonce together ${filler}`;
    const snippet = makeSnippet(text, tokenize("token nonce"), 120)!;
    const plain = snippetText(snippet);
    expect(plain).toContain("token and the nonce together");
    expect(plain.startsWith("…")).toBe(true);
    expect(plain.endsWith("…")).toBe(true);
    expect(plain.length).toBeLessThanOrEqual(124);
    expect(snippet.matched).toBe(2);
  });

  it("cuts at word boundaries and keeps surrogate pairs whole", () => {
    const text = `${"🎉".repeat(100)} secret ${"🎉".repeat(100)}`;
    const plain = snippetText(makeSnippet(text, ["secret"], 40)!);
    expect(plain).toContain("secret");
    expect(() => encodeURIComponent(plain)).not.toThrow(); // a lone surrogate would throw
  });

  it("matches Unicode forms like the index does", () => {
    const snippet = makeSnippet("Found in ＬＯＧＩＮ and ﬁles", tokenize("login files"))!;
    expect(snippetHtml(snippet)).toBe("Found in <mark>ＬＯＧＩＮ</mark> and <mark>ﬁles</mark>");
  });

  it("returns null without a match, for empty text and for empty terms", () => {
    expect(makeSnippet("nothing here", ["absent"])).toBeNull();
    expect(makeSnippet("", ["x"])).toBeNull();
    expect(makeSnippet("text", [])).toBeNull();
  });

  it("collapses line breaks into spaces", () => {
    const plain = snippetText(makeSnippet("line one\n\n\tsecret\r\nline three", ["secret"])!);
    expect(plain).toBe("line one secret line three");
  });

  it("stays fast on a megabyte of text with many matches", () => {
    const text = "match filler ".repeat(80_000);
    const started = Date.now();
    const snippet = makeSnippet(text, ["match"]);
    expect(snippet).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("escapeHtml", () => {
  it("escapes the five HTML-special characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});

describe("titleSimilarity", () => {
  it("is 1 for the same title, 0 for nothing shared, and in between otherwise", () => {
    expect(titleSimilarity("SQL injection in login", "sql injection in LOGIN")).toBe(1);
    expect(titleSimilarity("abc", "xyz")).toBe(0);
    expect(titleSimilarity("", "anything")).toBe(0);
    const close = titleSimilarity("SQL injection in login form", "SQL injection on the login page");
    const far = titleSimilarity("SQL injection in login form", "Stored XSS in comments");
    expect(close).toBeGreaterThan(far);
    expect(close).toBeGreaterThan(0.3);
  });
});
