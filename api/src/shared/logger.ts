import { pino } from 'pino';

/** The process logger (pino, JSON lines). Level from LOG_LEVEL. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
  base: undefined,
});
export type Logger = typeof logger;
