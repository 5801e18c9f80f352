import { describe, expect, it } from "vitest";
import { fillSealed, sealedPlaceholder } from "./sealed-secrets.ts";

describe("sealed secrets in a stored mail body", () => {
  it("names each placeholder by its position, counting from 1 for the reader", () => {
    expect(sealedPlaceholder(0)).toBe("[private tracking link 1, sealed]");
    expect(sealedPlaceholder(9)).toBe("[private tracking link 10, sealed]");
    expect(sealedPlaceholder(999)).toBe("[private tracking link 1000, sealed]");
  });

  it("refuses an index that is not a non-negative integer", () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])
      expect(() => sealedPlaceholder(bad)).toThrow(RangeError);
  });

  it("puts each secret where its placeholder is, and leaves a body without secrets as it is", () => {
    const body = `Links:\nA: ${sealedPlaceholder(0)}\nB: ${sealedPlaceholder(1)}\n`;
    expect(fillSealed(body, ["https://x/r/aaa", "https://x/r/bbb"])).toBe(
      "Links:\nA: https://x/r/aaa\nB: https://x/r/bbb\n",
    );
    expect(fillSealed("Hello", [])).toBe("Hello");
    expect(fillSealed(`keep ${sealedPlaceholder(0)}`, [])).toBe(`keep ${sealedPlaceholder(0)}`);
  });

  it("tells link 1 from links 10 to 19", () => {
    const secrets = Array.from({ length: 11 }, (_, i) => `s${i + 1}`);
    const body = secrets.map((_, i) => sealedPlaceholder(i)).join("|");
    expect(fillSealed(body, secrets)).toBe(secrets.join("|"));
  });

  it("puts a secret in every place its placeholder appears", () => {
    expect(fillSealed(`${sealedPlaceholder(0)} and ${sealedPlaceholder(0)}`, ["L"])).toBe("L and L");
  });

  it("takes secrets literally: replacement patterns and placeholders inside a secret change nothing else", () => {
    const body = `one ${sealedPlaceholder(0)} two ${sealedPlaceholder(1)}`;
    expect(fillSealed(body, ["$& $1 $$ $`", "x"])).toBe("one $& $1 $$ $` two x");
    // The first secret looks like the second placeholder: it stays as it is, and only the body's own is filled.
    expect(fillSealed(body, [sealedPlaceholder(1), "x"])).toBe(`one ${sealedPlaceholder(1)} two x`);
  });

  it("refuses a secret the body has no place for", () => {
    expect(() => fillSealed("no placeholder here", ["https://x/r/aaa"])).toThrow(
      /no place for sealed secret 1/,
    );
    expect(() => fillSealed(sealedPlaceholder(0), ["a", "b"])).toThrow(/no place for sealed secret 2/);
  });

  it("names the kind of link, and fills an invite link's placeholder like a tracking link's", () => {
    expect(sealedPlaceholder(0, "private invite link")).toBe("[private invite link 1, sealed]");
    const body = `Join: ${sealedPlaceholder(0, "private invite link")}\nTrack: ${sealedPlaceholder(1)}`;
    expect(fillSealed(body, ["https://x/invite/aaa", "https://x/r/bbb"])).toBe(
      "Join: https://x/invite/aaa\nTrack: https://x/r/bbb",
    );
    // A secret goes only where its own position is named, whatever the kind.
    expect(() => fillSealed("Join: [private invite link 2, sealed]", ["a"])).toThrow(
      /no place for sealed secret 1/,
    );
  });
});
