import type { RouterOutputs } from '@marketplace/client-sdk';

type Records = RouterOutputs['account']['getMyVerifications'];
/** One record with its kind: a queue's item, or one of an account's three records. */
export type VerificationRecord =
  | { readonly kind: 'person'; readonly verification: NonNullable<Records['person']> }
  | { readonly kind: 'company'; readonly verification: NonNullable<Records['company']> }
  | {
      readonly kind: 'individualBusiness';
      readonly verification: NonNullable<Records['individualBusiness']>;
    };
