/** Small helpers for node:http handlers: JSON and text replies, bounded request bodies, closing connections. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { DemoError } from '../errors.js';

const COMMON_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/**
 * After answering a request whose body we refuse to read, keep the connection this long (reading and discarding
 * what the client still sends) before dropping it. Closing at once with unread input makes the kernel answer with
 * a reset, and a client still uploading would lose our answer (the "lingering close" of HTTP servers).
 */
export const LINGER_MS = 1_000;

/** Replies with `body` as JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { ...COMMON_HEADERS, ...headers, 'content-type': 'application/json; charset=utf-8' });
  res.end(text);
}

/** Replies with an error object `{ error: { code, message } }`. */
export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

/** Replies with plain text (or another text type). */
export function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { ...COMMON_HEADERS, 'content-type': type });
  res.end(text);
}

/**
 * Answers with an error and closes the connection without reading the rest of the request body: `Connection:
 * close`, then a lingering close ({@link LINGER_MS}) so the answer reaches a client that is still sending.
 */
export function sendErrorAndClose(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const socket = req.socket;
  // node:http ends a `Connection: close` response with destroySoon(), which resets a connection that still has
  // unread input; replace it, for this socket only, with a half-close that lingers.
  (socket as Socket & { destroySoon: () => void }).destroySoon = () => lingeringClose(socket);
  sendError(res, status, code, message, { ...headers, connection: 'close' });
}

/**
 * Answers a request with an error before its body was read: when it has a body, the connection closes (see
 * {@link sendErrorAndClose}) rather than reading a body nobody wants, whatever its size.
 */
export function refuseRequest(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody) sendErrorAndClose(req, res, status, code, message, headers);
  else sendError(res, status, code, message, headers);
}

function lingeringClose(socket: Socket): void {
  socket.end();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.once('end', () => socket.destroy());
  socket.resume();
}

/**
 * Reads the request body as UTF-8, refusing (`ERR_HTTP_TOO_LARGE`) more than `limit` bytes: at once when a
 * `Content-Length` announces more, else as soon as a chunked body passes the limit, without reading the rest.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new DemoError('ERR_HTTP_TOO_LARGE', `body of ${declared} bytes exceeds ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        chunks.length = 0;
        reject(new DemoError('ERR_HTTP_TOO_LARGE', `body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Reads a JSON object body (≤ `limit` bytes); `ERR_HTTP_BAD_REQUEST` when it is not one. */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const text = await readBody(req, limit);
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new DemoError('ERR_HTTP_BAD_REQUEST', 'body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new DemoError('ERR_HTTP_BAD_REQUEST', 'body must be a JSON object');
  return parsed as Record<string, unknown>;
}
