/**
 * The headers a downloaded attachment is served with. Whatever the file holds, the
 * browser saves it and never renders it in our origin:
 * - `Content-Disposition: attachment` with an ASCII fallback name and the exact name as
 *   RFC 8187 `filename*` (names are cleaned on upload: no control or bidi characters);
 * - `Content-Type` is the sniffed type only for passive formats on an allow-list (images
 *   other than SVG, audio, video, PDF, office documents, archives, plain text); anything
 *   else — HTML, SVG, XML, scripts, executables, unknown — is `application/octet-stream`;
 * - `X-Content-Type-Options: nosniff`, `Content-Security-Policy: default-src 'none';
 *   sandbox` (should a browser display it anyway, nothing runs) and `Cache-Control:
 *   private` (rights decide who may fetch it: no shared cache keeps it).
 */
import { OCTET_STREAM } from './sniff-type.js';

const PASSIVE = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'image/tiff',
  'image/heic',
  'image/heif',
  'image/jxl',
  'image/x-icon',
  'image/vnd.microsoft.icon',
  'application/pdf',
  'application/zip',
  'application/gzip',
  'application/x-7z-compressed',
  'application/x-tar',
  'application/rtf',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'text/plain',
]);

/** The Content-Type to serve for a sniffed type. */
export function servedType(sniffed: string): string {
  const t = sniffed.toLowerCase();
  if (t === 'text/plain') return 'text/plain; charset=utf-8';
  if (PASSIVE.has(t) || ((t.startsWith('audio/') || t.startsWith('video/')) && !t.includes('xml'))) return t;
  return OCTET_STREAM;
}

export function downloadHeaders(name: string, sniffedType: string, size: number): Record<string, string> {
  return {
    'content-type': servedType(sniffedType),
    'content-length': String(size),
    'content-disposition': contentDisposition(name),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': 'private',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/** `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` */
export function contentDisposition(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // é → e in the fallback
    .replace(/[^\x20-\x7e]|["\\/%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `attachment; filename="${ascii || 'file'}"; filename*=UTF-8''${encoded}`;
}
