// Where MLFLOW_TRACKING_URI (or a --store option) points: an MLflow server's address, a file: URI
// or a folder; mlruns/ in the current folder when unset. One answer for track and `aielab runs`.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelRegistry, TrackingStore } from './backend';
import { Registry } from './registry';
import { RestRegistry } from './restRegistry';
import { RestStore } from './restStore';
import { FileStore } from './store';

export interface Tracking {
  store: TrackingStore;
  registry: ModelRegistry;
}

/** The root `openTracking` would use: a server's address without a trailing slash, or an absolute folder. */
export function trackingRoot(uri: string | undefined): string {
  if (uri && /^https?:\/\//i.test(uri)) return uri.replace(/\/+$/, '');
  return resolve(uri ? (uri.startsWith('file:') ? fileURLToPath(uri) : uri) : 'mlruns');
}

export function openTracking(uri: string | undefined): Tracking {
  const root = trackingRoot(uri);
  if (/^https?:/.test(root)) {
    const store = new RestStore(root);
    return { store, registry: new RestRegistry(store) };
  }
  const store = new FileStore(root);
  return { store, registry: new Registry(store) };
}
