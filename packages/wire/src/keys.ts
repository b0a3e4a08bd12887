/**
 * msgpack map keys of memberlist's structs, pre-encoded as the fixstr bytes Go writes, listed in the sorted order
 * Go emits them (PROTOCOL.md §4). Index positions double as field ids for the decoders.
 */
import { mapKey } from './msgpack.js';

const keys = (...names: string[]): readonly Uint8Array[] => names.map(mapKey);

/** `ping` keys. */
export const PING_KEYS = keys('Node', 'SeqNo', 'SourceAddr', 'SourceNode', 'SourcePort');
/** `indirectPingReq` keys. */
export const INDIRECT_KEYS = keys('Nack', 'Node', 'Port', 'SeqNo', 'SourceAddr', 'SourceNode', 'SourcePort', 'Target');
/** `ackResp` keys. */
export const ACK_KEYS = keys('Payload', 'SeqNo');
/** `nackResp` keys. */
export const NACK_KEYS = keys('SeqNo');
/** `errResp` keys. */
export const ERR_KEYS = keys('Error');
/** `suspect` / `dead` keys. */
export const SUSPECT_KEYS = keys('From', 'Incarnation', 'Node');
/** `alive` keys. */
export const ALIVE_KEYS = keys('Addr', 'Incarnation', 'Meta', 'Node', 'Port', 'Vsn');
/** `pushPullHeader` keys. */
export const PUSH_PULL_HEADER_KEYS = keys('Join', 'Nodes', 'UserStateLen');
/** `pushNodeState` keys. */
export const PUSH_NODE_STATE_KEYS = keys('Addr', 'Incarnation', 'Meta', 'Name', 'Port', 'State', 'Vsn');
/** `userMsgHeader` keys. */
export const USER_MSG_HEADER_KEYS = keys('UserMsgLen');
/** `compress` keys. */
export const COMPRESS_KEYS = keys('Algo', 'Buf');

/** Largest value of a Go uint32 field. */
export const MAX_UINT32 = 0xffffffff;
/** Largest value of a Go uint16 field. */
export const MAX_UINT16 = 0xffff;
/** Largest value of a Go uint8 field. */
export const MAX_UINT8 = 0xff;
