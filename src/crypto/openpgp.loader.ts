import { lazyImport } from "../core/lazy.ts";

/** OpenPGP.js, loaded at the first key, signature or encrypted mail rather than at start. */
export const loadOpenpgp = lazyImport(() => import("openpgp"));
