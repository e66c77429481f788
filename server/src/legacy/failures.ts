import {
  type AppErrorCode,
  errorTable,
  httpStatusOf,
  toAppError,
  type ValidationIssue,
  validationIssues,
} from '../errors.js';
import { kinds, type LegacyFields } from './fields.js';

export interface LegacyFailure {
  readonly status: number;
  readonly err: string;
}

/**
 * Every outcome a procedure decides is HTTP 200 with a Chinese `err`; failures around the
 * procedures (a body that cannot be read, a store that is down, a bug) keep their HTTP status
 * (CONTRACT.md §2). Validation messages name the field by its Chinese label.
 */
export function legacyFailure(error: unknown, fields: LegacyFields = {}, input: unknown = {}): LegacyFailure {
  const appError = toAppError(error);
  const definition = errorTable[appError.appCode];
  if ('transport' in definition) return { status: httpStatusOf(appError), err: definition.zh };
  const issue = validationIssues(appError)?.[0];
  if (issue) return { status: 200, err: describeIssue(issue, fields, input) };
  if (appError.fieldProblem) {
    const { field, problem, limit } = appError.fieldProblem;
    return { status: 200, err: describeProblem(labelOf(fields, [field]) ?? field, problem, limit) };
  }
  return { status: 200, err: definition.zh };
}

/** The label of the typed field at `path` (`['partners', 1, 'idNumber']` is a partner's ID number). */
function labelOf(fields: LegacyFields, path: ReadonlyArray<PropertyKey>): string | undefined {
  const [to, index, inner] = path;
  const field = Object.values(fields).find((f) => f.to === to);
  if (typeof index === 'number' && inner !== undefined && field?.kind.items) {
    return labelOf(field.kind.items, [inner]) ?? field.label;
  }
  return field?.label;
}

function describeIssue(issue: ValidationIssue, fields: LegacyFields, input: unknown): string {
  // An issue inside a submitted list (e.g. `/user/user_person_ji/all`) is about one item's field;
  // legacy clients show which item, counting from 1: `第2条：技能描述不能为空`.
  const item = issue.path.findIndex((key) => typeof key === 'number');
  const label = labelOf(fields, issue.path) ?? '参数';
  const unit = unitOf(fields, issue.path);
  // A period (`jtime`: from, to) is one field whose two ends are named, not a list of items.
  if (item >= 0 && Object.values(fields).find((f) => f.to === issue.path[0])?.kind === kinds.dates) {
    const end = issue.path[item] === 0 ? '（开始）' : '（结束）';
    return describeFieldIssue(issue, label + end, input, unit);
  }
  const prefix = item >= 0 ? `第${Number(issue.path[item]) + 1}条：` : '';
  return prefix + describeFieldIssue(issue, label, input, unit);
}

/**
 * How many of the typed amount make one of what the client typed: typed amounts are fen
 * (`priceFen`), legacy clients speak yuan, and 万元 for the registered capital (`zhiben`).
 */
function unitOf(fields: LegacyFields, path: ReadonlyArray<PropertyKey>): number {
  const field = Object.values(fields).find((f) => f.to === path[0]);
  if (field?.kind.name === 'wanYuan') return 1_000_000;
  return String(path.at(-1)).endsWith('Fen') ? 100 : 1;
}

function describeFieldIssue(issue: ValidationIssue, label: string, input: unknown, unit: number): string {
  const origin = (issue as { origin?: string }).origin;
  const value = valueAt(input, issue.path);
  // An empty or blank text, or an empty list, counts as not given, whatever length rule it broke.
  if (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && !value.length)
  ) {
    return describeProblem(label, 'missing');
  }
  // A refinement may name its error code (e.g. END_BEFORE_BEGIN); its Chinese message says it best.
  const appCode = (issue as { params?: { appCode?: unknown } }).params?.appCode;
  if (issue.code === 'custom' && typeof appCode === 'string' && appCode in errorTable) {
    return errorTable[appCode as AppErrorCode].zh;
  }
  if (issue.code === 'too_small') {
    const minimum = Number(issue.minimum);
    if (origin === 'string')
      return minimum <= 1 ? describeProblem(label, 'missing') : describeProblem(label, 'tooShort', minimum);
    if (origin === 'number') {
      const shown = minimum / unit;
      const inclusive = (issue as { inclusive?: boolean }).inclusive !== false;
      return inclusive ? describeProblem(label, 'tooSmall', shown) : `${label}必须大于${shown}`;
    }
  }
  if (issue.code === 'too_big') {
    const maximum = Number(issue.maximum);
    if (origin === 'string') return describeProblem(label, 'tooLong', maximum);
    if (origin === 'number') return describeProblem(label, 'tooLarge', maximum / unit);
    if (origin === 'array') return describeProblem(label, 'tooMany', maximum);
  }
  return describeProblem(label, 'invalid');
}

function describeProblem(label: string, problem: string, limit?: number): string {
  switch (problem) {
    case 'missing':
      return `${label}不能为空`;
    case 'tooShort':
      return `${label}不能少于${limit}个字符`;
    case 'tooLong':
      return `${label}不能超过${limit}个字符`;
    case 'tooSmall':
      return `${label}不能小于${limit}`;
    case 'tooLarge':
      return `${label}不能大于${limit}`;
    case 'tooMany':
      return `${label}不能超过${limit}条`;
    default:
      return `${label}格式错误`;
  }
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
