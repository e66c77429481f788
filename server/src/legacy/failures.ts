import { AppError, type AppErrorCode, errorTable } from '../errors.js';
import { appCodeOf, type ValidationIssue, validationIssues } from '../trpc/init.js';
import { transportFailures } from './envelope.js';

export interface LegacyFailure {
  readonly status: 200 | 500 | 503;
  readonly err: string;
}

/**
 * Every outcome a procedure decides is HTTP 200 with a Chinese `err`; only an unreachable store
 * (503) or a bug (500) changes the status (CONTRACT.md §2).
 */
export function legacyFailure(
  error: unknown,
  labels: Readonly<Record<string, string>>,
  input: unknown,
): LegacyFailure {
  const appCode = appCodeOf(error);
  if (appCode === 'STORE_UNAVAILABLE') return { status: 503, err: transportFailures[503] };
  if (appCode === 'INTERNAL') return { status: 500, err: transportFailures[500] };
  const issue = validationIssues((error as { cause?: unknown }).cause)?.[0];
  if (issue) return { status: 200, err: describeIssue(issue, labels, input) };
  if (error instanceof AppError && error.fieldProblem) {
    const { field, problem, limit } = error.fieldProblem;
    return { status: 200, err: describeProblem(labels[field] ?? field, problem, limit) };
  }
  return { status: 200, err: errorTable[appCode].zh };
}

function describeIssue(
  issue: ValidationIssue,
  labels: Readonly<Record<string, string>>,
  input: unknown,
): string {
  // An issue inside a submitted list (e.g. `/user/user_person_ji/all`) is about one item's field;
  // legacy clients show which item, counting from 1: `第2条：技能描述不能为空`.
  const item = issue.path.findIndex((key) => typeof key === 'number');
  const prefix = item >= 0 ? `第${Number(issue.path[item]) + 1}条：` : '';
  const field = String((item >= 0 ? issue.path[item + 1] : undefined) ?? issue.path[0] ?? '');
  return prefix + describeFieldIssue(issue, labels[field] ?? '参数', input);
}

function describeFieldIssue(issue: ValidationIssue, label: string, input: unknown): string {
  const origin = (issue as { origin?: string }).origin;
  const value = valueAt(input, issue.path);
  // An empty or blank text, or an empty list, counts as not given, whatever length rule it broke.
  if (
    value === undefined ||
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
      // Typed amounts are fen (`priceFen`); legacy clients speak yuan.
      const shown = isFen(issue.path) ? minimum / 100 : minimum;
      const inclusive = (issue as { inclusive?: boolean }).inclusive !== false;
      return inclusive ? describeProblem(label, 'tooSmall', shown) : `${label}必须大于${shown}`;
    }
  }
  if (issue.code === 'too_big') {
    const maximum = Number(issue.maximum);
    if (origin === 'string') return describeProblem(label, 'tooLong', maximum);
    if (origin === 'number')
      return describeProblem(label, 'tooLarge', isFen(issue.path) ? maximum / 100 : maximum);
    if (origin === 'array') return describeProblem(label, 'tooMany', maximum);
  }
  return describeProblem(label, 'invalid');
}

const isFen = (path: ReadonlyArray<PropertyKey>) => String(path.at(-1)).endsWith('Fen');

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
