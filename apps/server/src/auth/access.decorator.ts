import { SetMetadata } from '@nestjs/common';
import type { RouteKey } from './access-matrix.js';

export const ACCESS_KEY = Symbol('access');

/**
 * Declares the route's entry in the access matrix. The guard checks that the key names this very
 * route (method and path) and enforces the entry's rule; a route without it is refused.
 */
export const Access = (route: RouteKey) => SetMetadata(ACCESS_KEY, route);
