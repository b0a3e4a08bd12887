/** What the report says about where it ran: CPU, cores, memory, load, Node, Go and memberlist versions. */
import { execFile } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The machine and toolchain of one run. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  /** 1-minute load average when the run started and ended (the machine is shared: a noise indicator). */
  loadAtStart: number;
  loadAtEnd?: number;
  node: string;
  go: string;
  memberlist: string;
  os: string;
}

async function tryRun(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run(cmd, args, { timeout: 10_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** Collects {@link MachineInfo}. */
export async function machineInfo(): Promise<MachineInfo> {
  const list = cpus();
  const goVersion = await tryRun('go', ['version']);
  const debVersion = await tryRun('dpkg-query', ['-W', '-f=${Version}', 'golang-github-hashicorp-memberlist-dev']);
  const osRelease = await tryRun('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"']);
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    node: process.version,
    go: goVersion?.replace(/^go version /, '') ?? 'not found',
    memberlist: `v0.2.2 (Debian golang-github-hashicorp-memberlist-dev ${debVersion ?? '?'})`,
    os: osRelease ?? process.platform,
  };
}
