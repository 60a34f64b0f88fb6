import {
  StandardSchemaValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';
import type { ErrorDetail } from '@ecogrid/contracts';
import { ValidationError } from './errors.js';

interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

export function issuesToDetails(issues: readonly StandardIssue[], prefix?: string): ErrorDetail[] {
  return issues.map((issue) => {
    const path = (issue.path ?? []).map((segment) =>
      typeof segment === 'object' ? String(segment.key) : String(segment),
    );
    const field = [prefix, ...path].filter((part) => part !== undefined && part !== '').join('.');
    return { field: field || '(root)', message: issue.message };
  });
}

/**
 * Validates every `@Body/@Query/@Param({ schema })` and answers 400 with one detail per failing
 * field, named by where it came from (`body.name`, `query.limit`, `param.id`).
 */
export class SchemaValidationPipe implements PipeTransform {
  private readonly inner = new StandardSchemaValidationPipe({
    exceptionFactory: (issues) => new ValidationError(issuesToDetails(issues)),
  });

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await this.inner.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const location = [metadata.type === 'custom' ? undefined : metadata.type, metadata.data]
        .filter(Boolean)
        .join('.');
      throw new ValidationError(
        (error.details ?? []).map((detail) => ({
          field:
            detail.field === '(root)' ? location || detail.field : `${location}.${detail.field}`,
          message: detail.message,
        })),
      );
    }
  }
}
