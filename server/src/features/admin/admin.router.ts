import { z } from 'zod';
import * as fields from '../../fields.js';
import { adminProcedure, router } from '../../trpc/init.js';
import { ledgerEntry } from '../money/money.schemas.js';
import { profile } from '../user/user.schemas.js';
import {
  auditEntry,
  auditQuery,
  consoleSettings,
  demandDetail,
  demandUnderReview,
  queueCounts,
  userDetail,
} from './admin.schemas.js';

/** A search box's text: digits of an id or a phone, an order number, words of a title. */
const searchText = fields.text(50);

/**
 * What the operators' console reads. The writes an admin makes (reviews, credits, withdrawals)
 * are procedures of their features (`demands.review`, `wallet.credit`...), each recorded in the
 * audit trail that `auditLog` reads.
 */
export const adminRouter = router({
  /** The deployment's settings the console shows by: the time zone of its dates (TZ_DISPLAY). */
  settings: adminProcedure
    .output(consoleSettings)
    .query(({ ctx }) => ({ displayTimeZone: ctx.config.displayTimeZone })),

  /** How many demands, verifications and invoice requests wait for an operator. */
  queueCounts: adminProcedure.output(queueCounts).query(({ ctx }) => ctx.services.admin.queueCounts()),

  /** Accounts by id or by the first digits (at least three) of the phone; at most 20, newest first. */
  findUsers: adminProcedure
    .input(z.object({ query: searchText }))
    .output(z.array(profile))
    .query(({ ctx, input }) => ctx.services.admin.findUsers(input.query)),

  /** One account: profile, verification records (files through signed URLs), balance, demands, applications. */
  user: adminProcedure
    .meta({ errors: ['NOT_FOUND'] })
    .input(z.object({ userId: fields.id }))
    .output(userDetail)
    .query(({ ctx, input }) => ctx.services.admin.user(input.userId)),

  /** A wallet's ledger, newest first. */
  ledger: adminProcedure
    .meta({ errors: ['NOT_FOUND'] })
    .input(z.object({ userId: fields.id, ...fields.pageRequest }))
    .output(fields.pageOf(ledgerEntry))
    .query(({ ctx, input: { userId, ...page } }) => ctx.services.admin.ledger(userId, page)),

  /**
   * Any demand, whatever its review, newest first: by id or order number (digits), or whose title
   * contains the text; all of them without one. A title search finds matches down to one past the
   * page, so its total says how far it looked: the paginator offers one page more while there may
   * be more.
   */
  findDemands: adminProcedure
    .input(z.object({ query: searchText.default(''), ...fields.pageRequest }))
    .output(fields.pageOf(demandUnderReview))
    .query(({ ctx, input: { query, ...page } }) => ctx.services.admin.findDemands(query, page)),

  /** One demand, read only: its applications with their shares and payouts, its escrow and ledger. */
  demand: adminProcedure
    .meta({ errors: ['NOT_FOUND'] })
    .input(z.object({ id: fields.id }))
    .output(demandDetail)
    .query(({ ctx, input }) => ctx.services.admin.demand(input.id)),

  /** Every admin action, newest first: who, what, when, before and after; one user's with `userId`. */
  auditLog: adminProcedure
    .input(auditQuery)
    .output(fields.pageOf(auditEntry))
    .query(({ ctx, input }) => ctx.services.admin.auditLog(input)),
});
