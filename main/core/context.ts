import type { PinnedBackbone } from '../../native/models';
import type { Identity } from '../arn';
import type { Db } from '../db';
import type { Credentials } from '../home';
import type { Engine } from '../engine/engine';
import type { EventBus } from './events';

/** Where downloadable backbones come from; every field has a default (tests point them at a local server). */
export interface BackboneDownloadOptions {
  /** The pinned backbones offered (default: native/models' DOWNLOADABLE_BACKBONES). */
  catalogue?: readonly PinnedBackbone[];
  /** A base URL serving the same files by name (default: LOUPE_BACKBONE_MIRROR, else each file's own URL). */
  mirror?: string;
  /** Give up when no byte arrives for this long (default 60 s). */
  idleTimeoutMs?: number;
}

/** What every handler gets: plain values and services, no transport and no Electron. */
export interface Context {
  db: Db;
  home: string;
  identity: Identity;
  credentials: Credentials;
  events: EventBus;
  /** Epoch milliseconds; tests may pin it. */
  now(): number;
  /** Versions of the runtime, shown by About (Electron adds its own). */
  versions: Record<string, string>;
  /** Set by the HTTP transport while it listens. */
  endpoint?: string;
  /** Training and analysis; absent where no compute engine is wired in. */
  engine?: Engine;
  /** Where the built-in backbones are (dist/models). */
  modelsDir: string;
  /** Downloadable backbones: catalogue, mirror and timeout when not the defaults. */
  backboneDownloads?: BackboneDownloadOptions;
}

/**
 * State a module keeps for each open Loupe (running jobs, watchers, models, downloads): made on
 * first use, and gone with the context.
 */
export function perContext<T>(create: () => T): (ctx: Context) => T {
  const states = new WeakMap<Context, T>();
  return (ctx) => {
    let state = states.get(ctx);
    if (state === undefined) {
      state = create();
      states.set(ctx, state);
    }
    return state;
  };
}
