// Where a bounty is paid: a Filecoin, Ethereum or Bitcoin address, an IBAN, or a PayPal email. Each is checked
// with its real checksum, so a typo is caught before money goes astray, and each problem is named in words the
// reporter can act on ("the checksum does not match: check for a typo", "this is a testnet address"). Pure.

import { createHash } from "node:crypto";
import { blake2b } from "@noble/hashes/blake2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";

export const PAYOUT_METHODS = ["filecoin", "ethereum", "bitcoin", "iban", "paypal"] as const;
export type PayoutMethod = (typeof PAYOUT_METHODS)[number];

export const PAYOUT_LABELS: Record<PayoutMethod, string> = {
  filecoin: "Filecoin address",
  ethereum: "Ethereum address",
  bitcoin: "Bitcoin address",
  iban: "Bank account (IBAN)",
  paypal: "PayPal email",
};

/** The longest address accepted at all (a Filecoin BLS address is 86 characters, an IBAN at most 34). */
const MAX_ADDRESS = 120;

export type PayoutCheck = { ok: true; normalized: string } | { ok: false; problem: string };

const fail = (problem: string): PayoutCheck => ({ ok: false, problem });

// ---------------------------------------------------------------------------------------------------- Ethereum

/** EIP-55: the checksummed (mixed-case) form of a 40-hex address. */
export function eip55(hex40: string): string {
  const lower = hex40.toLowerCase();
  const hash = Buffer.from(keccak_256(new TextEncoder().encode(lower))).toString("hex");
  let out = "";
  for (let i = 0; i < lower.length; i++) {
    const c = lower[i] as string;
    out += Number.parseInt(hash[i] as string, 16) >= 8 ? c.toUpperCase() : c;
  }
  return `0x${out}`;
}

export function checkEthereum(input: string): PayoutCheck {
  if (!/^0x[0-9a-fA-F]{40}$/.test(input)) {
    if (/^0x[0-9a-fA-F]*$/.test(input))
      return fail(`An Ethereum address has 40 hex digits after 0x; this one has ${input.length - 2}.`);
    return fail("An Ethereum address is 0x followed by 40 hex digits (0-9, a-f).");
  }
  const expected = eip55(input.slice(2));
  if (input === expected) return { ok: true, normalized: expected };
  const body = input.slice(2);
  if ((body === body.toLowerCase() || body === body.toUpperCase()) && /[a-fA-F]/.test(body))
    return fail(
      "Give the address with its EIP-55 checksum (mixed upper and lower case, as your wallet shows it), so a typo can be caught.",
    );
  return fail("The EIP-55 checksum (the letters' case) does not match: check the address for a typo.");
}

// ---------------------------------------------------------------------------------------------------- Bitcoin

const BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;

function polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i] as number;
  }
  return chk >>> 0;
}

function hrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (const c of hrp) out.push(c.charCodeAt(0) >> 5);
  out.push(0);
  for (const c of hrp) out.push(c.charCodeAt(0) & 31);
  return out;
}

function convertBits(data: number[], from: number, to: number): number[] | null {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const max = (1 << to) - 1;
  for (const v of data) {
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & max);
    }
  }
  if (bits >= from || ((acc << (to - bits)) & max) !== 0) return null;
  return out;
}

function checkSegwit(input: string): PayoutCheck {
  if (input !== input.toLowerCase() && input !== input.toUpperCase())
    return fail("A bech32 address is all lower case or all upper case, not mixed.");
  const s = input.toLowerCase();
  if (s.length > 90) return fail("A bech32 address is at most 90 characters.");
  const sep = s.lastIndexOf("1");
  const hrp = s.slice(0, sep);
  if (hrp === "tb" || hrp === "bcrt")
    return fail("This is a Bitcoin testnet address; give a mainnet address (bc1…).");
  if (hrp !== "bc") return fail("A Bitcoin address starts with bc1, 1 or 3.");
  const data: number[] = [];
  for (const c of s.slice(sep + 1)) {
    const v = BECH32_CHARSET.indexOf(c);
    if (v < 0) return fail(`The character "${c}" cannot appear in a bech32 address: check for a typo.`);
    data.push(v);
  }
  if (data.length < 7) return fail("The address is too short.");
  const version = data[0] as number;
  const constant = polymod([...hrpExpand(hrp), ...data]);
  const expected = version === 0 ? BECH32_CONST : BECH32M_CONST;
  if (constant !== expected) {
    if (constant === BECH32_CONST || constant === BECH32M_CONST)
      return fail(
        `The checksum is of the wrong kind for a version ${version} address (${version === 0 ? "bech32" : "bech32m"} is required).`,
      );
    return fail("The checksum does not match: check the address for a typo.");
  }
  if (version > 16) return fail("The witness version is not one Bitcoin uses.");
  const program = convertBits(data.slice(1, -6), 5, 8);
  if (!program || program.length < 2 || program.length > 40)
    return fail("The address's program has an impossible length.");
  if (version === 0 && program.length !== 20 && program.length !== 32)
    return fail("A version 0 address holds 20 or 32 bytes; this one does not.");
  return { ok: true, normalized: s };
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function base58Decode(s: string): Uint8Array | null {
  let n = 0n;
  for (const c of s) {
    const v = BASE58.indexOf(c);
    if (v < 0) return null;
    n = n * 58n + BigInt(v);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n % 256n));
    n /= 256n;
  }
  for (const c of s) {
    if (c !== "1") break;
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest();

function checkBase58(input: string): PayoutCheck {
  const bad = [...input].find((c) => !BASE58.includes(c));
  if (bad)
    return fail(
      `The character "${bad}" cannot appear in a Bitcoin address (0, O, I and l are never used): check for a typo.`,
    );
  const bytes = base58Decode(input);
  if (bytes?.length !== 25)
    return fail("The address has the wrong length: check for a missing or extra character.");
  const body = (bytes as Uint8Array).subarray(0, 21);
  const check = sha256(sha256(body)).subarray(0, 4);
  if (!Buffer.from((bytes as Uint8Array).subarray(21)).equals(check))
    return fail("The checksum does not match: check the address for a typo.");
  const version = (bytes as Uint8Array)[0];
  if (version === 0x6f || version === 0xc4)
    return fail("This is a Bitcoin testnet address; give a mainnet address.");
  if (version !== 0x00 && version !== 0x05)
    return fail("This is not a Bitcoin address (its version byte belongs to another network).");
  return { ok: true, normalized: input };
}

export function checkBitcoin(input: string): PayoutCheck {
  if (/^(bc|tb|bcrt)1/i.test(input)) return checkSegwit(input);
  if (/^[13mn2]/.test(input)) return checkBase58(input);
  return fail("A Bitcoin address starts with bc1, 1 or 3.");
}

// ---------------------------------------------------------------------------------------------------- Filecoin

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

function base32Decode(s: string): Uint8Array | null {
  let bits = 0;
  let acc = 0;
  const out: number[] = [];
  for (const c of s) {
    const v = BASE32.indexOf(c);
    if (v < 0) return null;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  // Strict: the unused low bits of the last character must be zero, so one string maps to one address.
  if (bits >= 5 || (acc & ((1 << bits) - 1)) !== 0) return null;
  return Uint8Array.from(out);
}

function leb128(n: bigint): number[] {
  const out: number[] = [];
  let v = n;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const blake2b4 = (bytes: number[] | Uint8Array) => blake2b(Uint8Array.from(bytes), { dkLen: 4 });

export function checkFilecoin(input: string): PayoutCheck {
  if (input.startsWith("0x")) {
    const eth = checkEthereum(input);
    return eth.ok ? eth : fail(`As a delegated (0x) address: ${eth.problem}`);
  }
  const s = input.toLowerCase();
  if (/^t[0-4]/.test(s)) return fail("This is a Filecoin testnet address (t…); give a mainnet address (f…).");
  if (!/^f[0-4]/.test(s))
    return fail(
      "A Filecoin address starts with f1, f3 or f4 (or 0x for a delegated Ethereum-style address).",
    );
  if (s !== input) return fail("A Filecoin address is written in lower case.");
  const protocol = Number(s[1]);
  if (protocol === 0)
    return fail("An ID address (f0…) has no checksum and can be reassigned; give your f1, f3 or f4 address.");
  let payloadWithChecksum: Uint8Array | null;
  let prefix: number[] = [protocol];
  if (protocol === 4) {
    const m = /^f4(\d{1,20})f([a-z2-7]+)$/.exec(s);
    if (!m) return fail("A delegated address reads f4<namespace>f<address>.");
    prefix = [4, ...leb128(BigInt(m[1] as string))];
    payloadWithChecksum = base32Decode(m[2] as string);
  } else {
    payloadWithChecksum = base32Decode(s.slice(2));
  }
  if (!payloadWithChecksum) {
    if (/^[a-z2-7]+$/.test(s.slice(2).replace(/^\d+f/, "")))
      return fail("The checksum does not match (the last character is off): check the address for a typo.");
    return fail(
      "The address holds a character Filecoin addresses never use (only a–z and 2–7): check for a typo.",
    );
  }
  const expectedLength = protocol === 3 ? 48 : protocol === 4 ? null : 20;
  const payload = payloadWithChecksum.subarray(0, -4);
  if (payloadWithChecksum.length < 5 || (expectedLength !== null && payload.length !== expectedLength))
    return fail("The address has the wrong length: check for a missing or extra character.");
  if (protocol === 4 && payload.length > 54) return fail("The delegated address is too long.");
  const check = blake2b4([...prefix, ...payload]);
  if (!Buffer.from(payloadWithChecksum.subarray(-4)).equals(Buffer.from(check)))
    return fail("The checksum does not match: check the address for a typo.");
  return { ok: true, normalized: s };
}

// ---------------------------------------------------------------------------------------------------- IBAN

/** IBAN lengths per country (ISO 13616 registry). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

export function checkIban(input: string): PayoutCheck {
  const s = input.replace(/[\s-]/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s))
    return fail("An IBAN starts with a country code and two check digits, then letters and digits only.");
  const country = s.slice(0, 2);
  const length = IBAN_LENGTHS[country];
  if (length === undefined) return fail(`${country} is not a country that uses IBANs.`);
  if (s.length !== length)
    return fail(`An IBAN from ${country} has ${length} characters; this one has ${s.length}.`);
  const rearranged = `${s.slice(4)}${s.slice(0, 4)}`;
  let remainder = 0;
  for (const c of rearranged) {
    const digits = /\d/.test(c) ? c : String(c.charCodeAt(0) - 55);
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  if (remainder !== 1) return fail("The IBAN's check digits do not match (mod 97): check for a typo.");
  return { ok: true, normalized: s.replace(/(.{4})/g, "$1 ").trim() };
}

// ---------------------------------------------------------------------------------------------------- PayPal

export function checkPaypal(input: string): PayoutCheck {
  const s = input.trim();
  if (s.length > 254 || !/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[A-Za-z]{2,}$/.test(s))
    return fail("Give the email address of your PayPal account, e.g. ada@example.org.");
  return { ok: true, normalized: s };
}

// ---------------------------------------------------------------------------------------------------- entry

/** Checks a payout address for its method; the answer's problem is meant for the form's field. */
export function checkPayout(method: unknown, address: unknown): PayoutCheck {
  if (typeof address !== "string" || address.trim() === "") return fail("Give the address.");
  const value = address.trim();
  if (value.length > MAX_ADDRESS) return fail("That is longer than any address of this kind.");
  switch (method) {
    case "ethereum":
      return checkEthereum(value);
    case "bitcoin":
      return checkBitcoin(value);
    case "filecoin":
      return checkFilecoin(value);
    case "iban":
      return checkIban(value);
    case "paypal":
      return checkPaypal(value);
    default:
      return fail(`Choose a payout method: ${PAYOUT_METHODS.join(", ")}.`);
  }
}
