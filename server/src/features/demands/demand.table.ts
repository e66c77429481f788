import type { Generated } from 'kysely';
import type { DemandKind, Settlement } from './demand.schemas.js';

/**
 * A demand (需求, legacy `goods`). Money in fen, times unix ms. The demands feature writes it;
 * money changes the escrow columns (paid, escrow_fen, settled) through demand-escrow.ts.
 */
export interface DemandsTable {
  id: Generated<number>;
  owner_id: number;
  order_no: string;
  title: string;
  /** kindCodes */
  kind: number;
  price_fen: number;
  /** settlementCodes */
  settlement: number;
  address: string;
  work_start: number;
  work_end: number;
  category: string;
  description: string;
  /** reviewCodes (review-states.ts, shared with the verifications) */
  review_state: number;
  review_reason: string;
  /** 1 once the price is in escrow. */
  paid: number;
  /** 1 once every selected application is paid and escrow's rest went back to the owner. */
  settled: number;
  /** What is left in escrow after payouts; back to the owner on settlement. */
  escrow_fen: Generated<number>;
  created_at: number;
  updated_at: number;
  /** The title's characters and pairs as search tokens (features/demands/title-search.ts). */
  title_grams: Generated<string>;
}

/** How the enumerations are stored (and numbered in the legacy API). */
export const kindCodes: Record<DemandKind, number> = { partTime: 1, fullTime: 2, other: 3 };
export const settlementCodes: Record<Settlement, number> = { monthly: 1, daily: 2, other: 3 };

const byCode = <T extends string>(codes: Record<T, number>) =>
  Object.fromEntries(Object.entries(codes).map(([name, code]) => [code, name])) as Record<number, T>;
const kindByCode = byCode<DemandKind>(kindCodes);
const settlementByCode = byCode<Settlement>(settlementCodes);
/** What a stored code stands for; a code no table knows reads as `other`. */
export const kindOfCode = (code: number): DemandKind => kindByCode[code] ?? 'other';
export const settlementOfCode = (code: number): Settlement => settlementByCode[code] ?? 'other';

export interface DemandFilesTable {
  id: Generated<number>;
  demand_id: number;
  url: string;
  created_at: number;
}

/**
 * Demands per review state and kind. Written only by the triggers on `demands` (migration
 * 20261201000000), so it is exact in every transaction; the code only reads it
 * (features/demands/demand-counts.ts).
 */
export interface DemandCountsTable {
  review_state: number;
  kind: number;
  n: number;
}

/** The same counts per block of 1024 demand ids (`bucket` = id div 1024), kept by the same triggers. */
export interface DemandCountBucketsTable {
  review_state: number;
  kind: number;
  bucket: number;
  n: number;
}
