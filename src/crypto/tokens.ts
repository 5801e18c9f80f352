import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** 128-bit (by default) URL-safe random token for capability links, sessions and API tokens. */
export function randomToken(bytes = 16): string {
  return randomBytes(bytes).toString("base64url");
}

/** Tokens are stored only as their SHA-256, so a database leak does not hand out working links. */
export function sha256Hex(value: string | Buffer): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Compares secrets without leaking their common prefix length through timing. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
