import type { AnyLegacyRoute } from '../route.js';
import { accountRoutes } from './account.routes.js';
import { applicationRoutes } from './application.routes.js';
import { authRoutes } from './auth.routes.js';
import { demandRoutes } from './demand.routes.js';
import { moneyRoutes } from './money.routes.js';
import { resumeRoutes } from './resume.routes.js';
import { uploadRoutes } from './uploads.routes.js';

/** Every legacy URL this service answers. Each feature contributes its rows. */
export const legacyRoutes: readonly AnyLegacyRoute[] = [
  ...authRoutes,
  ...resumeRoutes,
  ...demandRoutes,
  ...applicationRoutes,
  ...moneyRoutes,
  ...accountRoutes,
  ...uploadRoutes,
];
