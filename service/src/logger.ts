// Structured logging (pino) with secrets redacted wherever they might appear in a log object.
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'accessToken',
  'access_token',
  'clientSecret',
  'client_secret',
  'assertion',
  'refreshToken',
  '*.accessToken',
  '*.access_token',
  '*.clientSecret',
  '*.client_secret',
  '*.assertion',
  '*.apiToken',
  'apiToken',
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    { level: options.level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    options.destination,
  );
}
