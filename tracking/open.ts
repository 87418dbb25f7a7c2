// Where MLFLOW_TRACKING_URI (or a --store option) points: an MLflow server's address, a file: URI
// or a folder; mlruns/ in the current folder when unset. One answer for track and `aielab runs`.
import type { ModelRegistry, TrackingStore } from './backend';
import { Registry } from './registry';
import { RestRegistry } from './restRegistry';
import { RestStore } from './restStore';
import { FileStore } from './store';
import { trackingRoot } from './trackingUri';

export { trackingRoot } from './trackingUri';

export interface Tracking {
  store: TrackingStore;
  registry: ModelRegistry;
}

export function openTracking(uri: string | undefined): Tracking {
  const root = trackingRoot(uri);
  // trackingRoot spells a server's scheme in lower case and refuses every other scheme.
  if (/^https?:/.test(root)) {
    const store = new RestStore(root);
    return { store, registry: new RestRegistry(store) };
  }
  const store = new FileStore(root);
  return { store, registry: new Registry(store) };
}
