/**
 * A job's closing message by code and parameters beside its English text (preload/contract/messages.ts),
 * so the UI can word an import's summary or failure in the user's language.
 */
import type Database from 'better-sqlite3';

export function migrateTo0004(db: Database.Database): void {
  db.exec(`
    ALTER TABLE jobs ADD COLUMN message_code TEXT;
    ALTER TABLE jobs ADD COLUMN message_params_json TEXT;
  `);
}
