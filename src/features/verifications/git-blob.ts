import { createHash } from "node:crypto";

/** Hashes a file as git stores it: SHA-1 of `blob <length>\0` and the content, fed in pieces. */
export interface BlobHasher {
  update(piece: Uint8Array): void;
  /** The 40-hex hash; throws when the pieces did not add up to the length announced. */
  digest(): string;
}

export function createBlobHasher(size: number): BlobHasher {
  const hash = createHash("sha1").update(`blob ${size}\0`);
  let seen = 0;
  return {
    update(piece) {
      seen += piece.length;
      hash.update(piece);
    },
    digest() {
      if (seen !== size) throw new Error(`blob hasher: ${seen} bytes hashed, ${size} announced`);
      return hash.digest("hex");
    },
  };
}

/** The git blob hash of a whole file, as `git hash-object` prints it. */
export function gitBlobHash(content: Uint8Array): string {
  const hasher = createBlobHasher(content.length);
  hasher.update(content);
  return hasher.digest();
}
