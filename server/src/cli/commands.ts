import { z } from 'zod';
import type { Actor } from '../features/admin/admin-actions.js';
import { amountFen, idempotencyKey } from '../features/money/money.schemas.js';
import * as fields from '../fields.js';
import { MemoryStore } from '../kv/memory-store.js';
import { importLegacy } from '../legacy-import/command.js';
import { type Command, parseFlags } from './command.js';

/** The CLI acts with the operator's shell rights, as no admin account: the audit trail says so. */
const cli: Actor = { adminId: null };

/** The most one credit or withdrawal moves, as `wallet.credit` and `wallet.withdraw` take it. */
const maxMoveFen = amountFen.maxValue ?? Number.MAX_SAFE_INTEGER;

/**
 * A flag naming a row or a page: plain decimal digits only. `Number()` would also read `0x10` as 16,
 * `1e3` as 1000 and `12.0` as 12, so a typo would act on another demand or user than the one meant.
 */
const wholeNumber = z.string().regex(/^\d+$/, 'a whole number in decimal digits, e.g. 42').transform(Number);

/**
 * A reason is what the user is shown with a rejection. Given with --approve it would be dropped (a
 * verification) or kept on an approved demand, so it is refused rather than taken silently.
 */
function requireReasonOnlyWithReject(flags: { approve?: boolean | undefined; reason?: string | undefined }) {
  if (flags.approve && flags.reason !== undefined) throw new Error('--reason: goes with --reject only');
}

const createAdmin: Command = {
  usage:
    '--phone P [--password W]   create an admin account, or make an existing account admin; without --password, the first line of standard input is the password',
  options: { phone: { type: 'string' }, password: { type: 'string' } },
  async prepare(values, readLine) {
    // A password on the command line is visible to every user of the machine (`ps`) and kept in
    // the shell's history; piped in, it is neither.
    const piped = values.password === undefined ? await readLine() : '';
    if (values.password === undefined && piped === '') {
      // Told "--password: Too small", the operator had given no --password at all.
      throw new Error('no password: pipe it in (the first line of standard input) or give --password');
    }
    const { phone, password } = parseFlags(
      { phone: fields.phone, password: fields.password },
      { ...values, password: values.password ?? piped },
      // A password piped in and refused is named as what the operator sent, not as a flag.
      piped ? { password: 'the password (standard input)' } : {},
    );
    return async ({ kv, services }) => {
      const hash = await services.passwords.hash(password);
      const { userId, created } = await services.adminActions.grantAdmin(cli, phone, hash);
      if (created) return `admin ${userId} (${phone}) created`;
      // The account's password was just replaced: as with any password reset, the sessions opened
      // with the old one end, or whoever held one would now hold an admin session.
      await services.sessions.revokeAllOf(userId);
      if (!(kv instanceof MemoryStore))
        return `user ${userId} (${phone}) is now an admin; its sessions were ended`;
      // Without Redis they live in the running service's memory, out of this process's reach.
      return `user ${userId} (${phone}) is now an admin, but its sessions live in the running service's memory (no REDIS_URL): restart the service to end them`;
    };
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
  async prepare(values) {
    const flags = parseFlags(
      {
        id: wholeNumber.pipe(fields.id),
        approve: z.boolean().optional(),
        reject: z.boolean().optional(),
        reason: fields.text(255).optional(),
      },
      values,
    );
    if (flags.approve === flags.reject) throw new Error('give exactly one of --approve and --reject');
    requireReasonOnlyWithReject(flags);
    return async ({ services }) => {
      await services.adminActions.reviewDemand(cli, {
        id: flags.id,
        approve: Boolean(flags.approve),
        reason: flags.reason ?? '',
      });
      return `demand ${flags.id} ${flags.approve ? 'approved' : 'rejected'}`;
    };
  },
};

/**
 * The console's 退回托管款 asks for no reason (a demand nobody was selected on explains itself), so
 * --reason is optional here too; given, it is kept in the audit record.
 */
const returnEscrow: Command = {
  usage:
    "--id N [--reason T]   give a paid demand's escrow back to its owner's wallet while nobody is selected (settles it when applicants were paid)",
  options: { id: { type: 'string' }, reason: { type: 'string' } },
  async prepare(values) {
    const flags = parseFlags(
      { id: wholeNumber.pipe(fields.id), reason: fields.text(255).optional() },
      values,
    );
    return async ({ services }) => {
      const { refundedFen } = await services.adminActions.returnEscrow(cli, flags);
      return `demand ${flags.id}: escrow of ${fields.hundredthsText(refundedFen)} yuan returned to its owner`;
    };
  },
};

/**
 * The console's 释放接单人 requires a reason: the release takes away what was promised to the
 * applicant, and the audit trail must say why. Blank (only spaces) is no reason.
 */
const releaseSelection: Command = {
  usage:
    '--application-id N --reason T   release a selected applicant who never delivered; its share goes to the others still selected',
  options: { 'application-id': { type: 'string' }, reason: { type: 'string' } },
  async prepare(values) {
    const flags = parseFlags(
      {
        'application-id': wholeNumber.pipe(fields.id),
        reason: fields.text(255).min(1, 'say why, for the audit trail'),
      },
      values,
    );
    return async ({ services }) => {
      const applicationId = flags['application-id'];
      await services.adminActions.releaseSelection(cli, { applicationId, reason: flags.reason });
      return `application ${applicationId} released: no longer selected`;
    };
  },
};

/** The CLI names the kinds as the legacy routes do; `geti` is the individual business. */
const kindOfFlag = { person: 'person', company: 'company', geti: 'individualBusiness' } as const;

const pendingVerifications: Command = {
  usage:
    '[--kind person|company|geti] [--page N]   print the review queue, oldest first, one JSON record a line; file URLs are signed for an hour',
  options: { kind: { type: 'string' }, page: { type: 'string' } },
  async prepare(values) {
    const flags = parseFlags(
      {
        kind: z.enum(['person', 'company', 'geti']).optional(),
        page: wholeNumber.pipe(z.number().int().positive().max(1_000_000)).optional(),
      },
      values,
    );
    return async ({ services }) => {
      const { items, total } = await services.verifications.pending({
        ...(flags.kind ? { kind: kindOfFlag[flags.kind] } : {}),
        page: flags.page ?? 1,
        perPage: 20,
      });
      // The identity documents' URLs are paths on the service, signed like the admin API's: open
      // them on the service's address within the hour.
      const lines = items.map((item) => JSON.stringify(item));
      return [...lines, `${items.length} of ${total} pending (page ${flags.page ?? 1})`].join('\n');
    };
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
  async prepare(values) {
    const flags = parseFlags(
      {
        'user-id': wholeNumber.pipe(fields.id),
        kind: z.enum(['person', 'company', 'geti']),
        approve: z.boolean().optional(),
        reject: z.boolean().optional(),
        reason: fields.text(500).optional(),
      },
      values,
    );
    if (Boolean(flags.approve) === Boolean(flags.reject))
      throw new Error('give exactly one of --approve and --reject');
    requireReasonOnlyWithReject(flags);
    return async ({ services }) => {
      const outcome = await services.adminActions.reviewVerification(cli, {
        userId: flags['user-id'],
        kind: kindOfFlag[flags.kind],
        decision: flags.approve ? 'approve' : 'reject',
        ...(flags.reason === undefined ? {} : { reason: flags.reason }),
      });
      return `${flags.kind} verification of user ${outcome.userId} ${outcome.status}; user ${outcome.userVerified ? 'verified' : 'not verified'}`;
    };
  },
};

/**
 * `credit` and `withdraw`: money received from the user outside the service, or paid out to their
 * bank account, by phone and yuan; recorded in the audit trail like the console's. `--key` makes a
 * command run again (after a lost connection, a shell that closed) move the money once, as the
 * console's dialog does: the bank transfer's reference is a good one.
 */
function walletCommand(direction: 'credit' | 'withdraw', usage: string): Command {
  return {
    usage,
    options: {
      phone: { type: 'string' },
      amount: { type: 'string' },
      note: { type: 'string' },
      key: { type: 'string' },
    },
    async prepare(values) {
      const flags = parseFlags(
        {
          phone: fields.phone,
          amount: z
            .string()
            .transform((yuan) => fields.yuanTextToFen(yuan) ?? Number.NaN)
            .pipe(z.number({ error: 'yuan with at most two decimals, e.g. 100.00' }).int().positive())
            // The typed API's cap on one move, so a slip of extra zeros is refused here as it is there.
            .pipe(z.number().max(maxMoveFen, `at most ${maxMoveFen / 100} yuan in one move`)),
          note: fields.text(255).optional(),
          key: idempotencyKey,
        },
        values,
      );
      return async ({ services }) => {
        const user = await services.users.findByPhone(flags.phone);
        if (!user) throw new Error(`no user with phone ${flags.phone}`);
        const move = {
          userId: user.id,
          amountFen: flags.amount,
          note: flags.note ?? '',
          ...(flags.key === undefined ? {} : { idempotencyKey: flags.key }),
        };
        // Asked before the move: its answer to a run again is the first run's, word for word.
        const madeBefore =
          flags.key !== undefined &&
          (await services.money.moveMadeWithKey(
            direction === 'credit' ? 'recharge' : 'withdrawal',
            flags.key,
          ));
        const again = madeBefore ? 'an earlier run with this --key already ' : '';
        const nothingMoved = madeBefore ? ': nothing moved now' : '';
        if (direction === 'credit') {
          const { rechargeId } = await services.adminActions.credit(cli, move);
          const balance = await services.money.balance(user.id);
          return `${again}credited ${fields.hundredthsText(flags.amount)} yuan to user ${user.id} (recharge ${rechargeId})${nothingMoved}; balance ${fields.hundredthsText(balance)} yuan`;
        }
        // A balance too low fails with the error table's message ("The wallet balance is too low").
        await services.adminActions.withdraw(cli, move);
        const balance = await services.money.balance(user.id);
        return `${again}withdrew ${fields.hundredthsText(flags.amount)} yuan from user ${user.id}${nothingMoved}; balance ${fields.hundredthsText(balance)} yuan`;
      };
    },
  };
}

const credit = walletCommand(
  'credit',
  '--phone P --amount 100.00 [--note T] [--key K]   credit a wallet with money received outside the service; run again with the same key, it credits once',
);
const withdraw = walletCommand(
  'withdraw',
  '--phone P --amount 100.00 [--note T] [--key K]   record money paid out to the user outside the service (never below 0); run again with the same key, it withdraws once',
);

/** Every CLI verb. Features add theirs here. */
export const commands: Record<string, Command> = {
  'create-admin': createAdmin,
  'review-demand': reviewDemand,
  'return-escrow': returnEscrow,
  'release-selection': releaseSelection,
  credit,
  withdraw,
  'review-verification': reviewVerification,
  'pending-verifications': pendingVerifications,
  'import-legacy': importLegacy,
};
