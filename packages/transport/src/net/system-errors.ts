import { TransportError, type TransportErrorCode } from '../transport.js';

const BY_ERRNO: Record<string, TransportErrorCode> = {
  ECONNREFUSED: 'ERR_REFUSED',
  ECONNRESET: 'ERR_RESET',
  EPIPE: 'ERR_RESET',
  ECONNABORTED: 'ERR_RESET',
  ETIMEDOUT: 'ERR_TIMEOUT',
  ENETUNREACH: 'ERR_UNREACHABLE',
  EHOSTUNREACH: 'ERR_UNREACHABLE',
  EHOSTDOWN: 'ERR_UNREACHABLE',
  EADDRNOTAVAIL: 'ERR_UNREACHABLE',
  EAFNOSUPPORT: 'ERR_UNREACHABLE',
  EINVAL: 'ERR_UNREACHABLE',
  EMSGSIZE: 'ERR_TOO_LARGE',
  ENOBUFS: 'ERR_IO',
  EADDRINUSE: 'ERR_BIND',
  EACCES: 'ERR_BIND',
  ENOTFOUND: 'ERR_RESOLVE',
  EAI_AGAIN: 'ERR_RESOLVE',
  EAI_FAIL: 'ERR_RESOLVE',
  ENODATA: 'ERR_RESOLVE',
  ERR_SOCKET_DGRAM_NOT_RUNNING: 'ERR_CLOSED',
  ERR_SOCKET_CLOSED: 'ERR_CLOSED',
  ERR_STREAM_DESTROYED: 'ERR_CLOSED',
  ERR_STREAM_WRITE_AFTER_END: 'ERR_CLOSED',
};

/** Wraps a Node.js system error in a {@link TransportError} whose code says what happened in protocol terms. */
export function fromSystemError(error: unknown, context: string): TransportError {
  if (error instanceof TransportError) return error;
  const errno = (error as { code?: unknown } | null)?.code;
  const code = (typeof errno === 'string' && BY_ERRNO[errno]) || 'ERR_IO';
  const detail = error instanceof Error ? error.message : String(error);
  return new TransportError(code, `${context}: ${detail}`, { cause: error });
}
