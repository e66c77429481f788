import type { Clock } from '../../clock.js';
import type { Db, Tx } from '../../db/database.js';
import { type ChangeHooks, inTransaction } from '../../db/transaction.js';
import { AppError, fieldRefusal } from '../../errors.js';
import { pageResult } from '../../fields.js';
import { reviewCodes } from '../../review-states.js';
import type { FileReferences, ResolvedFiles } from '../uploads/file-references.js';
import type { UploadUrlSigner } from '../uploads/signed-urls.js';
import { keyOfUrl, urlOfKey } from '../uploads/storage.js';
import { findUploadsByKeys, markUploadsPrivate } from '../uploads/uploads.repository.js';
import type { FileRef } from '../uploads/uploads.schemas.js';
import type { ReceivedFile, UploadService } from '../uploads/uploads.service.js';
import { lockUser, phonesOf, setVerified } from '../user/user.repository.js';
import type {
  CompanySubmission,
  CompanyVerification,
  IndividualBusinessSubmission,
  IndividualBusinessVerification,
  MyVerifications,
  PendingVerification,
  PersonSubmission,
  PersonVerification,
  ReviewDecision,
  ReviewOutcome,
  VerificationKind,
} from './account.schemas.js';
import { invalidIdNumberMessage, isValidIdNumber } from './id-number.js';
import {
  decidePending,
  findCompanyRows,
  findIndividualBusinessRows,
  findPartnerRows,
  findPersonRows,
  findReview,
  hasApprovedVerification,
  hasRecord,
  pendingPage,
  replacePartners,
  saveCompany,
  saveIndividualBusiness,
  savePerson,
  tableOfKind,
} from './verification.repository.js';
import {
  companyColumns,
  companyOfRow,
  emptyCompany,
  emptyIndividualBusiness,
  emptyPerson,
  individualBusinessColumns,
  individualBusinessOfRow,
  personColumns,
  personOfRow,
} from './verification.rows.js';

/**
 * The file fields of the records. The uploads they name (ID cards, business licences, the legal
 * representative's ID) are private: served only through the signed, expiring URLs that reads of
 * the record hand to its owner and to admins. (The individual-business record names no files.)
 */
const personFiles = ['idCardFront', 'idCardBack', 'attachmentOne', 'attachmentTwo'] as const;
const companyFiles = ['license', 'legalRepIdFront', 'legalRepIdBack'] as const;
/** The documents a reviewer looks at as pictures; the person's two attachments may be of any type. */
const pictureFields: ReadonlySet<string> = new Set([
  'idCardFront',
  'idCardBack',
  'license',
  'legalRepIdFront',
  'legalRepIdBack',
]);

/**
 * Person, company and individual-business verification: the owner submits (and resubmits, which
 * puts the record back to review), an admin approves or rejects, and the user's verified flag
 * follows. Every method is scoped to the user id the caller was authenticated as.
 *
 * Every write takes the user's row lock first (lockUser), so the writes of one user run one at a
 * time: a submission merges into the record as the previous one left it (two partial submissions
 * at once would otherwise each write back the other's fields as they were), and the verified flag
 * is computed from records no other transaction is changing (a review racing a submission could
 * otherwise leave an approved user 未认证, or a user with nothing approved 已认证).
 */
export class VerificationService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly fileRefs: FileReferences,
    private readonly signer: UploadUrlSigner,
    /**
     * Makes the private copies of shown uploads (privateCopies). Without it (a test wiring the
     * service by hand), a submission naming a shown upload is refused.
     */
    private readonly uploads?: Pick<UploadService, 'copy' | 'recordIn' | 'discard' | 'discardUnlessRecorded'>,
  ) {}

  async mine(userId: number): Promise<MyVerifications> {
    const [person, company, individualBusiness] = await Promise.all([
      this.persons([userId]),
      this.companies([userId]),
      this.individualBusinesses([userId]),
    ]);
    return {
      person: person.get(userId) ?? null,
      company: company.get(userId) ?? null,
      individualBusiness: individualBusiness.get(userId) ?? null,
    };
  }

  async submitPerson(userId: number, input: PersonSubmission): Promise<PersonVerification> {
    const [from, to] = input.workPeriod ?? [];
    // A period that ends before it starts is a typo, refused like the resume's and a demand's.
    if (from && to && to.getTime() < from.getTime())
      throw fieldRefusal('END_BEFORE_BEGIN', ['workPeriod', 1]);
    const { idCardFront, idCardBack, attachmentOne, attachmentTwo, ...plain } = input;
    const [stored] = await findPersonRows(this.db, [userId]);
    const kept = stored ? personFiles.flatMap((field) => personOfRow(stored)[field]) : [];
    const resolved = await this.resolveFiles(
      userId,
      { idCardFront, idCardBack, attachmentOne, attachmentTwo },
      kept,
    );
    const { files, copies } = await this.privateCopies(resolved.files, kept);
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      await lockUser(tx, userId);
      const [current] = await findPersonRows(tx, [userId]);
      const before = current ? personOfRow(current) : undefined;
      requireValidIdNumber(plain.idNumber, [before?.idNumber], ['idNumber'], now);
      const merged = { ...(before ?? emptyPerson), ...given(plain), ...files };
      requireFilled(merged, ['name', 'idNumber']);
      // A rejected record submitted again is asked to be reviewed again, changed or not.
      const keepReview =
        before !== undefined && before.status !== 'rejected' && !reviewedPersonFieldsChanged(before, merged);
      await savePerson(tx, userId, personColumns(merged), now, current !== undefined, keepReview);
      await this.recordCopies(tx, userId, copies);
      await resolved.take(tx);
      await markUploadsPrivate(tx, userId, storageKeys(files));
      await refreshUserState(tx, userId, now);
    }).catch((error: unknown) => this.discardAndThrow(copies, error));
    return this.one(this.persons([userId]), userId);
  }

  async submitCompany(userId: number, input: CompanySubmission): Promise<CompanyVerification> {
    const { license, legalRepIdFront, legalRepIdBack, ...plain } = input;
    const [stored] = await findCompanyRows(this.db, [userId]);
    const kept = stored ? companyFiles.flatMap((field) => companyOfRow(stored)[field]) : [];
    const resolved = await this.resolveFiles(userId, { license, legalRepIdFront, legalRepIdBack }, kept);
    const { files, copies } = await this.privateCopies(resolved.files, kept);
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      await lockUser(tx, userId);
      const [current] = await findCompanyRows(tx, [userId]);
      const merged = { ...(current ? companyOfRow(current) : emptyCompany), ...given(plain), ...files };
      requireFilled(merged, ['name']);
      await saveCompany(tx, userId, companyColumns(merged), now, current !== undefined);
      await this.recordCopies(tx, userId, copies);
      await resolved.take(tx);
      await markUploadsPrivate(tx, userId, storageKeys(files));
      await refreshUserState(tx, userId, now);
    }).catch((error: unknown) => this.discardAndThrow(copies, error));
    return this.one(this.companies([userId]), userId);
  }

  async submitIndividualBusiness(
    userId: number,
    input: IndividualBusinessSubmission,
  ): Promise<IndividualBusinessVerification> {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      await lockUser(tx, userId);
      const [current] = await findIndividualBusinessRows(tx, [userId]);
      const partners = current ? await findPartnerRows(tx, [userId]) : [];
      const before = current ? individualBusinessOfRow(current, partners) : emptyIndividualBusiness;
      requireValidIdNumber(input.legalRepIdNumber, [before.legalRepIdNumber], ['legalRepIdNumber'], now);
      const partnerNumbers = before.partners.map((partner) => partner.idNumber);
      for (const [index, partner] of (input.partners ?? []).entries()) {
        requireValidIdNumber(partner.idNumber, partnerNumbers, ['partners', index, 'idNumber'], now);
      }
      const merged = { ...before, ...given(input) };
      requireFilled(merged, ['name']);
      await saveIndividualBusiness(tx, userId, individualBusinessColumns(merged), now, current !== undefined);
      if (input.partners !== undefined) await replacePartners(tx, userId, input.partners);
      await refreshUserState(tx, userId, now);
    });
    return this.one(this.individualBusinesses([userId]), userId);
  }

  /** The review queue, oldest first, with each record in full and the user's phone. */
  async pending(query: { kind?: VerificationKind; page: number; perPage: number }) {
    const kinds = query.kind ? [query.kind] : (Object.keys(tableOfKind) as VerificationKind[]);
    const { total, rows } = await pendingPage(this.db, kinds, query.page, query.perPage);
    const idsOf = (kind: VerificationKind) => rows.filter((r) => r.kind === kind).map((r) => r.user_id);
    const [persons, companies, businesses, phones] = await Promise.all([
      this.persons(idsOf('person')),
      this.companies(idsOf('company')),
      this.individualBusinesses(idsOf('individualBusiness')),
      phonesOf(
        this.db,
        rows.map((r) => r.user_id),
      ),
    ]);
    const phoneOf = new Map(phones.map((p) => [p.id, p.phone]));
    const items = rows.flatMap((row): PendingVerification[] => {
      const phone = phoneOf.get(row.user_id) ?? '';
      const person = row.kind === 'person' ? persons.get(row.user_id) : undefined;
      if (person) return [{ kind: 'person', phone, verification: person }];
      const company = row.kind === 'company' ? companies.get(row.user_id) : undefined;
      if (company) return [{ kind: 'company', phone, verification: company }];
      const business = row.kind === 'individualBusiness' ? businesses.get(row.user_id) : undefined;
      if (business) return [{ kind: 'individualBusiness', phone, verification: business }];
      return [];
    });
    return pageResult(items, total, query);
  }

  /** Approves or rejects a pending record; only pending ones, so a stale decision cannot overwrite a resubmission. */
  async review(decision: ReviewDecision, options: ChangeHooks = {}): Promise<ReviewOutcome> {
    const now = this.clock.now();
    const approve = decision.decision === 'approve';
    const userVerified = await inTransaction(this.db, async (tx) => {
      await lockUser(tx, decision.userId);
      await options.beforeChange?.(tx);
      const decided = await decidePending(tx, decision.kind, decision.userId, {
        state: approve ? reviewCodes.approved : reviewCodes.rejected,
        reason: approve ? '' : (decision.reason ?? ''),
        now,
      });
      if (!decided) {
        const exists = await hasRecord(tx, decision.kind, decision.userId);
        throw new AppError(exists ? 'VERIFICATION_NOT_PENDING' : 'NOT_FOUND');
      }
      const verified = await refreshUserState(tx, decision.userId, now);
      await options.alsoInTransaction?.(tx);
      return verified;
    });
    return {
      userId: decision.userId,
      kind: decision.kind,
      status: approve ? 'approved' : 'rejected',
      userVerified,
    };
  }

  /**
   * Resolves the file fields the submission names into upload URLs; absent ones stay absent. The
   * files the record names now (`kept`) are taken back as they are (FileReferences). `take` makes
   * their uploads the user's, in the transaction that writes the record.
   */
  private async resolveFiles<K extends string>(
    userId: number,
    refsByField: Record<K, readonly FileRef[] | undefined>,
    kept: readonly string[],
  ): Promise<{ files: Partial<Record<K, string[]>>; take(tx: Tx): Promise<void> }> {
    const files: Partial<Record<K, string[]>> = {};
    const takes: ResolvedFiles['take'][] = [];
    for (const [field, refs] of Object.entries(refsByField) as [K, readonly FileRef[] | undefined][]) {
      if (refs !== undefined) {
        const images = pictureFields.has(field);
        const resolved = await this.fileRefs.resolve(userId, refs, kept, { use: 'private', images });
        files[field] = resolved.urls;
        takes.push(resolved.take);
      }
    }
    return {
      files,
      take: async (tx) => {
        for (const take of takes) await take(tx);
      },
    };
  }

  /**
   * Gives every upload the submission names that a public record shows (a demand's image, an
   * avatar) a private copy, received into storage now and recorded with the record (recordCopies),
   * and names the copy instead: making the upload itself private would take it from the public
   * record. What the record names already (`kept`) stays as it is: copying it would change the
   * record, and send it back to review, at every save of the form.
   */
  private async privateCopies<K extends string>(
    files: Partial<Record<K, string[]>>,
    kept: readonly string[],
  ): Promise<{ files: Partial<Record<K, string[]>>; copies: ReceivedFile[] }> {
    const keys = storageKeys(files).filter((key) => !kept.includes(urlOfKey(key)));
    const shown = (await findUploadsByKeys(this.db, keys)).filter((row) => row.shown && !row.private);
    if (shown.length === 0) return { files, copies: [] };
    // By the URL the submission resolved to; one upload named twice gets one copy.
    const copyOf = new Map<string, ReceivedFile>();
    try {
      for (const row of shown) {
        const copy = await this.uploads?.copy(row.storage_key);
        // Its bytes are gone (or nothing makes copies here): refused like a missing upload.
        if (!copy) throw new AppError('FILE_REFERENCE_INVALID');
        copyOf.set(urlOfKey(row.storage_key), copy);
      }
    } catch (error) {
      await this.discard([...copyOf.values()]);
      throw error;
    }
    const renamed: Partial<Record<K, string[]>> = {};
    for (const [field, urls] of Object.entries(files) as [K, string[] | undefined][]) {
      if (urls === undefined) continue;
      renamed[field] = urls.map((url) => {
        const copy = copyOf.get(url);
        return copy ? urlOfKey(copy.key) : url;
      });
    }
    return { files: renamed, copies: [...copyOf.values()] };
  }

  /** Records the private copies (privateCopies) as the user's, in the record's transaction. */
  private async recordCopies(tx: Tx, userId: number, copies: readonly ReceivedFile[]): Promise<void> {
    if (copies.length === 0 || !this.uploads) return;
    await this.uploads.recordIn(
      tx,
      copies.map((file) => ({ file, userId, private: true, shown: false })),
    );
  }

  /** A submission failed: the bytes of its copies are removed, unless its transaction may have committed. */
  private async discardAndThrow(copies: readonly ReceivedFile[], error: unknown): Promise<never> {
    await this.uploads?.discardUnlessRecorded(copies, error);
    throw error;
  }

  private async discard(copies: readonly ReceivedFile[]): Promise<void> {
    for (const copy of copies) await this.uploads?.discard(copy);
  }

  private async persons(userIds: readonly number[]) {
    const rows = await findPersonRows(this.db, userIds);
    return new Map(rows.map((row) => [row.user_id, this.signed(personOfRow(row), personFiles)]));
  }

  private async companies(userIds: readonly number[]) {
    const rows = await findCompanyRows(this.db, userIds);
    return new Map(rows.map((row) => [row.user_id, this.signed(companyOfRow(row), companyFiles)]));
  }

  /** The record with its file URLs signed: every read of a record is its owner's or an admin's. */
  private signed<T extends Record<F, string[]>, F extends keyof T>(record: T, fields: readonly F[]): T {
    const now = this.clock.now();
    const copy = { ...record };
    for (const field of fields) copy[field] = record[field].map((url) => this.signer.sign(url, now)) as T[F];
    return copy;
  }

  private async individualBusinesses(userIds: readonly number[]) {
    const [rows, partners] = await Promise.all([
      findIndividualBusinessRows(this.db, userIds),
      findPartnerRows(this.db, userIds),
    ]);
    return new Map(
      rows.map((row) => [
        row.user_id,
        individualBusinessOfRow(
          row,
          partners.filter((p) => p.user_id === row.user_id),
        ),
      ]),
    );
  }

  private async one<T>(records: Promise<Map<number, T>>, userId: number): Promise<T> {
    const record = (await records).get(userId);
    if (!record) throw new AppError('NOT_FOUND');
    return record;
  }
}

/**
 * A user counts as verified while any of their verifications is approved (CONTRACT.md §4
 * `userstate`) and their identity is not awaiting review: a person record sent (back) to review
 * puts the user to 未认证 (CONTRACT.md §5 `/user/info/person`), an approved company or 个体户
 * notwithstanding, since /user/info/info shows the person's new `name` and `code` beside the
 * flag. The users table keeps the answer. Answers it.
 */
async function refreshUserState(tx: Tx, userId: number, now: number): Promise<boolean> {
  const person = await findReview(tx, 'person', userId);
  const verified = person?.state !== reviewCodes.pending && (await hasApprovedVerification(tx, userId));
  await setVerified(tx, userId, verified, now);
  return verified;
}

/** The storage keys of the resolved (canonical) upload URLs of a submission's file fields. */
function storageKeys(files: Partial<Record<string, string[]>>): string[] {
  return Object.values(files)
    .flatMap((urls) => urls ?? [])
    .flatMap((url) => keyOfUrl(url) ?? []);
}

/** The fields a submission names (zod leaves absent optional fields undefined). */
function given<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * A refused input field, carried as an input issue like a failed parse's: the typed API names the
 * field (`Invalid input: name: Required`, `issues`), the legacy door its Chinese label.
 */
function invalidInput(...problems: { path: ReadonlyArray<string | number>; message: string }[]): AppError {
  const issues = problems.map(({ path, message }) => ({ code: 'custom', path, message }));
  return new AppError('VALIDATION_FAILED', {
    cause: Object.assign(
      new Error(issues.map(({ path, message }) => `${path.join('.')}: ${message}`).join('; ')),
      {
        issues,
      },
    ),
  });
}

/**
 * Fields a reviewer cannot do without, checked on the record as the submission leaves it: every
 * one missing is named at once, so a form marks them all rather than one a try.
 */
function requireFilled<T extends object>(record: T, names: readonly (keyof T & string)[]): void {
  const missing = names.filter((field) => record[field] === '');
  if (missing.length > 0)
    throw invalidInput(...missing.map((field) => ({ path: [field], message: 'Required' })));
}

/**
 * An ID number a submission names must be a valid one (GB 11643), unless the record already holds
 * it: numbers imported from the old backend, which checked nothing, come back unchanged with every
 * save of the deployed client's forms, and refusing them would lock their owners out of the form.
 */
function requireValidIdNumber(
  sent: string | undefined,
  held: ReadonlyArray<string | undefined>,
  path: ReadonlyArray<string | number>,
  now: number,
): void {
  if (sent === undefined || held.includes(sent) || isValidIdNumber(sent, now)) return;
  throw invalidInput({ path, message: invalidIdNumberMessage });
}

/** What a reviewer checked of a person: changing any of it sends the record back to review. */
function reviewedPersonFieldsChanged(
  before: Pick<PersonVerification, 'name' | 'idNumber' | 'idCardFront' | 'idCardBack'>,
  after: Pick<PersonVerification, 'name' | 'idNumber' | 'idCardFront' | 'idCardBack'>,
): boolean {
  return (
    before.name !== after.name ||
    before.idNumber !== after.idNumber ||
    before.idCardFront.join(',') !== after.idCardFront.join(',') ||
    before.idCardBack.join(',') !== after.idCardBack.join(',')
  );
}
