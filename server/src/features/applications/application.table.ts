import type { Generated } from 'kysely';

/**
 * An application to a demand (legacy `goods_order`). File fields hold comma-joined upload URLs;
 * flags are 0/1. Written only through application.repository.ts: the money feature marks
 * applications paid and allocates shares through it, the demands feature deletes a demand's.
 */
export interface ApplicationsTable {
  id: Generated<number>;
  demand_id: number;
  applicant_id: number;
  message: string;
  files: string;
  selected: number;
  delivered: number;
  delivery_preview: string;
  delivery_source: string;
  paid: number;
  /** The selected application's share of the demand's price (legacy `goods_order.price`). */
  allocated_fen: Generated<number>;
  paid_fen: number;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
}
