export * from './errors.js';
export * from './health.js';
export * from './pagination.js';
export * from './telemetry.js';
export * from './identity.js';
export * from './sites.js';
export * from './devices.js';
export * from './events.js';
