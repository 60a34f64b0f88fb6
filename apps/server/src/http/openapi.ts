import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { errorBodySchema } from '@ecogrid/contracts';
import { z } from 'zod';
import { APP_VERSION } from '../version.js';

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('EcoGrid EMS API')
    .setDescription(
      'Monitor, control and optimise distributed energy resources. Errors share one shape ' +
        '(ErrorBody); lists take ?page=&limit= (limit <= 100).',
    )
    .setVersion(APP_VERSION)
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    standardSchemaConverter: (schema) => ({
      schema: z.toJSONSchema(schema as z.ZodType, {
        target: 'openapi-3.0',
        unrepresentable: 'any',
      }),
    }),
  });
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas['ErrorBody'] = z.toJSONSchema(errorBodySchema, {
    target: 'openapi-3.0',
  }) as never;
  return document;
}

/** OpenAPI 3 at /api/openapi.json and interactive docs at /api/docs. */
export function setupOpenApi(app: NestFastifyApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/openapi.json',
    raw: ['json'],
  });
}
