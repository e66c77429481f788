import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import { AppError, fieldRefusal } from '../../errors.js';
import { offsetOf, type PageRequest, pageResult } from '../../fields.js';
import { findUserById, lockUser } from '../user/user.repository.js';
import {
  type EducationItem,
  type Entry,
  type JobItem,
  type ProjectItem,
  type ResumeListStorage,
  resumeLists,
  type SkillItem,
} from './resume.lists.js';
import {
  countEntries,
  deleteAllEntries,
  deleteEntry,
  findEntries,
  insertEntries,
  insertEntry,
  type StoredColumns,
  type StoredRow,
  updateEntry,
} from './resume.repository.js';
import { endsNotBeforeBegin, maxEntriesPerList, maxTextPerList } from './resume.schemas.js';

export interface Page<Item> {
  items: Item[];
  total: number;
  page: number;
  perPage: number;
  lastPage: number;
}

/** The fields given a value: one sent as `undefined` (superjson keeps it) is left out, not cleared. */
function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The characters of text an entry holds: what it costs to store, and to read and send again. */
function textOf(item: object): number {
  let characters = 0;
  for (const value of Object.values(item)) if (typeof value === 'string') characters += value.length;
  return characters;
}

/**
 * Refuses a write that would leave a list holding more text than maxTextPerList. A write that
 * makes the list no larger passes: a list the legacy import brought in above the cap can still be
 * edited and trimmed, and sent back unchanged (the client's wizard re-sends it whole).
 */
function checkTextCap(before: number, after: number): void {
  if (after > maxTextPerList && after > before) throw new AppError('RESUME_TOO_LARGE');
}

/** One resume list of the logged-in user. The same class serves all four lists. */
export class ResumeListService<Item extends object> {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly list: ResumeListStorage<Item>,
  ) {}

  async page(userId: number, request: PageRequest): Promise<Page<Entry<Item>>> {
    const { table } = this.list;
    const [total, rows] = await Promise.all([
      countEntries(this.db, table, userId),
      findEntries(this.db, table, userId, { offset: offsetOf(request), limit: request.perPage }),
    ]);
    return pageResult(
      rows.map((row) => this.toEntry(row)),
      total,
      request,
    );
  }

  async all(userId: number): Promise<Entry<Item>[]> {
    const rows = await findEntries(this.db, this.list.table, userId);
    return rows.map((row) => this.toEntry(row));
  }

  async add(userId: number, item: Item): Promise<Entry<Item>> {
    const { table } = this.list;
    const id = await inTransaction(this.db, async (trx) => {
      await lockUser(trx, userId);
      const stored = await findEntries(trx, table, userId);
      if (stored.length >= maxEntriesPerList) throw new AppError('RESUME_LIST_FULL');
      const before = this.textOfRows(stored);
      checkTextCap(before, before + textOf(item));
      return insertEntry(trx, table, userId, this.toColumns(item), this.clock.now());
    });
    return { ...item, id, userId };
  }

  /**
   * Changes the fields given of an entry; those left out keep what is stored. Another user's entry
   * answers like a missing one.
   */
  async update(userId: number, id: number, changes: Partial<Item>): Promise<Entry<Item>> {
    const { table } = this.list;
    const item = await inTransaction(this.db, async (trx) => {
      // Locked like add, so two edits at once cannot each fit the cap and together pass it.
      await lockUser(trx, userId);
      const stored = await findEntries(trx, table, userId);
      const replaced = stored.find((row) => Number(row.id) === id);
      if (!replaced) throw new AppError('NOT_FOUND');
      const item = { ...this.toItem(replaced), ...definedOnly(changes) };
      if (!endsNotBeforeBegin(item)) throw fieldRefusal('END_BEFORE_BEGIN', ['end']);
      const before = this.textOfRows(stored);
      checkTextCap(before, before - this.textOfRows([replaced]) + textOf(item));
      // The read above is a snapshot: a delete that took no lock of the user (an operator's, in the
      // database) may have removed the entry since. Answer that, not a save that never happened.
      if (!(await updateEntry(trx, table, userId, id, this.toColumns(item), this.clock.now())))
        throw new AppError('NOT_FOUND');
      return item;
    });
    return { ...item, id, userId };
  }

  async remove(userId: number, id: number): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      // Locked like the other writes: a delete committed while replaceAll ran (after its first read,
      // before its own delete) made replaceAll answer the deleted entry among the list it stored.
      await lockUser(trx, userId);
      if (!(await deleteEntry(trx, this.list.table, userId, id))) throw new AppError('NOT_FOUND');
    });
  }

  /** Replaces the whole list in one transaction: the new entries in the given order, or no change at all. */
  async replaceAll(userId: number, items: readonly Item[]): Promise<Entry<Item>[]> {
    const { table } = this.list;
    const rows = await inTransaction(this.db, async (trx) => {
      await lockUser(trx, userId);
      const before = this.textOfRows(await findEntries(trx, table, userId));
      checkTextCap(
        before,
        items.reduce((sum, item) => sum + textOf(item), 0),
      );
      await deleteAllEntries(trx, table, userId);
      await insertEntries(
        trx,
        table,
        userId,
        items.map((item) => this.toColumns(item)),
        this.clock.now(),
      );
      return findEntries(trx, table, userId);
    });
    return rows.map((row) => this.toEntry(row));
  }

  private textOfRows(rows: readonly StoredRow[]): number {
    return rows.reduce((sum, row) => sum + textOf(this.toEntry(row)), 0);
  }

  private toColumns(item: Item): StoredColumns {
    const stored: StoredColumns = {};
    for (const [field, codec] of this.codecs()) stored[codec.column] = codec.toStored(item[field]);
    return stored;
  }

  private toEntry(row: StoredRow): Entry<Item> {
    return { ...this.toItem(row), id: Number(row.id), userId: Number(row.user_id) };
  }

  private toItem(row: StoredRow): Item {
    const item: Partial<Item> = {};
    for (const [field, codec] of this.codecs()) item[field] = codec.fromStored(row[codec.column]);
    return item as Item;
  }

  private codecs() {
    return Object.entries(this.list.columns) as Array<
      [keyof Item, ResumeListStorage<Item>['columns'][keyof Item]]
    >;
  }
}

/** The four lists of the logged-in user, and anyone's resume as employers read it. */
export class ResumeService {
  readonly projects: ResumeListService<ProjectItem>;
  readonly skills: ResumeListService<SkillItem>;
  readonly jobs: ResumeListService<JobItem>;
  readonly education: ResumeListService<EducationItem>;

  constructor(
    private readonly db: Db,
    clock: Clock,
  ) {
    this.projects = new ResumeListService(db, clock, resumeLists.projects);
    this.skills = new ResumeListService(db, clock, resumeLists.skills);
    this.jobs = new ResumeListService(db, clock, resumeLists.jobs);
    this.education = new ResumeListService(db, clock, resumeLists.education);
  }

  /** A person's resume for employers: the four lists, no contact data. */
  async ofUser(userId: number) {
    if (!(await findUserById(this.db, userId))) throw new AppError('NOT_FOUND');
    const [projects, skills, jobs, education] = await Promise.all([
      this.projects.all(userId),
      this.skills.all(userId),
      this.jobs.all(userId),
      this.education.all(userId),
    ]);
    return { userId, projects, skills, jobs, education };
  }
}
