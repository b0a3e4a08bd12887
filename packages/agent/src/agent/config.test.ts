import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseAgentArgs } from '../commands/agent.js';
import { usageMessage as usage } from '../testing/usage.js';

const key = Buffer.alloc(16, 7).toString('base64');
const key2 = Buffer.alloc(32, 9).toString('base64');

describe('gossip agent configuration', () => {
  it('given no flags, then the defaults are serf-like: host name, 0.0.0.0:7946, API on 127.0.0.1:7480, LAN preset', () => {
    expect(parseAgentArgs([])).toMatchObject({ name: hostname(), bind: '0.0.0.0:7946', http: '127.0.0.1:7480', join: [], keys: [], tags: {}, preset: 'lan', logLevel: 'info', logJson: false });
    expect(parseAgentArgs([])?.advertise).toBeUndefined();
  });

  it('given a full command line, then every flag is parsed; tags repeat, --encrypt is the primary key', () => {
    expect(
      parseAgentArgs([
        '--name', 'a', '--bind', '127.0.0.1:7946', '--join', '127.0.0.1:7947', '--http', '127.0.0.1:0', '--encrypt', key, '--key', key2,
        '--tag', 'role=web', '--tag', 'dc=east=1', '--label', 'prod', '--preset', 'local', '--log-level', 'debug', '--log-json',
      ]),
    ).toMatchObject({
      name: 'a', bind: '127.0.0.1:7946', join: ['127.0.0.1:7947'], http: '127.0.0.1:0', keys: [key, key2], tags: { role: 'web', dc: 'east=1' },
      label: 'prod', preset: 'local', logLevel: 'debug', logJson: true,
    }); // prettier-ignore
  });

  it('given a config file, then every key sets its flag, and flags win (tags merge key by key)', () => {
    const files: Record<string, string> = {
      '/etc/gossip.json': JSON.stringify({
        name: 'from-file', bind: '127.0.0.1:8000', join: '127.0.0.1:8001', http: '127.0.0.1:8080', encrypt: key, keys: [key2],
        tags: { role: 'db', zone: 'a' }, label: 'l', preset: 'wan', log_level: 'warn', log_json: true, http_token: 'file-token-123', http_insecure: false,
        http_allowed_hosts: ['Gossip.Example'],
      }), // prettier-ignore
    };
    const read = (p: string): string => files[p] ?? '';
    const config = parseAgentArgs(['--config-file', '/etc/gossip.json', '--name', 'from-flag', '--tag', 'role=web'], {}, read);
    expect(config).toMatchObject({
      name: 'from-flag', bind: '127.0.0.1:8000', join: ['127.0.0.1:8001'], http: '127.0.0.1:8080', keys: [key, key2], tags: { role: 'web', zone: 'a' },
      label: 'l', preset: 'wan', logLevel: 'warn', logJson: true, httpToken: 'file-token-123', httpAllowedHosts: ['gossip.example'],
    }); // prettier-ignore
  });

  it.each([
    [{ nmae: 'x' }, /unknown key "nmae"/],
    [{ tags: ['role=web'] }, /"tags" must be an object of strings/],
    [{ log_json: 'yes' }, /"log_json" must be true or false/],
    [{ join: 7 }, /"join" must be a string or an array of strings/],
  ])('given a config file with %j, then ERR_USAGE names the file and the key', (content, expected) => {
    expect(usage(() => parseAgentArgs(['--config-file', 'c.json'], {}, () => JSON.stringify(content)))).toMatch(expected);
  });

  it('given an unreadable or invalid config file, then ERR_USAGE says so', () => {
    expect(usage(() => parseAgentArgs(['--config-file', 'nope.json'], {}, () => { throw new Error('ENOENT: no such file'); }))).toMatch(/nope\.json: ENOENT/); // prettier-ignore
    expect(usage(() => parseAgentArgs(['--config-file', 'c.json'], {}, () => '{oops'))).toMatch(/not valid JSON/);
  });

  it('given --http beyond loopback, then a token is required unless --http-insecure; the token may come from GOSSIP_HTTP_TOKEN', () => {
    expect(usage(() => parseAgentArgs(['--http', '0.0.0.0:7480']))).toMatch(/--http-token TOKEN .* --http-insecure/);
    expect(usage(() => parseAgentArgs(['--http', '10.0.0.5:7480']))).toMatch(/reachable beyond this machine/);
    expect(parseAgentArgs(['--http', '0.0.0.0:7480', '--http-insecure'])).toMatchObject({ httpInsecure: true });
    expect(parseAgentArgs(['--http', '0.0.0.0:7480'], { GOSSIP_HTTP_TOKEN: 'env-token-123' })).toMatchObject({ httpToken: 'env-token-123' });
    expect(parseAgentArgs(['--http', '[::1]:7480'])?.httpToken).toBeUndefined();
  });

  it.each([
    [['--name', ''], /--name must not be empty/],
    [['--key', 'c2hvcnQ='], /AES key of 16, 24 or 32 bytes/],
    [['--encrypt', 'not base64!'], /--encrypt must be a base64 AES key/],
    [['--tag', 'novalue'], /--tag wants key=value/],
    [['--preset', 'fast'], /--preset must be one of lan, wan, local/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['stray'], /Unexpected argument 'stray'/],
    [['--name'], /argument missing/],
    [['--http-token', 'short', '--http', '0.0.0.0:1'], /at least 8 characters/],
  ])('given bad agent flags %j, then ERR_USAGE says what is wrong', (argv, expected) => {
    expect(usage(() => parseAgentArgs(argv))).toMatch(expected);
  });
});
