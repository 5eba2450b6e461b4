/**
 * The type of an uploaded file, from its content only (the client's Content-Type and the
 * file's name are never consulted). Binary formats come from file-type's signatures
 * (read from the file itself, so zip-based formats such as xlsx and docx are told apart
 * from a plain zip by their entries). What has no signature is text or unknown: UTF-8
 * text without NUL bytes is `text/plain`, unless it looks like markup that a browser
 * would run (HTML, SVG, XML), which gets that markup's type so that it is never served
 * as anything a browser renders.
 */
import { fileTypeFromFile } from 'file-type';

export const OCTET_STREAM = 'application/octet-stream';

// Markup browsers execute or render: sniffed from the start and from anywhere in the head.
const SVG_RE = /<svg[\s>/]/i;
const HTML_RE =
  /<(!doctype\s+html|html|head|body|script|iframe|object|embed|frameset|meta|style|link|img|a|div|form|title|h1|p|br|table|b|font|!--)[\s>/]/i;

export async function sniffType(path: string, head: Buffer): Promise<string> {
  const found = await fileTypeFromFile(path);
  if (found) return found.mime.toLowerCase();
  return textType(head);
}

function textType(head: Buffer): string {
  if (head.length === 0 || head.includes(0)) return OCTET_STREAM;
  const text = decodeUtf8(head);
  if (text === undefined) return OCTET_STREAM;
  const start = text.replace(/^\ufeff/, '').trimStart();
  if (SVG_RE.test(text)) return 'image/svg+xml';
  if (/^<\?xml/i.test(start)) return 'application/xml';
  if (start.startsWith('<') || HTML_RE.test(text)) return 'text/html';
  return 'text/plain';
}

/** The head as UTF-8, allowing a character cut at its end; undefined when it is not UTF-8. */
function decodeUtf8(head: Buffer): string | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let cut = 0; cut <= 3 && cut < head.length; cut++) {
    try {
      return decoder.decode(head.subarray(0, head.length - cut));
    } catch {
      /* maybe a character cut in half: try shorter */
    }
  }
  return undefined;
}
