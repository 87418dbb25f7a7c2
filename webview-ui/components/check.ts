// A check cell's result: one line per check, ✓ or ✗ with what is wrong, and the score.
import type { CheckPayload } from '../../contracts/mime';
import { el } from './dom';

export function renderCheck(root: HTMLElement, payload: CheckPayload): void {
  const allPassed = payload.passed === payload.total;
  root.append(
    el(
      'div',
      `aielab-title ${allPassed ? 'aielab-status-done' : 'aielab-status-stopped'}`,
      `${payload.title ? `${payload.title}: ` : ''}${payload.passed} of ${payload.total} checks passed`,
    ),
  );
  const list = el('ul', 'aielab-checks');
  for (const item of payload.items) {
    const li = el('li', item.passed ? 'aielab-check-passed' : 'aielab-check-failed');
    li.append(el('span', 'aielab-check-mark', item.passed ? '✓' : '✗'), el('span', 'aielab-check-name', item.name));
    if (item.message) li.append(el('div', 'aielab-check-message', item.message));
    list.append(li);
  }
  root.append(list);
}
