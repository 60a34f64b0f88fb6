/** The pure core of telemetry ingest: no database, no MQTT client, no Nest. */
export * from './batcher.js';
export * from './parse.js';
export * from './rejections.js';
export * from './retry.js';
export * from './topics.js';
