import { z } from 'zod';
import * as fields from '../../fields.js';
import type { ResumeTable } from './resume.repository.js';
import {
  educationFields,
  endNotBeforeBegin,
  jobFields,
  maxEntriesPerList,
  ownership,
  projectFields,
  skillFields,
} from './resume.schemas.js';

/**
 * The four resume lists differ only in their fields and where those are stored; everything else
 * (procedures, service, queries) is one generic implementation driven by this table.
 */

/** How one field of an entry is kept in its column. */
export interface ColumnCodec<Value> {
  readonly column: string;
  toStored(value: Value): string | number;
  fromStored(stored: unknown): Value;
  /**
   * What a stored value is, without the rules a new one must follow: the import brings in old
   * entries that break them (a score of 0, an empty school), and reading them must not fail.
   */
  readonly stored: z.ZodType<Value>;
}

const textColumn = (column: string): ColumnCodec<string> => ({
  column,
  toStored: (value) => value,
  fromStored: (stored) => String(stored ?? ''),
  stored: z.string(),
});

const integerColumn = (column: string): ColumnCodec<number> => ({
  column,
  toStored: (value) => value,
  fromStored: (stored) => Number(stored),
  stored: z.number().int(),
});

/** Times are stored as unix milliseconds (BIGINT), like every other time of the service. */
const timeColumn = (column: string): ColumnCodec<Date> => ({
  column,
  toStored: (value) => value.getTime(),
  fromStored: (stored) => new Date(Number(stored)),
  stored: z.date(),
});

/** An entry's fields as read: each column's stored shape. */
function storedFields<Item>(columns: ColumnsOf<Item>): { [Field in keyof Item]-?: z.ZodType<Item[Field]> } {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, codec] of Object.entries(columns) as [string, ColumnCodec<unknown>][]) {
    shape[field] = codec.stored;
  }
  return shape as { [Field in keyof Item]-?: z.ZodType<Item[Field]> };
}

export type ItemOf<Shape extends z.ZodRawShape> = z.output<z.ZodObject<Shape>>;

/** A stored entry: the item's fields plus its id and owner. */
export type Entry<Item> = Item & { id: number; userId: number };

export type ColumnsOf<Item> = { readonly [Field in keyof Item]-?: ColumnCodec<Item[Field]> };

/** What the repository needs to know about a list. */
export interface ResumeListStorage<Item> {
  readonly table: ResumeTable;
  readonly columns: ColumnsOf<Item>;
}

/** An entry's fields as an edit sends them: each may be left out, and is then kept as stored. */
type Changes<Shape extends z.ZodRawShape> = {
  [Field in keyof Shape]: z.ZodOptional<
    Shape[Field] extends z.ZodDefault<infer Inner> ? Inner : Shape[Field]
  >;
};

function changesOf<Shape extends z.ZodRawShape>(shape: Shape): Changes<Shape> {
  const changes: Record<string, z.ZodType> = {};
  // Without its default: zod fills a default in even inside optional, which would store it.
  for (const [field, schema] of Object.entries(shape)) {
    changes[field] = z.optional(schema instanceof z.ZodDefault ? schema.unwrap() : schema);
  }
  return changes as Changes<Shape>;
}

function defineList<Shape extends z.ZodRawShape>(definition: {
  table: ResumeTable;
  fields: Shape;
  /** Entries with a begin and an end, which must not come before the begin. */
  period: boolean;
  columns: ColumnsOf<ItemOf<Shape>>;
}) {
  const rules = <Schema extends z.ZodType<object>>(schema: Schema) =>
    definition.period ? endNotBeforeBegin(schema) : schema;
  const item = rules(z.object(definition.fields));
  return {
    table: definition.table,
    columns: definition.columns,
    /** The codes the list's period check adds to its writes. */
    periodErrors: definition.period ? (['END_BEFORE_BEGIN'] as const) : ([] as const),
    item,
    entry: z.object({ ...ownership, ...storedFields(definition.columns) }),
    // A period sent whole is checked here, as `add` checks it; one half of it, once merged with
    // the stored entry (ResumeListService.update).
    update: rules(z.object({ id: fields.id, ...changesOf(definition.fields) })),
    replaceAll: z.object({ items: z.array(item).max(maxEntriesPerList) }),
  };
}

export const resumeLists = {
  projects: defineList({
    table: 'resume_projects',
    fields: projectFields,
    period: false,
    columns: {
      name: textColumn('name'),
      type: textColumn('type'),
      link: textColumn('link'),
      keyFeatures: textColumn('key_features'),
      description: textColumn('description'),
      responsibilities: textColumn('responsibilities'),
    },
  }),
  skills: defineList({
    table: 'resume_skills',
    fields: skillFields,
    period: false,
    columns: { name: textColumn('name'), score: integerColumn('score') },
  }),
  jobs: defineList({
    table: 'resume_jobs',
    fields: jobFields,
    period: true,
    columns: {
      begin: timeColumn('begin_at'),
      end: timeColumn('end_at'),
      company: textColumn('company'),
      title: textColumn('title'),
      description: textColumn('description'),
    },
  }),
  education: defineList({
    table: 'resume_education',
    fields: educationFields,
    period: true,
    columns: {
      begin: timeColumn('begin_at'),
      end: timeColumn('end_at'),
      school: textColumn('school'),
      major: textColumn('major'),
      degree: textColumn('degree'),
      description: textColumn('description'),
    },
  }),
};

export type ProjectItem = ItemOf<typeof projectFields>;
export type SkillItem = ItemOf<typeof skillFields>;
export type JobItem = ItemOf<typeof jobFields>;
export type EducationItem = ItemOf<typeof educationFields>;
