/**
 * The whole first schema: every resource the service has, plus the app's own (jobs, watched
 * folders, bucket mappings, settings). Times are epoch milliseconds (`*_ms`); boxes are in pixels
 * of the correctly oriented original image, as manifests carry them.
 */
import type Database from 'better-sqlite3';

export function migrateTo0001(db: Database.Database): void {
  db.exec(`
    CREATE TABLE projects (
      id          INTEGER PRIMARY KEY,
      name        TEXT    NOT NULL UNIQUE,
      arn         TEXT    NOT NULL UNIQUE,
      created_ms  INTEGER NOT NULL,
      status      TEXT    NOT NULL CHECK (status IN ('CREATING', 'CREATED', 'DELETING')),
      feature     TEXT    NOT NULL DEFAULT 'CUSTOM_LABELS',
      auto_update TEXT
    ) STRICT;

    CREATE TABLE datasets (
      id                  INTEGER PRIMARY KEY,
      project_id          INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      type                TEXT    NOT NULL CHECK (type IN ('TRAIN', 'TEST')),
      arn                 TEXT    NOT NULL UNIQUE,
      created_ms          INTEGER NOT NULL,
      updated_ms          INTEGER NOT NULL,
      status              TEXT    NOT NULL,
      status_message      TEXT    NOT NULL DEFAULT '',
      status_message_code TEXT    NOT NULL DEFAULT 'SUCCESS'
                                  CHECK (status_message_code IN ('SUCCESS', 'SERVICE_ERROR', 'CLIENT_ERROR')),
      UNIQUE (project_id, type)
    ) STRICT;

    -- Labels declared in a dataset (TotalLabels counts these, used or not).
    CREATE TABLE labels (
      id         INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      name       TEXT    NOT NULL,
      created_ms INTEGER NOT NULL,
      UNIQUE (dataset_id, name)
    ) STRICT;

    -- One image of a dataset, keyed by source-ref as the service keys JSON lines.
    CREATE TABLE entries (
      id           INTEGER PRIMARY KEY,
      dataset_id   INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      source_ref   TEXT    NOT NULL,
      path         TEXT,
      content_hash TEXT,
      size_bytes   INTEGER,
      width        INTEGER,
      height       INTEGER,
      depth        INTEGER,
      format       TEXT,
      -- Attributes of the original JSON line Loupe does not model, kept for faithful export.
      extra_json   TEXT,
      created_ms   INTEGER NOT NULL,
      updated_ms   INTEGER NOT NULL,
      -- Bumped on every change, so an editor can refuse to overwrite a newer entry.
      revision     INTEGER NOT NULL DEFAULT 1,
      UNIQUE (dataset_id, source_ref)
    ) STRICT;
    CREATE INDEX entries_by_hash ON entries (content_hash);

    -- Image-level labels, with the Ground Truth metadata each carries.
    CREATE TABLE entry_labels (
      entry_id        INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
      label_id        INTEGER NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
      attribute       TEXT    NOT NULL,
      confidence      REAL,
      human_annotated TEXT CHECK (human_annotated IN ('yes', 'no')),
      creation_date   TEXT,
      job_name        TEXT,
      PRIMARY KEY (entry_id, label_id)
    ) STRICT;
    CREATE INDEX entry_labels_by_label ON entry_labels (label_id);

    -- Bounding boxes in pixels of the oriented original image.
    CREATE TABLE boxes (
      id              INTEGER PRIMARY KEY,
      entry_id        INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
      label_id        INTEGER NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
      ordinal         INTEGER NOT NULL,
      left_px         REAL    NOT NULL,
      top_px          REAL    NOT NULL,
      width_px        REAL    NOT NULL,
      height_px       REAL    NOT NULL,
      confidence      REAL,
      attribute       TEXT    NOT NULL,
      human_annotated TEXT CHECK (human_annotated IN ('yes', 'no')),
      creation_date   TEXT,
      job_name        TEXT
    ) STRICT;
    CREATE INDEX boxes_by_entry ON boxes (entry_id, ordinal);
    CREATE INDEX boxes_by_label ON boxes (label_id);

    -- Validation errors of an entry, at the level the guide reports them.
    CREATE TABLE entry_errors (
      id               INTEGER PRIMARY KEY,
      entry_id         INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
      level            TEXT    NOT NULL CHECK (level IN ('image', 'label_attribute', 'metadata', 'annotation')),
      attribute        TEXT,
      annotation_index INTEGER,
      code             TEXT    NOT NULL,
      message          TEXT    NOT NULL
    ) STRICT;
    CREATE INDEX entry_errors_by_entry ON entry_errors (entry_id);

    CREATE TABLE project_versions (
      id                      INTEGER PRIMARY KEY,
      project_id              INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      name                    TEXT    NOT NULL,
      arn                     TEXT    NOT NULL UNIQUE,
      created_ms              INTEGER NOT NULL,
      status                  TEXT    NOT NULL,
      status_message          TEXT    NOT NULL DEFAULT '',
      description             TEXT,
      output_bucket           TEXT,
      output_prefix           TEXT,
      kms_key_id              TEXT,
      training_end_ms         INTEGER,
      billable_training_ms    INTEGER,
      min_inference_units     INTEGER,
      max_inference_units     INTEGER,
      execution_provider      TEXT,
      model_path              TEXT,
      -- What it was trained and tested on (image hashes + labels) and the manifest summary.
      snapshot_json           TEXT,
      manifest_summary_json   TEXT,
      source_version_arn      TEXT,
      UNIQUE (project_id, name)
    ) STRICT;

    CREATE TABLE evaluations (
      version_id      INTEGER PRIMARY KEY REFERENCES project_versions (id) ON DELETE CASCADE,
      f1_score        REAL,
      summary_path    TEXT,
      manifest_path   TEXT,
      summary_json    TEXT,
      created_ms      INTEGER NOT NULL
    ) STRICT;

    -- Tags of any resource, by ARN (projects, datasets and versions alike).
    CREATE TABLE tags (
      resource_arn TEXT NOT NULL,
      key          TEXT NOT NULL,
      value        TEXT NOT NULL,
      PRIMARY KEY (resource_arn, key)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE project_policies (
      id          INTEGER PRIMARY KEY,
      project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      name        TEXT    NOT NULL,
      document    TEXT    NOT NULL,
      revision_id TEXT    NOT NULL,
      created_ms  INTEGER NOT NULL,
      updated_ms  INTEGER NOT NULL,
      UNIQUE (project_id, name)
    ) STRICT;

    -- Long jobs (imports, training, batch analysis), so a restart can finish or fail them.
    CREATE TABLE jobs (
      id           INTEGER PRIMARY KEY,
      kind         TEXT    NOT NULL,
      resource_arn TEXT,
      status       TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      phase        TEXT,
      progress     REAL    NOT NULL DEFAULT 0,
      message      TEXT,
      input_json   TEXT,
      created_ms   INTEGER NOT NULL,
      updated_ms   INTEGER NOT NULL,
      finished_ms  INTEGER
    ) STRICT;
    CREATE INDEX jobs_by_status ON jobs (status);

    CREATE TABLE watched_folders (
      id         INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      folder     TEXT    NOT NULL,
      auto_label INTEGER NOT NULL CHECK (auto_label IN (0, 1)),
      created_ms INTEGER NOT NULL,
      UNIQUE (dataset_id, folder)
    ) STRICT;

    -- s3://bucket/key → <folder>/key
    CREATE TABLE bucket_mappings (
      bucket     TEXT    PRIMARY KEY,
      folder     TEXT    NOT NULL,
      created_ms INTEGER NOT NULL
    ) STRICT;

    -- When a model version was running and with how many inference units.
    CREATE TABLE usage_intervals (
      id              INTEGER PRIMARY KEY,
      version_id      INTEGER NOT NULL REFERENCES project_versions (id) ON DELETE CASCADE,
      start_ms        INTEGER NOT NULL,
      end_ms          INTEGER,
      inference_units INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX usage_intervals_by_version ON usage_intervals (version_id, start_ms);

    CREATE TABLE settings (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
  `);
}
