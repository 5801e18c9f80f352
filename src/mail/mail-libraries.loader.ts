import { lazyImport } from "../core/lazy.ts";

// The mail libraries load at the first mail sent or fetched, not at start: ImapFlow alone is a sixth of the
// start time, and a server without SMTP_URL or IMAP_URL never needs most of them.

/** Nodemailer's SMTP transport. */
export const loadNodemailer = lazyImport(() => import("nodemailer").then((m) => m.default));
/** Nodemailer's MIME builder, for the RFC 3156 PGP/MIME envelope. */
export const loadMimeNode = lazyImport(() =>
  import("nodemailer/lib/mime-node/index.js").then((m) => m.default),
);
/** postal-mime, the parser of incoming mail. */
export const loadPostalMime = lazyImport(() => import("postal-mime"));
/** ImapFlow, the client of the intake mailbox. */
export const loadImapFlow = lazyImport(() => import("imapflow").then((m) => m.ImapFlow));
