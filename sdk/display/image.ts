// image(): PNG bytes shown as an image, described in text by its size.
import { Rich } from './rich';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface ImageOptions {
  /** What the image shows, for the text rendering and screen readers. */
  alt?: string;
}

export function image(png: Uint8Array | ArrayBuffer, options: ImageOptions = {}): Rich {
  const bytes = png instanceof Uint8Array ? png : new Uint8Array(png);
  if (!PNG_SIGNATURE.every((b, i) => bytes[i] === b) || bytes.length < 24) {
    throw new TypeError('image() takes the bytes of a PNG file (for example readFileSync("plot.png")); these are not PNG.');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = `${view.getUint32(16)}×${view.getUint32(20)} PNG`;
  return new Rich({
    'image/png': Buffer.from(bytes).toString('base64'),
    'text/plain': `[image: ${options.alt ? `${options.alt}, ` : ''}${size}]`,
  });
}
