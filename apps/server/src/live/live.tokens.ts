/** The live bus the module built: in-process, or Redis pub/sub when REDIS_URL is set. */
export const LIVE_BUS = Symbol('LIVE_BUS');
