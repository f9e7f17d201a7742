import type qrcodeGenerator from 'qrcode-generator';

/**
 * Where serve.mjs serves qrcode-generator's ES module build (from node_modules; the page has no bundler). A
 * variable, so that tsc leaves the import alone: the types come from the package, the code from this URL.
 */
const QRCODE_MODULE = '/vendor/qrcode.js';
const MODULES_PER_SIDE_OF_QUIET_ZONE = 4; // ISO/IEC 18004: scanners need 4 light modules around the symbol
const PIXELS_PER_MODULE = 4;

/**
 * Draws `text` (an otpauth:// URL, which holds the TOTP secret) as a QR code on a new canvas, in the browser: the
 * secret never goes to a third-party QR service. Loaded on first use, since most visits never enrol.
 */
export async function qrCanvas(text: string): Promise<HTMLCanvasElement> {
  const { default: qrcode } = (await import(QRCODE_MODULE)) as { default: typeof qrcodeGenerator };
  const code = qrcode(0, 'M'); // 0: the smallest version that holds the text
  code.addData(text, 'Byte');
  code.make();
  const side = code.getModuleCount() + 2 * MODULES_PER_SIDE_OF_QUIET_ZONE;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = side * PIXELS_PER_MODULE;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'QR code for your authenticator app');
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot draw on a canvas');
  context.fillStyle = 'white';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.translate(
    MODULES_PER_SIDE_OF_QUIET_ZONE * PIXELS_PER_MODULE,
    MODULES_PER_SIDE_OF_QUIET_ZONE * PIXELS_PER_MODULE,
  );
  code.renderTo2dContext(context, PIXELS_PER_MODULE);
  return canvas;
}
