import type { DemandKind, Settlement } from '../features/demands/demand.schemas.js';
import { kindCodes, settlementCodes } from '../features/demands/demand.table.js';
import { userTypeCodes } from '../features/user/user.table.js';

/**
 * The enumerations of the legacy contract (CONTRACT.md §4), each declared once for both
 * directions: the code and the label a client may send, and what it means in the typed API; a
 * typed value shows as its entry's label. Where one code stands for several typed values (`show`
 * 0 is "not approved": pending or rejected), the entry lists them all, so the filter and the label
 * cannot disagree.
 */
export interface LegacyEnum<T> {
  readonly entries: ReadonlyArray<LegacyEnumEntry<T>>;
  /** A code (`1`, `"2"`) or a label into its meaning; blank is "not given"; anything else is left for the schema to refuse. */
  decode(value: unknown): unknown;
  /** The label legacy clients compare a typed value against. */
  label(value: T): string;
  /** Every label, once: what the docs list for an enumerated output. */
  readonly labels: readonly string[];
}

export interface LegacyEnumEntry<T> {
  readonly code: number;
  readonly label: string;
  /** The typed value, or the typed values when the code stands for several. */
  readonly means: T | readonly T[];
}

function legacyEnum<T extends string | boolean>(entries: ReadonlyArray<LegacyEnumEntry<T>>): LegacyEnum<T> {
  const byCode = new Map(entries.map((entry) => [entry.code, entry.means]));
  const byLabel = new Map(entries.map((entry) => [entry.label, entry.means]));
  const labelOf = new Map<T, string>();
  for (const entry of entries) {
    const meanings: readonly T[] = Array.isArray(entry.means) ? entry.means : [entry.means as T];
    for (const meaning of meanings) labelOf.set(meaning, entry.label);
  }
  return {
    entries,
    labels: [...new Set(entries.map((entry) => entry.label))],
    label: (value) => labelOf.get(value) ?? '',
    decode(value) {
      if (value === undefined || value === null) return undefined;
      const text =
        typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
      if (text === undefined) return value;
      if (text === '') return undefined;
      if (/^-?\d{1,6}$/.test(text)) {
        const code = Number(text);
        if (byCode.has(code)) return byCode.get(code);
        // `0` where 0 is no code is how forms say "any" (`titletype=0`).
        return code === 0 ? undefined : value;
      }
      return byLabel.has(text) ? byLabel.get(text) : value;
    },
  };
}

/** A `0`/`1` field by its two labels. */
const yesNo = (no: string, yes: string) =>
  legacyEnum<boolean>([
    { code: 0, label: no, means: false },
    { code: 1, label: yes, means: true },
  ]);

/** Codes that are the stored ones, with their labels. */
function storedCodes<T extends string>(
  codes: Readonly<Record<T, number>>,
  labels: Readonly<Record<T, string>>,
) {
  return legacyEnum<T>(
    (Object.keys(codes) as T[]).map((value) => ({ code: codes[value], label: labels[value], means: value })),
  );
}

const userTypeLabels = { unknown: '未知', person: '个人用户', company: '企业用户' } as const;
export const userTypes = storedCodes(userTypeCodes, userTypeLabels);
/** What a phone registers as (`loginphone`'s `usertype`): 0 (未知) is no choice, so "not given". */
export const registrationTypes = legacyEnum([
  { code: userTypeCodes.person, label: userTypeLabels.person, means: 'person' },
  { code: userTypeCodes.company, label: userTypeLabels.company, means: 'company' },
] as const);
export const userStates = yesNo('未认证', '已认证');

export const demandKinds = storedCodes<DemandKind>(kindCodes, {
  partTime: '兼职',
  fullTime: '全职',
  other: '其它',
});
export const settlements = storedCodes<Settlement>(settlementCodes, {
  monthly: '月结',
  daily: '日结',
  other: '其它',
});
/** `show`: clients know two labels; a rejected demand shows as 未审核 (its `reason` beside it) and is found by 0. */
export const demandReview = legacyEnum([
  { code: 0, label: '未审核', means: ['pending', 'rejected'] as const },
  { code: 1, label: '已审核', means: ['approved'] as const },
]);
export const demandPaid = yesNo('未支付', '已经支付');
export const demandSettled = yesNo('未结算', '已结算');

/** `goods_order.state`: 锁定 once the employer selected the application. */
export const applicationSelected = yesNo('正常', '锁定');
export const applicationPaid = yesNo('未支付', '已支付');
export const applicationDelivered = yesNo('未完结', '已完结');

/** Verification `state`: like demands, a rejection shows as 未审核 with its `reason`. */
export const verificationState = legacyEnum([
  { code: 0, label: '未审核', means: ['pending', 'rejected'] as const },
  { code: 1, label: '通过', means: ['approved'] as const },
]);
export const accounting = legacyEnum([
  { code: 0, label: '独立核算', means: 'independent' },
  { code: 1, label: '非独立核算', means: 'nonIndependent' },
] as const);

/** `isbill` of recharges (invoice requested) and of invoice requests (issued). */
export const invoiced = yesNo('未开票', '已开票');
