// The Weight Inspector panel. The ONNX tools fill it with a model's layers, weights, histograms
// and classifier head; until a model is opened it says how to get one there.
import { el } from '../components/dom';
import { ensureStyles } from '../components/styles';
import { pageNonce } from './vscodeApi';

ensureStyles(pageNonce());
const page = el('div', 'aielab');
page.append(
  el('h2', undefined, 'Weight Inspector'),
  el('p', undefined, 'No model is open.'),
  el('p', 'aielab-muted', "This panel shows a model's layers, every weight tensor's shape and statistics, histograms of its values and the classifier head. Opening .onnx models here comes with the ONNX tools."),
);
(document.getElementById('root') ?? document.body).replaceChildren(page);
