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
  /**
   * 1 once a public record (demand or application files, a delivery, an avatar) names it: it is
   * never made private then, since the record shows it to everyone; a verification record naming it
   * gets a private copy instead. A private upload is never shown.
   */
  shown: Generated<number>;
}

/**
 * A file URL an imported row of the old backend named (legacy-files.ts): `copied_to` is the URL of
 * its copy in storage, null when the old URL was kept as it was (external). `user_id` owns the row
 * that named it first.
 */
export interface LegacyFilesTable {
  url_hash: string;
  url: string;
  user_id: number | null;
  copied_to: string | null;
  created_at: number;
}
