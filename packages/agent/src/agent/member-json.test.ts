import type { Member } from 'gossip';
import { describe, expect, it } from 'vitest';
import { encodeAgentMeta, memberToJson } from './member-json.js';

const member = (meta: Uint8Array): Member => ({
  name: 'n',
  addr: '127.0.0.1',
  port: 7946,
  address: '127.0.0.1:7946',
  meta,
  state: 'alive',
  incarnation: 3,
  pmin: 1,
  pmax: 5,
  pcur: 2,
  dmin: 0,
  dmax: 0,
  dcur: 0,
  stateChangedAt: 1000,
});

describe('memberToJson', () => {
  it('given agent metadata, then the HTTP address is surfaced and meta is the UTF-8 text', () => {
    const json = memberToJson(member(encodeAgentMeta({ http: '127.0.0.1:7480' })), 3500.4);
    expect(json).toEqual({
      name: 'n',
      addr: '127.0.0.1',
      port: 7946,
      state: 'alive',
      incarnation: 3,
      meta: '{"http":"127.0.0.1:7480"}',
      metaEncoding: 'utf8',
      stateAgeMs: 2500,
      http: '127.0.0.1:7480',
      tags: {},
    });
  });

  it('given tags in the agent metadata, then they are listed; a forced-out failed member reads as left', () => {
    const m = { ...member(encodeAgentMeta({ http: '127.0.0.1:7480', tags: { role: 'web', dc: 'east' } })), state: 'dead' as const };
    expect(memberToJson(m)).toMatchObject({ tags: { role: 'web', dc: 'east' }, state: 'dead' });
    expect(memberToJson(m, 0, true).state).toBe('left');
  });

  it('given tags that would push the metadata past 512 bytes, then encoding refuses with ERR_USAGE naming the limit', () => {
    const tags = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`tag-${i}`, 'v'.repeat(20)]));
    expect(() => encodeAgentMeta({ http: '127.0.0.1:7480', tags })).toThrow(/over memberlist's 512-byte limit/);
  });

  it('given binary metadata (e.g. a Go memberlist node), then it is base64 and no HTTP address is invented', () => {
    const json = memberToJson(member(new Uint8Array([0xff, 0x00, 0x81])));
    expect(json).toMatchObject({ meta: '/wCB', metaEncoding: 'base64' });
    expect(json.http).toBeUndefined();
  });

  it('given text metadata that is not agent JSON, then it is shown as text without an HTTP address', () => {
    expect(memberToJson(member(new TextEncoder().encode('role=db')))).toMatchObject({ meta: 'role=db', metaEncoding: 'utf8' });
    expect(memberToJson(member(new TextEncoder().encode('{"http":42}'))).http).toBeUndefined();
  });
});
