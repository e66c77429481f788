import {
  insertEntriesKeepingIds,
  type ResumeTable,
  type StoredColumns,
} from '../../features/resume/resume.repository.js';
import type { LegacyTable } from '../layout.js';
import type { OldRow } from '../source.js';
import {
  alreadyThere,
  type ImportContext,
  type ImportStep,
  idsOf,
  insertSlices,
  planOf,
  requireUser,
  sortRows,
} from '../step.js';
import * as v from '../values.js';

/*
 * The resume lists (user_person_ji, _des, _job, _edu), each row with its old id and owner, written
 * by the resume feature's `insertEntriesKeepingIds` a slice at a time.
 */

interface ResumeList {
  readonly name: LegacyTable;
  readonly target: ResumeTable;
  /** The new row's own columns (without id, owner and times); `note` says what was changed on the way. */
  columns(row: OldRow, note: (text: string) => void): StoredColumns;
}

function resumeStep(ctx: ImportContext, list: ResumeList): ImportStep {
  return {
    name: list.name,
    table: list.name,
    async plan(rows, tally) {
      const found = await ctx.db
        .selectFrom(list.target)
        .select(['id', 'user_id'])
        .where('id', 'in', idsOf(rows))
        .execute();
      const ownerOf = new Map(found.map((row) => [row.id, row.user_id]));
      const sorted = sortRows(rows, (row, id) => {
        const userId = v.int(row, 'user_id');
        const owner = ownerOf.get(id);
        requireUser(ctx, userId, owner);
        if (owner !== undefined) {
          return owner === userId
            ? alreadyThere
            : v.refuse(`id ${id} is taken by another user's row in the new database`);
        }
        const columns = list.columns(row, (text) => tally.note(text, id));
        return { ...columns, id, user_id: userId, created_at: ctx.now, updated_at: ctx.now };
      });
      return planOf(sorted, sorted.accepted.length, async (tx) => {
        for (const slice of insertSlices(sorted.accepted))
          await insertEntriesKeepingIds(tx, list.target, slice);
      });
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
  });

export const projectsStep = (ctx: ImportContext) =>
  resumeStep(ctx, {
    name: 'user_person_des',
    target: 'resume_projects',
    columns: (row, note) => {
      let link = v.text(row, 'link', 255);
      // A `javascript:` or `data:` link would run where a client shows the project's link; the
      // project is worth keeping without it. Other text stays: the user is asked for an http(s)
      // address when editing the project.
      if (!v.isWebAddress(link)) {
        link = '';
        note('link is no web address (javascript:, data:...): dropped');
      }
      return {
        name: v.text(row, 'name', 100),
        type: v.text(row, 'type', 100),
        link,
        key_features: v.longText(row, 'key'),
        description: v.longText(row, 'des'),
        responsibilities: v.longText(row, 'z'),
      };
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
  });
