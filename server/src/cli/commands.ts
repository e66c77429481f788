import { z } from 'zod';
import type { Actor } from '../features/admin/admin-actions.js';
import * as fields from '../fields.js';
import { importLegacy } from '../legacy-import/command.js';
import { type Command, parseFlags } from './command.js';

/** The CLI acts with the operator's shell rights, as no admin account: the audit trail says so. */
const cli: Actor = { adminId: null };

const createAdmin: Command = {
  usage: '--phone P --password W   create an admin account, or make an existing account admin',
  options: { phone: { type: 'string' }, password: { type: 'string' } },
  async run({ services, values }) {
    const { phone, password } = parseFlags({ phone: fields.phone, password: fields.password }, values);
    const hash = await services.passwords.hash(password);
    const { userId, created } = await services.adminActions.grantAdmin(cli, phone, hash);
    return created ? `admin ${userId} (${phone}) created` : `user ${userId} (${phone}) is now an admin`;
  },
};

const reviewDemand: Command = {
  usage: '--id N --approve|--reject [--reason T]   review a posted demand',
  options: {
    id: { type: 'string' },
    approve: { type: 'boolean' },
    reject: { type: 'boolean' },
    reason: { type: 'string' },
  },
  async run({ services, values }) {
    const flags = parseFlags(
      {
        id: z.coerce.number().int().positive(),
        approve: z.boolean().optional(),
        reject: z.boolean().optional(),
        reason: fields.text(255).optional(),
      },
      values,
    );
    if (flags.approve === flags.reject) throw new Error('give exactly one of --approve and --reject');
    await services.adminActions.reviewDemand(cli, {
      id: flags.id,
      approve: Boolean(flags.approve),
      reason: flags.reason ?? '',
    });
    return `demand ${flags.id} ${flags.approve ? 'approved' : 'rejected'}`;
  },
};

/** The CLI names the kinds as the legacy routes do; `geti` is the individual business. */
const kindOfFlag = { person: 'person', company: 'company', geti: 'individualBusiness' } as const;

const pendingVerifications: Command = {
  usage:
    '[--kind person|company|geti] [--page N]   print the review queue, oldest first, one JSON record a line; file URLs are signed for an hour',
  options: { kind: { type: 'string' }, page: { type: 'string' } },
  async run({ services, values }) {
    const flags = parseFlags(
      {
        kind: z.enum(['person', 'company', 'geti']).optional(),
        page: z.coerce.number().int().positive().default(1),
      },
      values,
    );
    const { items, total } = await services.verifications.pending({
      ...(flags.kind ? { kind: kindOfFlag[flags.kind] } : {}),
      page: flags.page,
      perPage: 20,
    });
    // The identity documents' URLs are paths on the service, signed like the admin API's: open
    // them on the service's address within the hour.
    const lines = items.map((item) => JSON.stringify(item));
    return [...lines, `${items.length} of ${total} pending (page ${flags.page})`].join('\n');
  },
};

const reviewVerification: Command = {
  usage: '--user-id N --kind person|company|geti --approve|--reject [--reason T]   review a verification',
  options: {
    'user-id': { type: 'string' },
    kind: { type: 'string' },
    approve: { type: 'boolean' },
    reject: { type: 'boolean' },
    reason: { type: 'string' },
  },
  async run({ services, values }) {
    const flags = parseFlags(
      {
        'user-id': z.coerce.number().pipe(fields.id),
        kind: z.enum(['person', 'company', 'geti']),
        approve: z.boolean().optional(),
        reject: z.boolean().optional(),
        reason: fields.text(500).optional(),
      },
      values,
    );
    if (Boolean(flags.approve) === Boolean(flags.reject))
      throw new Error('give exactly one of --approve and --reject');
    const outcome = await services.adminActions.reviewVerification(cli, {
      userId: flags['user-id'],
      kind: kindOfFlag[flags.kind],
      decision: flags.approve ? 'approve' : 'reject',
      ...(flags.reason === undefined ? {} : { reason: flags.reason }),
    });
    return `${flags.kind} verification of user ${outcome.userId} ${outcome.status}; user ${outcome.userVerified ? 'verified' : 'not verified'}`;
  },
};

/**
 * `credit` and `withdraw`: money received from the user outside the service, or paid out to their
 * bank account, by phone and yuan; recorded in the audit trail like the console's.
 */
function walletCommand(direction: 'credit' | 'withdraw', usage: string): Command {
  return {
    usage,
    options: { phone: { type: 'string' }, amount: { type: 'string' }, note: { type: 'string' } },
    async run({ services, values }) {
      const flags = parseFlags(
        {
          phone: fields.phone,
          amount: z
            .string()
            .transform((yuan) => fields.yuanTextToFen(yuan) ?? Number.NaN)
            .pipe(z.number({ error: 'yuan with at most two decimals, e.g. 100.00' }).int().positive()),
          note: fields.text(255).optional(),
        },
        values,
      );
      const user = await services.users.findByPhone(flags.phone);
      if (!user) throw new Error(`no user with phone ${flags.phone}`);
      const move = { userId: user.id, amountFen: flags.amount, note: flags.note ?? '' };
      if (direction === 'credit') {
        const { rechargeId } = await services.adminActions.credit(cli, move);
        const balance = await services.money.balance(user.id);
        return `credited ${flags.amount / 100} yuan to user ${user.id} (recharge ${rechargeId}); balance ${balance / 100} yuan`;
      }
      // A balance too low fails with the error table's message ("The wallet balance is too low").
      const { balanceFen } = await services.adminActions.withdraw(cli, move);
      return `withdrew ${flags.amount / 100} yuan from user ${user.id}; balance ${balanceFen / 100} yuan`;
    },
  };
}

const credit = walletCommand(
  'credit',
  '--phone P --amount 100.00 [--note T]   credit a wallet with money received outside the service',
);
const withdraw = walletCommand(
  'withdraw',
  '--phone P --amount 100.00 [--note T]   record money paid out to the user outside the service (never below 0)',
);

/** Every CLI verb. Features add theirs here. */
export const commands: Record<string, Command> = {
  'create-admin': createAdmin,
  'review-demand': reviewDemand,
  credit,
  withdraw,
  'review-verification': reviewVerification,
  'pending-verifications': pendingVerifications,
  'import-legacy': importLegacy,
};
