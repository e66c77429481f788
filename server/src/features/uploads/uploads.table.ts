import type { Generated } from 'kysely';

/**
 * Uploaded files: the bytes live in storage under `storage_key`; the original name is metadata only.
 * Written only by the uploads feature; others turn references into URLs through FileReferences.
 */
export interface UploadsTable {
  id: Generated<number>;
  /** null for anonymous uploads. */
  user_id: number | null;
  storage_key: string;
  original_name: string;
  mime: string;
  size: number;
  created_at: number;
  /** 1 once a verification record names it: served only through signed, expiring URLs. */
  private: Generated<number>;
}
