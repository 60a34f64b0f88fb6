import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { ErrorBody } from '@ecogrid/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DomainError, httpStatusOf, RateLimitedError } from './errors.js';

interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** Turns anything thrown into the one error shape of the API. */
export function toErrorBody(error: unknown, requestId: string): ErrorBody {
  if (error instanceof DomainError) {
    const statusCode = httpStatusOf(error.code);
    return {
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      message: error.message,
      code: error.code,
      ...(error.details ? { details: error.details } : {}),
      requestId,
    };
  }
  if (error instanceof HttpException) {
    const statusCode = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : typeof response === 'object' && response !== null && 'message' in response
          ? [response.message].flat().join('; ')
          : error.message;
    return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, requestId };
  }
  const framework = error as FrameworkError;
  // Fastify's own errors (body too large, malformed JSON, unsupported media type) carry a 4xx code.
  if (
    typeof framework?.statusCode === 'number' &&
    framework.statusCode >= 400 &&
    framework.statusCode < 500
  ) {
    const statusCode = framework.statusCode;
    return {
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      message: framework.message ?? 'request rejected',
      ...(framework.code ? { code: framework.code } : {}),
      requestId,
    };
  }
  return {
    statusCode: 500,
    error: 'Internal Server Error',
    message: 'an unexpected error occurred; quote the request id when reporting it',
    requestId,
  };
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = toErrorBody(error, String(request.id));
    if (body.statusCode >= 500) this.logger.error(error instanceof Error ? error : String(error));
    if (error instanceof RateLimitedError)
      void reply.header('retry-after', error.retryAfterSeconds);
    void reply.status(body.statusCode).header('content-type', 'application/json').send(body);
  }
}
