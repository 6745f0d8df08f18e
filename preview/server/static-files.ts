// Serves files from a folder: only paths inside it, with the content types the preview uses.
import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** True when the file was sent; false when there is no such file inside `dir`. */
export function sendFile(res: ServerResponse, dir: string, relativePath: string): boolean {
  const path = normalize(join(dir, decodeURIComponent(relativePath)));
  if (!path.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return false;
  let size: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) return false;
    size = stats.size;
  } catch {
    return false;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': 'no-cache',
  });
  createReadStream(path).pipe(res);
  return true;
}
