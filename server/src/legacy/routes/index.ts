import type { AnyLegacyRoute } from '../route.js';
import { authRoutes } from './auth.routes.js';

/** Every legacy URL this service answers. Each feature contributes its rows. */
export const legacyRoutes: readonly AnyLegacyRoute[] = [...authRoutes];
