import * as qp from "nodemailer/lib/qp/index.js";
import { loadMimeNode } from "./mail-libraries.loader.ts";

/**
 * The per-report reply address: the sender's local part plus the reference (`security+EMB-2026-0001@example.org`),
 * so that a reply can be threaded to its report by the mail intake. Null without a reference.
 */
export function replyAddress(from: string, reference: string | null): string | null {
  if (!reference || !/^[A-Za-z0-9-]+$/.test(reference)) return null;
  const at = from.lastIndexOf("@");
  if (at <= 0) return null;
  const local = from.slice(0, at).split("+")[0]!;
  return `${local}+${reference}@${from.slice(at + 1)}`;
}

/**
 * The plaintext that gets encrypted: a complete MIME entity (text/plain, UTF-8, quoted-printable), so a mail
 * client shows it as the body once decrypted. Lines end in CRLF as on the wire.
 */
export function innerTextEntity(text: string): string {
  const body = qp.wrap(
    qp.encode(Buffer.from(text.replace(/\r\n/g, "\n").replace(/\n/g, "\r\n"), "utf8")),
    76,
  );
  return [
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    body.replace(/\r?\n/g, "\r\n"),
    "",
  ].join("\r\n");
}

export interface PgpMimeHeaders {
  from: string;
  to: string;
  subject: string;
  messageId: string;
  replyTo: string | null;
  date: Date;
  /** Message-IDs this mail answers, oldest first. */
  thread?: readonly string[];
}

/**
 * An RFC 3156 encrypted message: `multipart/encrypted; protocol="application/pgp-encrypted"` whose first part
 * is the `Version: 1` control part and whose second is the ASCII-armored OpenPGP message. Only the headers
 * (addresses, subject, ids) travel in the clear.
 */
export async function buildPgpMimeMessage(headers: PgpMimeHeaders, armoredMessage: string): Promise<Buffer> {
  const MimeNode = await loadMimeNode();
  const root = new MimeNode('multipart/encrypted; protocol="application/pgp-encrypted"');
  root.setHeader({
    From: headers.from,
    To: headers.to,
    Subject: headers.subject,
    "Message-ID": headers.messageId,
    Date: headers.date.toUTCString().replace("GMT", "+0000"),
    ...(headers.replyTo ? { "Reply-To": headers.replyTo } : {}),
    ...(headers.thread?.length
      ? {
          "In-Reply-To": `<${headers.thread[headers.thread.length - 1]}>`,
          References: headers.thread.map((id) => `<${id}>`).join(" "),
        }
      : {}),
  });
  root
    .createChild("application/pgp-encrypted")
    .setHeader({
      "Content-Description": "PGP/MIME version identification",
      "Content-Transfer-Encoding": "7bit",
    })
    .setContent("Version: 1\r\n");
  root
    .createChild('application/octet-stream; name="encrypted.asc"')
    .setHeader({
      "Content-Description": "OpenPGP encrypted message",
      "Content-Disposition": 'inline; filename="encrypted.asc"',
      "Content-Transfer-Encoding": "7bit",
    })
    .setContent(armoredMessage.replace(/\r?\n/g, "\r\n"));
  return new Promise((resolve, reject) => {
    root.build((error, message) => (error ? reject(error) : resolve(message)));
  });
}
