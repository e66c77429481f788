import { AppError, errorTable } from '../errors.js';
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
  const field = String(issue.path[0] ?? '');
  const label = labels[field] ?? '参数';
  const origin = (issue as { origin?: string }).origin;
  if (valueAt(input, issue.path) === undefined) return describeProblem(label, 'missing');
  if (issue.code === 'too_small') {
    const minimum = Number(issue.minimum);
    if (origin === 'string')
      return minimum <= 1 ? describeProblem(label, 'missing') : describeProblem(label, 'tooShort', minimum);
    if (origin === 'number') return describeProblem(label, 'tooSmall', minimum);
  }
  if (issue.code === 'too_big') {
    const maximum = Number(issue.maximum);
    if (origin === 'string') return describeProblem(label, 'tooLong', maximum);
    if (origin === 'number') return describeProblem(label, 'tooLarge', maximum);
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
