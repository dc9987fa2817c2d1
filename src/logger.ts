import pino, { type Logger } from 'pino';
import type { Config } from './config';

/** The service's structured log (pino, JSON lines on stdout). */
export function createLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: 'fbt-sync', pid: process.pid } });
}
