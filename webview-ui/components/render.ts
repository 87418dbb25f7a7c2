// One entry point for every rich payload, used by the notebook renderer and by the panels.
import {
  MIME,
  type ChartPayload,
  type CheckPayload,
  type ConfusionPayload,
  type MetricsPayload,
  type ProgressPayload,
  type RichMime,
  type TablePayload,
} from '../../contracts/mime';
import { ChartView } from './chart';
import { renderCheck } from './check';
import { el } from './dom';
import { renderConfusion, renderMetrics } from './metrics';
import { ProgressView } from './progress';
import { TableView } from './table';

export interface Rendered {
  update(payload: unknown): void;
  dispose(): void;
}

export function render(root: HTMLElement, mime: RichMime, payload: unknown): Rendered {
  switch (mime) {
    case MIME.table: {
      const view = new TableView(root, payload as TablePayload);
      return { update: (p) => view.update(p as TablePayload), dispose: () => undefined };
    }
    case MIME.chart: {
      const view = new ChartView(root, payload as ChartPayload);
      return { update: (p) => view.update(p as ChartPayload), dispose: () => view.dispose() };
    }
    case MIME.progress: {
      const view = new ProgressView(root, payload as ProgressPayload);
      return { update: (p) => view.update(p as ProgressPayload), dispose: () => view.dispose() };
    }
    case MIME.metrics:
      return staticView(root, (target, p) => renderMetrics(target, p as MetricsPayload), payload);
    case MIME.confusion:
      return staticView(root, (target, p) => renderConfusion(target, p as ConfusionPayload), payload);
    case MIME.check:
      return staticView(root, (target, p) => renderCheck(target, p as CheckPayload), payload);
  }
}

/** Outputs without moving parts are simply drawn again when they change. */
function staticView(root: HTMLElement, draw: (target: HTMLElement, payload: unknown) => void, payload: unknown): Rendered {
  const target = el('div');
  root.append(target);
  draw(target, payload);
  return {
    update: (next) => {
      target.replaceChildren();
      draw(target, next);
    },
    dispose: () => undefined,
  };
}
