import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDataCipher, dataKeyId, envelopeKeyId, keyFiles, loadDataKeys } from "./data-key.ts";

describe("data cipher with several keys", () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it("seals with the current key and opens envelopes of any loaded key", () => {
    const old = createDataCipher(oldKey);
    const both = createDataCipher(newKey, [oldKey]);
    const sealedOld = old.encrypt("alpha");
    const sealedNew = both.encrypt("beta");
    expect(envelopeKeyId(sealedNew)).toBe(dataKeyId(newKey));
    expect(both.keyId).toBe(dataKeyId(newKey));
    expect(both.decryptText(sealedOld)).toBe("alpha");
    expect(both.decryptText(sealedNew)).toBe("beta");
    expect(() => old.decrypt(sealedNew)).toThrow(/data key [0-9a-f]{12}, which is not loaded/);
    // The search key follows the current key only.
    expect(both.deriveKey("x").equals(createDataCipher(newKey).deriveKey("x"))).toBe(true);
  });

  it.each([
    ["", "Unknown ciphertext format"],
    ["v2.abc.def", "Unknown ciphertext format"],
    ["v1.abc", "Unknown ciphertext format"],
    ["v1..AAAA", "not loaded"],
  ])("rejects the envelope %j", (envelope, message) => {
    expect(() => createDataCipher(newKey, [oldKey]).decrypt(envelope)).toThrow(message);
  });

  it("rejects a tampered envelope under a loaded key", () => {
    const sealed = createDataCipher(oldKey).encrypt("gamma");
    const tampered = `${sealed.slice(0, -4)}AAAA`;
    expect(() => createDataCipher(newKey, [oldKey]).decrypt(tampered)).toThrow();
  });
});

describe("loading the data keys", () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-keys-"));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const write = (file: string, key: Buffer) => fs.writeFileSync(file, `${key.toString("base64")}\n`);
  const [a, b, c] = [randomBytes(32), randomBytes(32), randomBytes(32)];

  it("creates a key file on first start, and reads it after", () => {
    const d = dir();
    const first = loadDataKeys({}, d);
    expect(first.source).toBe("new-file");
    expect(fs.statSync(keyFiles(d).current).mode & 0o777).toBe(0o600);
    const second = loadDataKeys({}, d);
    expect(second).toMatchObject({ source: "file", rotating: false, previous: [] });
    expect(second.key.equals(first.key)).toBe(true);
  });

  it("uses secret.key.new while a rotation runs, keeping the others for reading", () => {
    const d = dir();
    const f = keyFiles(d);
    write(f.current, a);
    write(f.next, b);
    write(f.old, c);
    const loaded = loadDataKeys({}, d);
    expect(loaded.rotating).toBe(true);
    expect(loaded.key.equals(b)).toBe(true);
    expect(loaded.previous.map(dataKeyId).sort()).toEqual([dataKeyId(a), dataKeyId(c)].sort());
  });

  it("survives a stop between the two renames at the end of a rotation", () => {
    const d = dir();
    const f = keyFiles(d);
    write(f.old, a);
    write(f.next, b);
    const loaded = loadDataKeys({}, d);
    expect(loaded.key.equals(b)).toBe(true);
    expect(loaded.previous.map(dataKeyId)).toEqual([dataKeyId(a)]);
    expect(fs.existsSync(f.current)).toBe(false);
  });

  it("keeps the previous key after a rotation, and refuses to invent a key when only the old one is left", () => {
    const d = dir();
    const f = keyFiles(d);
    write(f.current, b);
    write(f.old, a);
    expect(loadDataKeys({}, d).previous.map(dataKeyId)).toEqual([dataKeyId(a)]);
    fs.rmSync(f.current);
    expect(() => loadDataKeys({}, d)).toThrow(/secret\.key is missing but .*secret\.key\.old exists/);
    expect(fs.existsSync(f.current)).toBe(false);
  });

  it("rejects a damaged key file", () => {
    const d = dir();
    fs.writeFileSync(keyFiles(d).next, "not a key\n");
    expect(() => loadDataKeys({}, d)).toThrow(/damaged/);
  });

  it("with EMBARGO_SECRET_KEY, EMBARGO_NEW_SECRET_KEY becomes current and the old one stays for reading", () => {
    const d = dir();
    const plain = loadDataKeys({ secret: a.toString("hex") }, d);
    expect(plain).toMatchObject({ source: "env", rotating: false, previous: [] });
    const rotating = loadDataKeys({ secret: a.toString("hex"), newSecret: b.toString("base64") }, d);
    expect(rotating.rotating).toBe(true);
    expect(rotating.key.equals(b)).toBe(true);
    expect(rotating.previous.map(dataKeyId)).toEqual([dataKeyId(a)]);
    const same = loadDataKeys({ secret: a.toString("hex"), newSecret: a.toString("base64") }, d);
    expect(same).toMatchObject({ rotating: false, previous: [] });
    expect(fs.readdirSync(d)).toEqual([]);
  });
});
