// The notebook renderer VS Code loads for AI Lab outputs (contributed as `aielab-renderer`).
// It draws each rich MIME type, redraws in place when the kernel updates an output, and offers to
// pin charts and metrics to the panel beside the code.
import type { ActivationFunction, OutputItem } from 'vscode-notebook-renderer';
import { MIME, RICH_MIMES, type RichMime } from '../../contracts/mime';
import { el } from '../components/dom';
import { render, type Rendered } from '../components/render';
import { ensureStyles } from '../components/styles';
import type { PinRequest } from '../../contracts/panelMessages';

const PINNABLE: ReadonlySet<string> = new Set([MIME.chart, MIME.metrics, MIME.confusion, MIME.progress]);

export const activate: ActivationFunction = (context) => {
  ensureStyles();
  const shown = new Map<string, { mime: string; view: Rendered }>();
  return {
    renderOutputItem(item: OutputItem, element: HTMLElement) {
      const existing = shown.get(item.id);
      let payload: unknown;
      try {
        payload = item.json();
      } catch (err) {
        element.replaceChildren(el('pre', undefined, `This ${item.mime} output is not valid JSON: ${String(err)}`));
        return;
      }
      if (existing && existing.mime === item.mime && element.firstElementChild) {
        existing.view.update(payload);
        return;
      }
      existing?.view.dispose();
      const mime = item.mime as RichMime;
      if (!RICH_MIMES.includes(mime)) return;
      const root = el('div', 'aielab');
      if (context.postMessage && PINNABLE.has(mime)) {
        const pin = el('button', 'aielab-button aielab-pin', 'Pin to panel');
        pin.title = 'Show this output in the Charts & Metrics panel beside the code, and keep its history across runs';
        pin.addEventListener('click', () => context.postMessage?.({ type: 'pin', outputId: item.id, mime } satisfies PinRequest));
        root.append(pin);
      }
      element.replaceChildren(root);
      shown.set(item.id, { mime, view: render(root, mime, payload) });
    },
    disposeOutputItem(id?: string) {
      for (const [key, entry] of shown) {
        if (id === undefined || key === id) {
          entry.view.dispose();
          shown.delete(key);
        }
      }
    },
  };
};
