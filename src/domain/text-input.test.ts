import { describe, expect, it } from "vitest";
import { firstNulPath, nulMessage, wellFormed } from "./text-input.ts";

describe("firstNulPath", () => {
  it("finds nothing in clean values of every JSON type", () => {
    for (const clean of [null, true, 0, "", "text", [], {}, { a: ["b", { c: "d" }] }, "\u0001\u001f\ud800"])
      expect(firstNulPath(clean), JSON.stringify(clean)).toBeNull();
  });

  it("names the field, the list index and the nested key that hold a NUL", () => {
    expect(firstNulPath("a\u0000b")).toBe("the body");
    expect(firstNulPath({ title: "x\u0000" })).toBe("title");
    expect(firstNulPath({ title: "ok", attachments: [{ filename: "a" }, { filename: "\u0000.txt" }] })).toBe(
      "attachments[1].filename",
    );
    expect(firstNulPath({ "na\u0000me": "x" })).toBe("na\u0000me");
    expect(firstNulPath({ body: ["first", "sec\u0000ond"] })).toBe("body[1]");
  });

  it("walks prototype keys as plain data and never consults the prototype", () => {
    const parsed = JSON.parse('{"__proto__":{"title":"\\u0000"},"constructor":"ok"}');
    expect(firstNulPath(parsed)).toBe("__proto__.title");
    expect(firstNulPath(JSON.parse('{"__proto__":{"x":"clean"}}'))).toBeNull();
  });

  it("survives nesting far past the call stack's depth", () => {
    const deep = JSON.parse(`${'{"a":'.repeat(200_000)}"\\u0000"${"}".repeat(200_000)}`);
    expect(firstNulPath(deep)).toMatch(/^a(\.a)+$/);
    const wide = JSON.parse(`${"[".repeat(200_000)}${"]".repeat(200_000)}`);
    expect(firstNulPath(wide)).toBeNull();
  });

  it("reads the field in the message, with the NUL itself shown escaped", () => {
    expect(nulMessage("title")).toBe(
      "title contains a NUL character (U+0000), which text cannot hold. Remove it and send again.",
    );
    expect(nulMessage("na\u0000me")).toContain("na\\u0000me");
  });
});

describe("wellFormed", () => {
  it("replaces unpaired surrogates with U+FFFD and keeps every real character", () => {
    expect(wellFormed("\u5fc8\uddfa\ub398")).toBe("\u5fc8\ufffd\ub398");
    expect(wellFormed("a\ud800")).toBe("a\ufffd");
    expect(wellFormed("\udc00\ud800")).toBe("\ufffd\ufffd");
    expect(wellFormed("\ud800\ud800\udc00")).toBe("\ufffd\ud800\udc00");
    for (const clean of ["", "plain", "💥 emoji", "e\u0301", "\uffff\ufffe"])
      expect(wellFormed(clean)).toBe(clean);
    expect(Buffer.from(wellFormed("x\udfffy"), "utf8").toString("utf8")).toBe("x\ufffdy");
  });
});
