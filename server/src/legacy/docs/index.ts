import { accountDocs } from './account.docs.js';
import { applicationDocs } from './application.docs.js';
import { authDocs } from './auth.docs.js';
import { demandDocs } from './demand.docs.js';
import { moneyDocs } from './money.docs.js';
import { resumeDocs } from './resume.docs.js';
import type { LegacyRouteDoc } from './types.js';
import { uploadDocs } from './uploads.docs.js';

export interface LegacyDocGroup {
  /** The tag routes appear under in the reference. */
  readonly tag: string;
  readonly description: string;
  readonly routes: Readonly<Record<string, LegacyRouteDoc>>;
}

/** Every documented legacy URL, by the routes file it belongs to. A test holds it equal to the route table. */
export const legacyDocGroups: readonly LegacyDocGroup[] = [
  {
    tag: 'Legacy · 登录 Login',
    description: 'Login by SMS code or password, logout, passwords.',
    routes: authDocs,
  },
  { tag: 'Legacy · 需求 Demands', description: 'Posting, reading and listing demands.', routes: demandDocs },
  {
    tag: 'Legacy · 申请 Applications',
    description: 'Applying, selecting applicants and delivering.',
    routes: applicationDocs,
  },
  { tag: 'Legacy · 钱 Money', description: 'Escrow, payouts, recharges and invoices.', routes: moneyDocs },
  {
    tag: 'Legacy · 账户 Account',
    description: 'The account page, profile and verifications.',
    routes: accountDocs,
  },
  {
    tag: 'Legacy · 简历 Resume',
    description: 'Portfolio, skills, work history and education.',
    routes: resumeDocs,
  },
  { tag: 'Legacy · 上传 Uploads', description: 'File uploads.', routes: uploadDocs },
];
