import type { LegacyRoute } from '../route.js';
import { accountRoutes } from './account.routes.js';
import { applicationRoutes } from './application.routes.js';
import { authRoutes } from './auth.routes.js';
import { demandRoutes } from './demand.routes.js';
import { moneyRoutes } from './money.routes.js';
import { resumeRoutes } from './resume.routes.js';
import { uploadRoutes } from './uploads.routes.js';

export interface LegacyRouteGroup {
  /** The tag the group's URLs appear under in the API reference. */
  readonly tag: string;
  readonly description: string;
  readonly routes: readonly LegacyRoute[];
}

/** Every legacy URL this service answers, by feature. */
export const legacyRouteGroups: readonly LegacyRouteGroup[] = [
  {
    tag: 'Legacy · 登录 Login',
    description: 'Login by SMS code or password, logout, passwords.',
    routes: authRoutes,
  },
  {
    tag: 'Legacy · 需求 Demands',
    description: 'Posting, reading and listing demands.',
    routes: demandRoutes,
  },
  {
    tag: 'Legacy · 申请 Applications',
    description: 'Applying, selecting applicants and delivering.',
    routes: applicationRoutes,
  },
  { tag: 'Legacy · 钱 Money', description: 'Escrow, payouts, recharges and invoices.', routes: moneyRoutes },
  {
    tag: 'Legacy · 账户 Account',
    description: 'The account page, profile and verifications.',
    routes: accountRoutes,
  },
  {
    tag: 'Legacy · 简历 Resume',
    description: 'Portfolio, skills, work history and education.',
    routes: resumeRoutes,
  },
  { tag: 'Legacy · 上传 Uploads', description: 'File uploads.', routes: uploadRoutes },
];

export const legacyRoutes: readonly LegacyRoute[] = legacyRouteGroups.flatMap((group) => group.routes);
