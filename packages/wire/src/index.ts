/**
 * @gossip/wire: HashiCorp memberlist's wire protocol, byte-compatible with Go memberlist v0.2.2 and HEAD.
 * Portable (no `node:` imports): messages, compound, LZW compression, CRC32, label header, stream framing, and the
 * helpers every package shares: host:port and IP text, CIDR networks, encryption sizes.
 */
export { WireError, isWireError } from './errors.js';
export type { WireErrorCode } from './errors.js';

export { MessageType, NodeState } from './messages.js';
export type {
  AckResp,
  Alive,
  Compress,
  Dead,
  ErrResp,
  IndirectPingReq,
  NackResp,
  Ping,
  PushNodeState,
  PushPull,
  PushPullHeader,
  Suspect,
  UserMsgHeader,
} from './messages.js';

export {
  encodeAck,
  encodeAlive,
  encodeDead,
  encodeErr,
  encodeIndirectPing,
  encodeNack,
  encodePing,
  encodeSuspect,
  encodeUserPacket,
} from './encode.js';
export {
  decodeAck,
  decodeAlive,
  decodeDead,
  decodeErr,
  decodeIndirectPing,
  decodeNack,
  decodePing,
  decodeSuspect,
} from './decode.js';
export type { DecodeOptions } from './decode.js';
export { decodeMessage } from './message.js';
export type { DecodedMessage, DecodedMessageType } from './message.js';

export {
  MAX_COMPOUND_PARTS,
  MAX_COMPOUND_PART_BYTES,
  SAFE_COMPOUND_PARTS,
  decodeCompound,
  encodeCompound,
} from './compound.js';
export type { DecodedCompound } from './compound.js';
export { DEFAULT_MAX_DECOMPRESSED, lzwCompress, lzwDecompress } from './lzw.js';
export { LzwCompressor, LzwDecompressor } from './lzw-steps.js';
export { LZW_ALGO, decodeCompress, decompress, encodeCompress, parseCompress, stepDecompress, wrapCompressed } from './compress.js';
export { crc32, unwrapCrc, wrapCrc } from './crc32.js';
export { MAX_LABEL_LENGTH, addLabel, labelHeader, stripLabel } from './label.js';
export type { StrippedLabel } from './label.js';
export { unwrapPacket } from './packet.js';
export type { UnwrappedPacket } from './packet.js';

export {
  checkPushPullHeader,
  decodePushPull,
  decodeUserStream,
  encodePushNodeState,
  encodePushPull,
  encodeUserStream,
} from './stream.js';
export type { StreamEncodeOptions } from './stream.js';
export { PushPullDecoder, PushPullEncoder } from './push-pull-steps.js';
export type { PushPullDecodeOptions } from './push-pull-steps.js';
export { StreamScan, streamMessageLength } from './frame.js';
export { DEFAULT_LIMITS, DEFAULT_MAX_DATAGRAM_DECOMPRESSED } from './limits.js';
export type { WireLimits } from './limits.js';
export type { IntEncoding } from './msgpack.js';

export { bytesToIp, ipToBytes, joinHostPort, splitHostPort, unmapIPv4 } from './address.js';
export type { HostPort } from './address.js';
export { cidrContains, parseCidr } from './cidr.js';
export type { Cidr } from './cidr.js';
export {
  AES_BLOCK_SIZE,
  ENCRYPTION_VERSION_SIZE,
  ENCRYPT_OVERHEAD_V0,
  ENCRYPT_OVERHEAD_V1,
  NONCE_SIZE,
  TAG_SIZE,
  encryptOverhead,
  encryptedLength,
} from './encryption.js';
export type { EncryptionVersion } from './encryption.js';
export { DEFAULT_VERSION, makeVsn, parseVsn } from './vsn.js';
export type { VersionInfo } from './vsn.js';
