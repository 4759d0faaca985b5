/** The one pino root logger. JSON lines for machines; pretty when a person watches a terminal. */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line (pino matches them case-sensitively). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-twitter-webhooks-signature"]',
  '*.access_token',
  '*.accessToken',
  '*.appsecret_proof',
  '*.token',
  '*.password',
  '*.secret',
  'config.adminToken',
  // Channel credentials (src/channels/config.ts), wherever a config or part of it is logged.
  ...[
    'bearerToken',
    'consumerKey',
    'consumerSecret',
    'accessSecret',
    'appSecret',
    'verifyToken',
    'pageTokens',
    'groupTokens',
  ].flatMap((k) => [
    `*.${k}`,
    `config.channels.x.${k}`,
    `config.channels.facebook.${k}`,
    `channels.x.${k}`,
    `channels.facebook.${k}`,
  ]),
  'config.channels.x.accessToken',
  'channels.x.accessToken',
  'req.headers["x-hub-signature"]',
];

/** Removes credentials that travel inside URLs (Graph puts access_token in the query string). */
export function scrubUrl(url: string): string {
  return url.replace(
    /([?&](?:access_token|appsecret_proof|crc_token|token|hub\.verify_token)=)[^&#\s]+/gi,
    '$1[redacted]',
  );
}

export interface LoggerOptions {
  level?: string;
  /** 'json': JSON lines even on a terminal (EARSHOT_LOG_FORMAT); 'auto': pretty when a person watches. */
  format?: 'auto' | 'json';
  /** 1 for services; 2 for commands whose stdout carries data (classify, cluster, …). */
  fd?: 1 | 2;
  /** Tests capture log lines here. */
  destination?: NodeJS.WritableStream;
}

export function createLogger({ level = 'info', format = 'auto', fd = 1, destination }: LoggerOptions = {}): Logger {
  const tty = fd === 1 ? process.stdout.isTTY : process.stderr.isTTY;
  const pretty = !destination && tty && format !== 'json';
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string }) => ({
        method: req.method,
        url: req.url ? scrubUrl(req.url) : req.url,
      }),
      err: pino.stdSerializers.err,
    },
  };
  if (destination) return pino(options, destination as pino.DestinationStream);
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: fd } } });
  return pino(options, pino.destination(fd));
}
