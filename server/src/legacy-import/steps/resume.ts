import type { Insertable } from 'kysely';
import type { Tx } from '../../db/database.js';
import type {
  ResumeEducationTable,
  ResumeJobsTable,
  ResumeProjectsTable,
  ResumeSkillsTable,
} from '../../features/resume/resume.table.js';
import type { LegacyTable } from '../layout.js';
import type { OldRow } from '../source.js';
import {
  alreadyThere,
  type ImportContext,
  type ImportStep,
  idsOf,
  insertSlices,
  planOf,
  sortRows,
} from '../step.js';
import * as v from '../values.js';

/*
 * The resume lists (user_person_ji, _des, _job, _edu), each row with its old id and owner. Bulk
 * inserts rather than the resume feature's per-row `add`: the lists are the largest tables of a
 * person's profile, and the old ids are kept.
 */

type ResumeTable = 'resume_skills' | 'resume_projects' | 'resume_jobs' | 'resume_education';

interface ResumeList<R> {
  readonly name: LegacyTable;
  readonly target: ResumeTable;
  /** The new row's own columns (without id, owner and times). */
  columns(row: OldRow): R;
  insert(tx: Tx, rows: ReadonlyArray<R & Owned>): Promise<void>;
}

interface Owned {
  id: number;
  user_id: number;
  created_at: number;
  updated_at: number;
}

function resumeStep<R>(ctx: ImportContext, list: ResumeList<R>): ImportStep {
  return {
    name: list.name,
    table: list.name,
    async plan(rows) {
      const found = await ctx.db
        .selectFrom(list.target)
        .select(['id', 'user_id'])
        .where('id', 'in', idsOf(rows))
        .execute();
      const ownerOf = new Map(found.map((row) => [row.id, row.user_id]));
      const sorted = sortRows(rows, (row, id) => {
        const userId = v.int(row, 'user_id');
        if (!ctx.present.users.has(userId)) v.refuse(`user ${userId} was not imported`);
        const owner = ownerOf.get(id);
        if (owner !== undefined) {
          return owner === userId
            ? alreadyThere
            : v.refuse(`id ${id} is taken by another user's row in the new database`);
        }
        return { ...list.columns(row), id, user_id: userId, created_at: ctx.now, updated_at: ctx.now };
      });
      return planOf(sorted, sorted.accepted.length, (tx) => list.insert(tx, sorted.accepted));
    },
  };
}

export const skillsStep = (ctx: ImportContext) =>
  resumeStep(ctx, {
    name: 'user_person_ji',
    target: 'resume_skills',
    columns: (row) => {
      const score = v.int(row, 'fen');
      if (score < -32_768 || score > 32_767) v.refuse(`fen is out of range: ${score}`);
      return { name: v.text(row, 'name', 100), score };
    },
    async insert(tx, rows: ReadonlyArray<Insertable<ResumeSkillsTable>>) {
      for (const slice of insertSlices(rows)) await tx.insertInto('resume_skills').values(slice).execute();
    },
  });

export const projectsStep = (ctx: ImportContext) =>
  resumeStep(ctx, {
    name: 'user_person_des',
    target: 'resume_projects',
    columns: (row) => ({
      name: v.text(row, 'name', 100),
      type: v.text(row, 'type', 100),
      link: v.text(row, 'link', 255),
      key_features: v.longText(row, 'key'),
      description: v.longText(row, 'des'),
      responsibilities: v.longText(row, 'z'),
    }),
    async insert(tx, rows: ReadonlyArray<Insertable<ResumeProjectsTable>>) {
      for (const slice of insertSlices(rows)) await tx.insertInto('resume_projects').values(slice).execute();
    },
  });

export const jobsStep = (ctx: ImportContext) =>
  resumeStep(ctx, {
    name: 'user_person_job',
    target: 'resume_jobs',
    columns: (row) => ({
      begin_at: v.unixMs(row, 'begin'),
      end_at: v.unixMs(row, 'end'),
      company: v.text(row, 'company', 100),
      title: v.text(row, 'job', 100),
      description: v.longText(row, 'des'),
    }),
    async insert(tx, rows: ReadonlyArray<Insertable<ResumeJobsTable>>) {
      for (const slice of insertSlices(rows)) await tx.insertInto('resume_jobs').values(slice).execute();
    },
  });

export const educationStep = (ctx: ImportContext) =>
  resumeStep(ctx, {
    name: 'user_person_edu',
    target: 'resume_education',
    columns: (row) => ({
      begin_at: v.unixMs(row, 'begin'),
      end_at: v.unixMs(row, 'end'),
      school: v.text(row, 'school', 100),
      major: v.text(row, 'job', 100),
      degree: v.text(row, 'li', 100),
      description: v.longText(row, 'des'),
    }),
    async insert(tx, rows: ReadonlyArray<Insertable<ResumeEducationTable>>) {
      for (const slice of insertSlices(rows)) await tx.insertInto('resume_education').values(slice).execute();
    },
  });
