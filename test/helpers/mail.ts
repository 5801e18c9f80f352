import { randomBytes } from "node:crypto";
import type { Gpg } from "./pgp.ts";

/** A file in a test mail. */
export interface MailFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A MIME entity (no envelope headers): text/plain, or multipart/mixed when files or a key come along. */
export function mimeEntity(text: string, files: readonly MailFile[] = []): string {
  const textPart = [
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    text.replace(/\r?\n/g, "\r\n"),
  ].join("\r\n");
  if (files.length === 0) return textPart;
  const boundary = `mixed-${randomBytes(6).toString("hex")}`;
  const parts = files.map((f) =>
    [
      `Content-Type: ${f.contentType}; name="${f.filename}"`,
      `Content-Disposition: attachment; filename="${f.filename}"`,
      "Content-Transfer-Encoding: base64",
      "",
      f.data
        .toString("base64")
        .replace(/.{1,76}/g, "$&\r\n")
        .trimEnd(),
    ].join("\r\n"),
  );
  return [
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    textPart,
    ...parts.flatMap((p) => [`--${boundary}`, p]),
    `--${boundary}--`,
    "",
  ].join("\r\n");
}

/** Envelope headers plus an entity: a complete RFC 5322 message with CRLF line ends. */
export function mailWith(
  headers: {
    from: string;
    to?: string;
    subject: string;
    messageId?: string;
    inReplyTo?: string;
    references?: string;
    date?: string;
  },
  entity: string,
): string {
  const lines = [
    `From: ${headers.from}`,
    `To: ${headers.to ?? "security@embargo.test"}`,
    `Subject: ${headers.subject}`,
    `Date: ${headers.date ?? "Mon, 02 Mar 2026 09:00:00 +0000"}`,
    `Message-ID: <${headers.messageId ?? `${randomBytes(8).toString("hex")}@researcher.test`}>`,
    ...(headers.inReplyTo ? [`In-Reply-To: <${headers.inReplyTo}>`] : []),
    ...(headers.references ? [`References: ${headers.references}`] : []),
    "MIME-Version: 1.0",
  ];
  return `${lines.join("\r\n")}\r\n${entity}`;
}

/** RFC 3156 §5: the entity signed by `signer` with a detached signature made by gpg. */
export function gpgSignedEntity(gpg: Gpg, entity: string, signer: string): string {
  const signed = entity.replace(/\r?\n/g, "\r\n");
  const signature = gpg.run(
    ["--armor", "--detach-sign", "--digest-algo", "SHA256", "--local-user", signer],
    signed,
  );
  const boundary = `signed-${randomBytes(6).toString("hex")}`;
  return [
    `Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    signed,
    `--${boundary}`,
    'Content-Type: application/pgp-signature; name="signature.asc"',
    "",
    signature.replace(/\r?\n/g, "\r\n"),
    `--${boundary}--`,
    "",
  ].join("\r\n");
}

/**
 * RFC 3156 §4: the entity encrypted by gpg to `recipient` (and signed by `signer` when given); `extraArgs` go to
 * gpg as they are (`--compress-algo zlib` for a message that unpacks to far more than it is).
 */
export function gpgEncryptedEntity(
  gpg: Gpg,
  entity: string,
  recipient: string,
  signer?: string,
  extraArgs: readonly string[] = [],
): string {
  const args = ["--armor", "--trust-model", "always", ...extraArgs, "--encrypt", "--recipient", recipient];
  if (signer) args.push("--sign", "--local-user", signer);
  const armored = gpg.run(args, entity.replace(/\r?\n/g, "\r\n"));
  const boundary = `enc-${randomBytes(6).toString("hex")}`;
  return [
    `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: application/pgp-encrypted",
    "Content-Description: PGP/MIME version identification",
    "",
    "Version: 1",
    "",
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="encrypted.asc"',
    'Content-Disposition: inline; filename="encrypted.asc"',
    "",
    armored.replace(/\r?\n/g, "\r\n"),
    `--${boundary}--`,
    "",
  ].join("\r\n");
}
