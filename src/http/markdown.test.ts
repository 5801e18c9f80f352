import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown.ts";

/** Every tag the HTML contains, with its attributes, so tests look at markup rather than at escaped text. */
function tags(html: string): { name: string; attrs: Record<string, string> }[] {
  const out: { name: string; attrs: Record<string, string> }[] = [];
  for (const match of html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    const attrs: Record<string, string> = {};
    for (const a of match[2]!.matchAll(/([^\s=]+)(?:="([^"]*)")?/g)) attrs[a[1]!.toLowerCase()] = a[2] ?? "";
    out.push({ name: match[1]!.toLowerCase(), attrs });
  }
  return out;
}

const SAFE_TAGS = new Set([
  "p",
  "a",
  "em",
  "strong",
  "ul",
  "ol",
  "li",
  "code",
  "pre",
  "blockquote",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "br",
  "img",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "s",
]);

/** No script, no event handler, no dangerous URL anywhere in the output. */
function expectInert(html: string) {
  for (const tag of tags(html)) {
    expect(SAFE_TAGS.has(tag.name), `unexpected <${tag.name}> in ${html}`).toBe(true);
    for (const [name, value] of Object.entries(tag.attrs)) {
      expect(name.startsWith("on"), `event handler ${name} in ${html}`).toBe(false);
      expect(["style", "srcdoc", "formaction"].includes(name), `attribute ${name} in ${html}`).toBe(false);
      if (name === "href" || name === "src") {
        const decoded = value.replace(/&amp;/g, "&").trim().toLowerCase();
        expect(decoded, `URL in ${html}`).not.toMatch(/^(javascript|vbscript|data|file):/);
      }
    }
  }
}

describe("renderMarkdown", () => {
  it("renders ordinary Markdown: paragraphs, emphasis, lists and links", () => {
    const html = renderMarkdown(
      "We **welcome** reports.\n\n- one\n- two\n\nSee [our site](https://example.org/security).",
    );
    expect(html).toContain("<strong>welcome</strong>");
    expect(html).toContain("<li>one</li>");
    expect(html).toContain('<a href="https://example.org/security" rel="nofollow noopener">our site</a>');
  });

  it("turns bare URLs into links with rel=nofollow noopener", () => {
    const html = renderMarkdown("Read https://example.org/policy today.");
    expect(html).toContain('<a href="https://example.org/policy" rel="nofollow noopener">');
  });

  it("keeps mailto: and relative links", () => {
    const html = renderMarkdown("[mail](mailto:security@example.org) and [form](/report) and [top](#scope)");
    expect(html).toContain('href="mailto:security@example.org"');
    expect(html).toContain('href="/report"');
    expect(html).toContain('href="#scope"');
  });

  it("escapes <script> instead of emitting it", () => {
    const html = renderMarkdown(
      "Hello <script>alert(1)</script> world\n\n<script src=//evil.example/x.js></script>",
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("&lt;script&gt;");
    expectInert(html);
  });

  it("escapes raw HTML blocks and inline tags with handlers", () => {
    const inputs = [
      "<img src=x onerror=alert(1)>",
      '<div onclick="alert(1)">click</div>',
      '<iframe src="https://evil.example"></iframe>',
      "<svg onload=alert(1)>",
      '<a href="javascript:alert(1)">x</a>',
      "<style>body{display:none}</style>",
      '<form action="https://evil.example"><button>go</button></form>',
    ];
    for (const input of inputs) {
      const html = renderMarkdown(input);
      expect(html).toContain("&lt;");
      // Only the paragraph, plus a linkified https URL where the input had one.
      expect(
        tags(html).every((t) => t.name === "p" || (t.name === "a" && t.attrs.href?.startsWith("https://"))),
      ).toBe(true);
      expectInert(html);
    }
  });

  it("refuses javascript:, vbscript:, data: and file: links in every spelling", () => {
    const inputs = [
      "[x](javascript:alert(1))",
      "[x](JAVASCRIPT:alert(1))",
      "[x]( javascript:alert(1) )",
      "[x](&#106;avascript:alert(1))",
      "[x](javascript&#58;alert(1))",
      "[x](&#x6A;avascript:alert(1))",
      "[x](vbscript:msgbox(1))",
      "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
      "[x](data:image/png;base64,iVBORw0KGgo=)",
      "[x](file:///etc/passwd)",
      "<javascript:alert(1)>",
      "[x][ref]\n\n[ref]: javascript:alert(1)",
      "![img](javascript:alert(1))",
      "![img](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    ];
    for (const input of inputs) {
      const html = renderMarkdown(input);
      expect(
        tags(html).some((t) => t.name === "a" || t.name === "img"),
        `${input} -> ${html}`,
      ).toBe(false);
      expectInert(html);
    }
  });

  it("gives images no handler even with a hostile title or alt text", () => {
    const html = renderMarkdown('![" onerror="alert(1)](/logo.png " onload=alert(1) x=")');
    const img = tags(html).find((t) => t.name === "img");
    expect(Object.keys(img?.attrs ?? {}).sort()).toEqual(["alt", "src", "title"]);
    expect(img?.attrs.alt).toBe("&quot; onerror=&quot;alert(1)");
    expectInert(html);
  });

  it("keeps code blocks as text", () => {
    const html = renderMarkdown("```html\n<script>alert(1)</script>\n```");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expectInert(html);
  });
});
