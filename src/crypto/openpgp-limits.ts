// OpenPGP.js unpacks a compressed message without any bound by default: 268 KB of ciphertext can unpack to
// gigabytes. Every decryption of text someone else sent passes a bound from here and recognises its refusal.

/** The OpenPGP.js config that stops unpacking a compressed message once it exceeds `maxBytes`. */
export function decompressionLimit(maxBytes: number): { maxDecompressedMessageSize: number } {
  return { maxDecompressedMessageSize: maxBytes };
}

/** Whether OpenPGP.js refused a message because it unpacks to more than the bound it was given. */
export function exceededDecompressionLimit(error: unknown): boolean {
  return error instanceof Error && error.message.includes("Maximum decompressed message size exceeded");
}

/** A byte count as people read it: whole megabytes (1 MB = 1024 × 1024 bytes) where it divides evenly. */
export function megabytes(bytes: number): string {
  const mb = bytes / 1024 / 1024;
  return Number.isInteger(mb) ? `${mb} MB` : `${mb.toFixed(1)} MB`;
}
