// Payout address checks against published vectors: EIP-55's examples, BIP-173 and BIP-350's addresses, base58
// addresses from the Bitcoin wiki, Filecoin's go-address vectors and the zero delegated address, and IBAN
// examples from the registry. Each valid vector with one character changed must be refused.

import { describe, expect, it } from "vitest";
import { checkPayout, type PayoutMethod } from "./payout.ts";

const VALID: Record<PayoutMethod, string[]> = {
  ethereum: [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
  ],
  bitcoin: [
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
    "BC1SW50QGDZ25J",
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
    "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
  ],
  filecoin: [
    "f15ihq5ibzwki2b4ep2f46avlkrqzhpqgtga7pdrq",
    "f12fiakbhe2gwd5cnmrenekasyn6v5tnaxaqizq6a",
    "f1wbxhu3ypkuo6eyp6hjx6davuelxaxrvwb2kuwva",
    "f1xtwapqc6nh4si2hcwpr3656iotzmlwumogqbuaa",
    "f1xcbgdhkgkwht3hrrnui3jdopeejsoatkzmoltqy",
    "f17uoq6tp427uzv7fztkbsnn64iwotfrristwpryy",
    "f3vvmn62lofvhjd2ugzca6sof2j2ubwok6cj4xxbfzz4yuxfkgobpihhd2thlanmsh3w2ptld2gqkn2jvlss4a",
    "f3wmuu6crofhqmm3v4enos73okk2l366ck6yc4owxwbdtkmpk42ohkqxfitcpa57pjdcftql4tojda2poeruwa",
    "f410faaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaonc6iji",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
  ],
  iban: [
    "GB82 WEST 1234 5698 7654 32",
    "DE89370400440532013000",
    "FR14 2004 1010 0505 0001 3M02 606",
    "NL91ABNA0417164300",
    "CH9300762011623852957",
    "BE68539007547034",
  ],
  paypal: ["ada@example.org", "a.lovelace+bounty@mail.example.co.uk"],
};

/** One character of the address changed to another of its alphabet (never a change of case alone). */
function typo(address: string, at: number): string {
  const c = address[at] as string;
  const alphabet = /[0-9]/.test(c)
    ? "0123456789"
    : c === c.toUpperCase()
      ? "ABCDEFGHJKLMNPQRSTUVWXYZ"
      : "abcdefghijkmnpqrstuvwxyz";
  const i = alphabet.indexOf(c);
  const replacement = alphabet[(i + 3) % alphabet.length] as string;
  return `${address.slice(0, at)}${replacement}${address.slice(at + 1)}`;
}

describe.each(Object.entries(VALID) as [PayoutMethod, string[]][])("%s addresses", (method, addresses) => {
  it.each(addresses)("accepts %s", (address) => {
    expect(checkPayout(method, address)).toMatchObject({ ok: true });
  });

  // EIP-55 puts its checksum in the letters' case, one bit per letter: an address whose checksum happens to be all
  // upper or all lower case cannot reveal every digit typo, so those two vectors only have to be accepted.
  const typoVectors = addresses.filter((a) => method !== "ethereum" || /[a-f]/.test(a) === /[A-F]/.test(a));
  if (method !== "paypal")
    it.each(typoVectors)("refuses every one-character typo of %s", (address) => {
      const start = address.startsWith("0x")
        ? 2
        : address.toLowerCase().startsWith("bc1")
          ? 4
          : method === "filecoin"
            ? 2
            : method === "iban"
              ? 2
              : 1;
      for (let at = start; at < address.length; at += Math.max(1, Math.floor(address.length / 12))) {
        if (address[at] === " ") continue;
        const changed = typo(address, at);
        const result = checkPayout(method, changed);
        expect(result.ok, `${changed} should be refused`).toBe(false);
      }
    });
});

describe("named problems", () => {
  const problem = (method: PayoutMethod, address: string) => {
    const r = checkPayout(method, address);
    return r.ok ? null : r.problem;
  };

  it("says when an address belongs to a test network", () => {
    expect(problem("bitcoin", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7")).toContain(
      "testnet",
    );
    expect(problem("bitcoin", "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn")).toContain("testnet");
    expect(problem("filecoin", "t17uoq6tp427uzv7fztkbsnn64iwotfrristwpryy")).toContain("testnet");
  });

  it("says when a bech32 checksum is of the wrong kind (BIP-350's invalid vectors)", () => {
    expect(problem("bitcoin", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd")).toContain(
      "wrong kind",
    );
    expect(problem("bitcoin", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh")).toContain("wrong kind");
  });

  it("refuses mixed case in bech32, a wrong EIP-55 case, and asks for the checksummed form", () => {
    expect(problem("bitcoin", "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")).toContain("mixed");
    expect(problem("ethereum", "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")).toContain("checksum");
    expect(problem("ethereum", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")).toContain("EIP-55");
    expect(problem("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe")).toContain("39");
  });

  it("names base58's missing letters, wrong lengths and other networks", () => {
    expect(problem("bitcoin", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0")).toContain('"0"');
    expect(problem("bitcoin", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN")).toMatch(/length|checksum/);
    expect(problem("bitcoin", "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9")).toContain("starts with");
  });

  it("names IBAN countries and lengths", () => {
    expect(problem("iban", "GB82WEST1234569876543")).toContain("22 characters");
    expect(problem("iban", "XX82WEST12345698765432")).toContain("not a country");
    expect(problem("iban", "GB83WEST12345698765432")).toContain("mod 97");
  });

  it("refuses an ID address, a delegated address with a bad checksum, and upper case Filecoin", () => {
    expect(problem("filecoin", "f01024")).toContain("ID address");
    expect(problem("filecoin", "f410faaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaonc6ijj")).toContain("checksum");
    expect(problem("filecoin", "F17uoq6tp427uzv7fztkbsnn64iwotfrristwpryy")).toContain("lower case");
  });

  it("refuses hostile input with a clear word", () => {
    for (const [method, address] of [
      ["ethereum", ""],
      ["bitcoin", "   "],
      ["iban", "x".repeat(10_000)],
      ["paypal", "not an email"],
      ["paypal", "a@b"],
      ["filecoin", "f1\u0000"],
      [
        "monero",
        "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge",
      ],
    ] as const)
      expect(checkPayout(method, address)).toMatchObject({ ok: false, problem: expect.any(String) });
    expect(checkPayout("bitcoin", 42)).toEqual({ ok: false, problem: "Give the address." });
  });
});
