import type { Transporter } from "nodemailer";
import { loadNodemailer } from "./mail-libraries.loader.ts";
import { buildPgpMimeMessage, replyAddress } from "./pgp-mime.ts";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  /** The report's reference: it sets the per-report Reply-To (`security+<reference>@…`) so replies thread. */
  reference?: string | null;
  /** An ASCII-armored OpenPGP message; when set the mail goes out as RFC 3156 PGP/MIME and `text` is not sent. */
  encrypted?: string | null;
  date?: Date;
  /** Message-IDs (without brackets) this mail answers, oldest first: In-Reply-To is the last, References all. */
  thread?: readonly string[];
}

/**
 * Sends one mail; undefined when no SMTP_URL is configured, in which case mail waits in the admin outbox. A pooled
 * transport has `close`, which ends its open connections.
 */
export type MailTransport = (((mail: OutgoingMail) => Promise<void>) & { close?: () => void }) | undefined;

/**
 * Builds the SMTP sender from SMTP_URL (smtp:// for loopback, smtps:// with credentials for real servers). With
 * `connections`, mail goes over up to that many kept-open connections instead of one new connection per mail
 * (a new connection costs more than the mail itself); call `close` when done. SMTP_URL's own query (e.g.
 * `?pool=false`) still wins.
 */
export function createMailTransport(
  smtpUrl: string | undefined,
  from: string,
  options: { connections?: number } = {},
): MailTransport {
  if (!smtpUrl) return undefined;
  // Made at the first mail, so a server that sends none never loads Nodemailer.
  let transporter: Transporter | undefined;
  const send = async (mail: OutgoingMail) => {
    transporter ??= options.connections
      ? (await loadNodemailer()).createTransport({
          url: smtpUrl,
          pool: true,
          maxConnections: options.connections,
        })
      : (await loadNodemailer()).createTransport(smtpUrl);
    const replyTo = replyAddress(from, mail.reference ?? null);
    if (mail.encrypted) {
      const raw = await buildPgpMimeMessage(
        {
          from,
          to: mail.to,
          subject: mail.subject,
          messageId: mail.messageId,
          replyTo,
          date: mail.date ?? new Date(),
          thread: mail.thread ?? [],
        },
        mail.encrypted,
      );
      await transporter.sendMail({ envelope: { from, to: [mail.to] }, raw });
      return;
    }
    await transporter.sendMail({
      from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
      ...(replyTo ? { replyTo } : {}),
      ...(mail.date ? { date: mail.date } : {}),
      ...(mail.thread?.length
        ? {
            inReplyTo: `<${mail.thread[mail.thread.length - 1]}>`,
            references: mail.thread.map((id) => `<${id}>`),
          }
        : {}),
    });
  };
  return Object.assign(send, { close: () => transporter?.close() });
}
