import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createDataCipher } from "../../crypto/data-key.ts";
import { searchHasher } from "./search-index.service.ts";

describe("the search index key and hashes", () => {
  const key = randomBytes(32);
  const cipher = createDataCipher(key);

  it("derives a separate key per label, the same every time, never the data key itself", () => {
    const a = cipher.deriveKey("search-index-v1");
    expect(a).toHaveLength(32);
    expect(a.equals(createDataCipher(key).deriveKey("search-index-v1"))).toBe(true);
    expect(a.equals(cipher.deriveKey("something-else"))).toBe(false);
    expect(a.equals(key)).toBe(false);
  });

  it("hashes a token to 16 letters a–p, stable under one key and different under another", () => {
    const hash = searchHasher(cipher).hash("injection");
    expect(hash).toMatch(/^[a-p]{16}$/);
    expect(searchHasher(createDataCipher(key)).hash("injection")).toBe(hash);
    expect(searchHasher(createDataCipher(randomBytes(32))).hash("injection")).not.toBe(hash);
    expect(searchHasher(cipher).hash("injections")).not.toBe(hash);
    expect(searchHasher(cipher).hashAll(["a1", "b2"])).toMatch(/^[a-p]{16} [a-p]{16}$/);
    expect(searchHasher(cipher).hashAll([])).toBe("");
  });
});
