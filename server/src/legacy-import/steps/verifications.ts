import {
  insertCompanyRecords,
  insertIndividualBusinessRecords,
  insertPersonRecords,
} from '../../features/account/verification.repository.js';
import { reviewCodes } from '../../review-states.js';
import type { FileUse } from '../files.js';
import type { LegacyTable } from '../layout.js';
import type { OldRow } from '../source.js';
import {
  alreadyThere,
  type ImportContext,
  type ImportStep,
  insertSlices,
  planOf,
  planWithFiles,
  refuseWritten,
  requireUser,
  sortRows,
  tooLong,
} from '../step.js';
import * as v from '../values.js';

/*
 * Verifications: person (user_person), company (user_company) and individual business (user_geti).
 * The new tables hold one record per user, keyed by the user id; an old user with two records keeps
 * the one with the lowest id. States map 0 → pending, 1 → approved (the old backend had no
 * rejection); the old tables keep no times, so submission (and review) is stamped with the
 * import's time. The account feature writes them a slice a statement, not with its
 * one-record upserts: those also put the record back to review, which an import must not do.
 */

/**
 * The file list columns (ID card sides, licences) are varchar(2000), measured as stored: with the
 * copies' URLs, which can be longer than the old ones.
 */
const maxFilesLength = 2000;

type VerificationTable =
  | 'person_verifications'
  | 'company_verifications'
  | 'individual_business_verifications';

/** Review columns of an old record: its state, and a review time when it was approved. */
function reviewOf(row: OldRow, userId: number, now: number) {
  const state = v.flag(row, 'state');
  return {
    user_id: userId,
    state: state === 1 ? reviewCodes.approved : reviewCodes.pending,
    reject_reason: '',
    submitted_at: now,
    reviewed_at: state === 1 ? now : null,
    created_at: now,
  };
}

/**
 * What the three steps share: the owner must have been imported, one record per user, and a user
 * with a record in the new database already is skipped.
 */
function oneRecordPerUser(ctx: ImportContext, table: LegacyTable, target: VerificationTable, label: string) {
  let firstIdOfUser = new Map<number, number>();
  return {
    async start() {
      // As the rows read user_id, not as MySQL groups it (a varchar ` 5` and `5` are one user).
      const shared = await ctx.source.firstIdsOfShared(table, 'user_id', v.idKey);
      firstIdOfUser = new Map([...shared].map(([userId, first]) => [Number(userId), first]));
    },
    async existing(rows: readonly OldRow[]): Promise<Set<number>> {
      const userIds = [...new Set(rows.map((row) => Number(row.user_id)).filter(Number.isSafeInteger))];
      if (userIds.length === 0) return new Set();
      const found = await ctx.db
        .selectFrom(target)
        .select('user_id')
        .where('user_id', 'in', userIds)
        .execute();
      return new Set(found.map((row) => row.user_id));
    },
    /** The owner's id, or the refusal of an orphan or a second record; alreadyThere when imported before. */
    ownerOf(row: OldRow, id: number, existing: Set<number>): number | typeof alreadyThere {
      const userId = v.int(row, 'user_id');
      requireUser(ctx, userId, existing.has(userId) ? userId : undefined);
      const first = firstIdOfUser.get(userId);
      if (first !== undefined && first !== id) v.refuse(`user ${userId} has ${label} ${first} already`);
      return existing.has(userId) ? alreadyThere : userId;
    },
  };
}

export function personStep(ctx: ImportContext): ImportStep {
  const filesOf = (p: { id_front: string[]; id_back: string[] }) => [...p.id_front, ...p.id_back];
  const records = oneRecordPerUser(ctx, 'user_person', 'person_verifications', 'person record');
  return {
    name: 'user_person',
    table: 'user_person',
    start: records.start,
    async plan(rows) {
      const existing = await records.existing(rows);
      const uses: FileUse[] = [];
      const sorted = sortRows(rows, (row, id) => {
        const userId = records.ownerOf(row, id, existing);
        if (userId === alreadyThere) return alreadyThere;
        const [from, to] = v.period(row, 'jtime', ctx.timeZone);
        const record = {
          ...reviewOf(row, userId, ctx.now),
          name: v.text(row, 'name', 50),
          id_number: v.trimmedText(row, 'code', 18),
          id_front: v.urlList(row, 'pic'),
          id_back: v.urlList(row, 'picf'),
          job: v.text(row, 'job', 100),
          job_name: v.text(row, 'jobname', 100),
          work_time_type: v.text(row, 'jtype', 100),
          work_period_from: from,
          work_period_to: to,
          weekly_hours: v.text(row, 'timelong', 100),
          work_area: v.text(row, 'jobarea', 500),
          work_address: v.text(row, 'jobaddress', 500),
          daily_rate_fen: v.fenOrNull(row, 'money'),
          intro: v.longText(row, 'des'),
          attachment_one: '',
          attachment_two: '',
        };
        for (const url of filesOf(record)) {
          uses.push({ url, ownerId: userId, document: true, where: `user_person ${id}` });
        }
        return record;
      });
      const files = await ctx.files.prepare(uses);
      const { written: persons, kept } = refuseWritten(
        sorted,
        (p) => ({
          ...p,
          id_front: files.rewrite(p.id_front, p.user_id),
          id_back: files.rewrite(p.id_back, p.user_id),
        }),
        (p) => tooLong('pic', p.id_front, maxFilesLength) ?? tooLong('picf', p.id_back, maxFilesLength),
      );
      await files.keepOnly(
        kept.flatMap((record) => filesOf(record).map((url) => ({ url, ownerId: record.user_id }))),
      );
      return planWithFiles(sorted, persons.length, files, async (tx) => {
        for (const slice of insertSlices(persons)) await insertPersonRecords(tx, slice);
      });
    },
  };
}

export function companyStep(ctx: ImportContext): ImportStep {
  const filesOf = (c: { license: string[]; legal_rep_id_front: string[]; legal_rep_id_back: string[] }) => [
    ...c.license,
    ...c.legal_rep_id_front,
    ...c.legal_rep_id_back,
  ];
  const records = oneRecordPerUser(ctx, 'user_company', 'company_verifications', 'company record');
  return {
    name: 'user_company',
    table: 'user_company',
    start: records.start,
    async plan(rows) {
      const existing = await records.existing(rows);
      const uses: FileUse[] = [];
      const sorted = sortRows(rows, (row, id) => {
        const userId = records.ownerOf(row, id, existing);
        if (userId === alreadyThere) return alreadyThere;
        const record = {
          ...reviewOf(row, userId, ctx.now),
          name: v.text(row, 'company', 100),
          industry: v.text(row, 'type', 100),
          license: v.urlList(row, 'pic'),
          province: v.text(row, 'pro', 50),
          city: v.text(row, 'city', 50),
          address: v.text(row, 'address', 500),
          years_in_business: v.text(row, 'year', 50),
          legal_rep_name: v.text(row, 'faren_name', 50),
          legal_rep_id_front: v.urlList(row, 'faren_z'),
          legal_rep_id_back: v.urlList(row, 'faren_f'),
        };
        for (const url of filesOf(record)) {
          uses.push({ url, ownerId: userId, document: true, where: `user_company ${id}` });
        }
        return record;
      });
      const files = await ctx.files.prepare(uses);
      const { written: companies, kept } = refuseWritten(
        sorted,
        (c) => ({
          ...c,
          license: files.rewrite(c.license, c.user_id),
          legal_rep_id_front: files.rewrite(c.legal_rep_id_front, c.user_id),
          legal_rep_id_back: files.rewrite(c.legal_rep_id_back, c.user_id),
        }),
        (c) =>
          tooLong('pic', c.license, maxFilesLength) ??
          tooLong('faren_z', c.legal_rep_id_front, maxFilesLength) ??
          tooLong('faren_f', c.legal_rep_id_back, maxFilesLength),
      );
      await files.keepOnly(
        kept.flatMap((record) => filesOf(record).map((url) => ({ url, ownerId: record.user_id }))),
      );
      return planWithFiles(sorted, companies.length, files, async (tx) => {
        for (const slice of insertSlices(companies)) await insertCompanyRecords(tx, slice);
      });
    },
  };
}

/** `user_geti`: the individual business; its partners follow in their own step. */
export function individualBusinessStep(ctx: ImportContext): ImportStep {
  const records = oneRecordPerUser(
    ctx,
    'user_geti',
    'individual_business_verifications',
    'individual business',
  );
  return {
    name: 'user_geti',
    table: 'user_geti',
    start: records.start,
    async plan(rows) {
      const existing = await records.existing(rows);
      const sorted = sortRows(rows, (row, id) => {
        const userId = records.ownerOf(row, id, existing);
        if (userId === alreadyThere) {
          ctx.present.individualBusinesses.set(id, v.int(row, 'user_id'));
          return alreadyThere;
        }
        const hesuan = v.intOrNull(row, 'hesuan');
        if (hesuan !== null && hesuan !== 0 && hesuan !== 1)
          v.refuse(`hesuan has no known meaning: ${hesuan}`);
        // `employees` is a signed 32-bit integer: MySQL would fail the batch for a larger count.
        const employees = v.intOrNull(row, 'renshu');
        if (employees !== null && (employees < 0 || employees > 2_147_483_647))
          v.refuse(`renshu is out of range: ${employees}`);
        const record = {
          ...reviewOf(row, userId, ctx.now),
          name: v.text(row, 'name', 100),
          domicile: v.text(row, 'zhusuo', 500),
          business_place: v.text(row, 'jingying', 500),
          postcode: v.text(row, 'youbian', 20),
          phone: v.text(row, 'shouji', 30),
          registered_capital_fen: v.wanYuanFenOrNull(row, 'zhiben'),
          company_type: v.text(row, 'leixing', 100),
          accounting: hesuan,
          employees,
          industry: v.text(row, 'hangye', 100),
          business_scope: v.longText(row, 'fanwen'),
          legal_rep_name: v.text(row, 'faren_name', 50),
          legal_rep_id_number: v.trimmedText(row, 'faren_code', 18),
        };
        ctx.present.individualBusinesses.set(id, userId);
        return record;
      });
      return planOf(sorted, sorted.accepted.length, async (tx) => {
        for (const slice of insertSlices(sorted.accepted)) {
          await insertIndividualBusinessRecords(tx, slice);
        }
      });
    },
  };
}
