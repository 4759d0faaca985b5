/** E-mail to customers over SMTP (nodemailer): case confirmations and surveys. None configured: nothing is sent. */
import nodemailer from 'nodemailer';
import type { PublicConfig } from './config.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Resolves with the message id; throws when the server refused it. */
  send(mail: Mail): Promise<string>;
  close(): void;
}

export function createMailer(config: Pick<PublicConfig, 'smtpUrl' | 'mailFrom'>): Mailer | null {
  if (!config.smtpUrl) return null;
  const transport = nodemailer.createTransport(config.smtpUrl);
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: config.mailFrom,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
      });
      return String(info.messageId);
    },
    close: () => transport.close(),
  };
}
