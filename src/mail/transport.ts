import nodemailer from "nodemailer";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
}

/** Sends one mail; undefined when no SMTP_URL is configured, in which case mail waits in the admin outbox. */
export type MailTransport = ((mail: OutgoingMail) => Promise<void>) | undefined;

/** Builds the SMTP sender from SMTP_URL (smtp:// for loopback, smtps:// with credentials for real servers). */
export function createMailTransport(smtpUrl: string | undefined, from: string): MailTransport {
  if (!smtpUrl) return undefined;
  const transporter = nodemailer.createTransport(smtpUrl);
  return async (mail) => {
    await transporter.sendMail({
      from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
    });
  };
}
