// Pure rules for mail that arrives at the security address: raw MIME structure (for RFC 3156 signatures, whose
// signed bytes must be taken exactly as sent), Message-ID lists, and how a message finds its report.
// Raw mail is handled as a "binary" (latin1) string so every byte survives splitting unchanged.
//
// This module is the public entry; the implementation is split by topic:
//   inbound-mime.ts       header blocks, Content-Type, multipart bodies, PGP/MIME structure
//   inbound-threading.ts  Message-IDs, report references and the choice of thread
//   inbound-content.ts    titles, quoted tails, and automatic mail and bounces

export {
  automaticMailReason,
  bounceDiagnostic,
  bouncedOutboxIds,
  stripQuotedTail,
  titleFromSubject,
} from "./inbound-content.ts";
export {
  type ContentType,
  type EncryptedEntity,
  type HeaderField,
  headerValue,
  MAX_HEADER_FIELDS,
  MAX_MIME_DEPTH,
  type PgpStructure,
  parseContentType,
  parseHeaderBlock,
  pgpStructureOf,
  type SignedEntity,
  splitEntity,
  splitMultipart,
  toCrlf,
} from "./inbound-mime.ts";
export {
  chooseThread,
  decideKey,
  decideThread,
  type HoldReason,
  type KeyDecision,
  MAX_MESSAGE_IDS,
  mayJoinThread,
  messageIdsIn,
  outboxIdOf,
  referencedIds,
  referenceInAddress,
  referenceInSubject,
  type SignatureVerdict,
  type ThreadDecision,
  type ThreadMatch,
} from "./inbound-threading.ts";
