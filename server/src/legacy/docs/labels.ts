import { accountingLabels, stateLabels } from '../codecs/account.js';
import {
  applicationPaidLabel,
  deliveredLabel,
  demandKindLabels,
  demandPaidLabel,
  reviewLabels,
  selectedLabel,
  settledLabel,
  settlementLabels,
  userStateLabel,
  userTypeLabels,
} from '../codecs/labels.js';
import { invoicedLabel } from '../codecs/money.js';

/*
 * The enumerated outputs of each legacy entity, taken from the codecs themselves (never retyped),
 * and where they sit in a route's `data`.
 */

type LabelSet = Readonly<Record<string, readonly string[]>>;

const distinct = (labels: Iterable<string>) => [...new Set(labels)];
const yesNo = (label: (value: boolean) => string) => [label(false), label(true)];

export const userOutputLabels: LabelSet = {
  usertype: distinct(Object.values(userTypeLabels)),
  userstate: yesNo(userStateLabel),
};

export const demandOutputLabels: LabelSet = {
  titletype: distinct(Object.values(demandKindLabels)),
  pricetype: distinct(Object.values(settlementLabels)),
  show: distinct(Object.values(reviewLabels)),
  pay: yesNo(demandPaidLabel),
  suan: yesNo(settledLabel),
};

export const applicationOutputLabels: LabelSet = {
  pay: yesNo(applicationPaidLabel),
  state: yesNo(selectedLabel),
  ok: yesNo(deliveredLabel),
};

export const verificationOutputLabels: LabelSet = { state: distinct(Object.values(stateLabels)) };

/** `hesuan` is empty while the business has not said how it accounts. */
export const individualBusinessOutputLabels: LabelSet = {
  ...verificationOutputLabels,
  hesuan: [...distinct(Object.values(accountingLabels)), ''],
};

export const billingOutputLabels: LabelSet = { isbill: yesNo(invoicedLabel) };

/** A label set placed under a path of `data`: `at('data[]', demandOutputLabels)`. */
export function at(prefix: string, set: LabelSet): LabelSet {
  return Object.fromEntries(
    Object.entries(set).map(([key, labels]) => [prefix ? `${prefix}.${key}` : key, labels]),
  );
}
