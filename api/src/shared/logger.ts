import { pino } from 'pino';

/** A pino logger (JSON lines) at `level` (config.ts LOG_LEVEL). */
export function createLogger(level: string) {
  return pino({ level, base: undefined });
}
export type Logger = ReturnType<typeof createLogger>;

/** The bootstrap logger, for the few lines written before the configuration is read (silent under vitest). */
export const logger: Logger = createLogger(process.env.VITEST ? 'silent' : 'info');
