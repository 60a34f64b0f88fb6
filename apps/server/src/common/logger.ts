import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { requestContext } from './request-context.js';

/** Paths removed from every log line, wherever they appear. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.DATABASE_URL',
  '*.connectionString',
];

/** Marks a child logger that already carries `reqId` (Fastify's per-request logger). */
export const BINDS_REQUEST_ID = Symbol('bindsRequestId');

export function createRootLogger(options: {
  level: string;
  pretty: boolean;
  destination?: DestinationStream;
}): Logger {
  const config: LoggerOptions = {
    level: options.level,
    base: { service: 'ecogrid-server' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Every line written inside a request carries its id, also from services that know nothing of HTTP.
    mixin(_merge, _level, logger) {
      const context = requestContext.getStore();
      if (!context || (logger as Partial<Record<symbol, boolean>>)[BINDS_REQUEST_ID]) return {};
      return { reqId: context.requestId };
    },
    formatters: { level: (label) => ({ level: label }) },
  };
  if (options.pretty) {
    return pino({ ...config, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** Routes Nest's own logging (and `new Logger(Context)` in our code) into pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, traceOrContext?: string, context?: string): void {
    const trace = context !== undefined ? traceOrContext : undefined;
    const name = context ?? traceOrContext;
    if (message instanceof Error) {
      this.logger.error({ context: name, err: message }, message.message);
      return;
    }
    this.logger.error({ context: name, stack: trace }, stringify(message));
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(
    level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    context?: string,
  ) {
    if (typeof message === 'object' && message !== null && !(message instanceof Error)) {
      this.logger[level]({ context, ...message });
    } else {
      this.logger[level]({ context }, stringify(message));
    }
  }
}

function stringify(message: unknown): string {
  return message instanceof Error ? message.message : String(message);
}
