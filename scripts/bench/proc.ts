import { readFileSync, readdirSync } from 'node:fs';

/** Linux /proc readers: resident memory and CPU time of processes, and of the whole machine. */

const CLOCK_TICKS = 100; // getconf CLK_TCK on Linux x86-64

/** A field of /proc/<pid>/status in kB (VmRSS, VmHWM; RssAnon and RssFile, the two parts of VmRSS that matter here), or null when the process is gone. */
export function statusKb(pid: number | 'self', field: 'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile'): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** user + system CPU seconds a process has used so far, or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  const t = cpuTimes(pid);
  return t === null ? null : t.user + t.system;
}

/** User and system (kernel: system calls, the loopback network) CPU seconds of a process so far. */
export function cpuTimes(pid: number): { user: number; system: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15
    return { user: Number(fields[11]) / CLOCK_TICKS, system: Number(fields[12]) / CLOCK_TICKS };
  } catch {
    return null;
  }
}

/** The command name (comm) of a process, or null. */
export function commOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The processes a process started (its direct children, by the parent pid in /proc/<pid>/stat). */
export function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false;
      }
    });
}

/** The command line of a process, argument by argument, or null when it is gone. */
export function argvOf(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
  } catch {
    return null;
  }
}

/** Every process whose comm is `name` (e.g. every postgres process of the server). */
export function pidsNamed(name: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => commOf(pid) === name);
}

/** Machine-wide CPU: busy and total jiffies since boot (all cores). */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user)
  const idle = v[3] + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Samples VmRSS of a set of processes every `everyMs`, keeping each one's maximum. */
export class RssSampler {
  private readonly max = new Map<string, number>();
  private maxTotal = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly pids: () => Record<string, number | 'self'>) {}

  start(everyMs = 500): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  sample(): void {
    let platform = 0;
    for (const [name, pid] of Object.entries(this.pids())) {
      const kb = statusKb(pid, 'VmRSS');
      if (kb !== null && kb > (this.max.get(name) ?? 0)) this.max.set(name, kb);
      if (kb !== null && pid !== 'self') platform += kb;
    }
    this.maxTotal = Math.max(this.maxTotal, platform);
  }

  maxKb(name: string): number | null {
    return this.max.get(name) ?? null;
  }

  /** The highest sum of VmRSS over the processes other than this one, at one sample: what they held together. */
  maxTotalKb(): number {
    return this.maxTotal;
  }
}

/**
 * CPU seconds used by named groups of processes between start() and now, tracked per pid so that
 * processes appearing later (new database backends) are counted from zero.
 */
export class CpuMeter {
  private readonly first = new Map<number, { cpu: number; system: number }>();
  private readonly last = new Map<number, { group: string; cpu: number; system: number }>();
  private machineStart = machineCpu();
  private machineEnd = this.machineStart;
  private startedAt = Date.now();
  private endedAt = this.startedAt;

  /** Call at the start of the window with the processes known then. */
  start(groups: Record<number, string>): void {
    this.first.clear();
    this.last.clear();
    this.machineStart = machineCpu();
    this.startedAt = Date.now();
    this.see(groups, true);
  }

  /** Call whenever the set of processes may have changed, and at the end of the window. */
  see(groups: Record<number, string>, atStart = false): void {
    for (const [pidText, group] of Object.entries(groups)) {
      const pid = Number(pidText);
      const t = cpuTimes(pid);
      if (t === null) continue;
      const cpu = t.user + t.system;
      if (!this.first.has(pid)) this.first.set(pid, atStart ? { cpu, system: t.system } : { cpu: 0, system: 0 });
      this.last.set(pid, { group, cpu, system: t.system });
    }
    this.machineEnd = machineCpu();
    this.endedAt = Date.now();
  }

  /** CPU seconds per group (and the system part of them), the machine's busy CPU seconds (all cores) and the wall seconds. */
  totals(): { groups: Record<string, number>; systemGroups: Record<string, number>; machineBusy: number; machineCores: number; wallSeconds: number } {
    const groups: Record<string, number> = {};
    const systemGroups: Record<string, number> = {};
    for (const [pid, { group, cpu, system }] of this.last) {
      const first = this.first.get(pid) ?? { cpu: 0, system: 0 };
      groups[group] = (groups[group] ?? 0) + (cpu - first.cpu);
      systemGroups[group] = (systemGroups[group] ?? 0) + (system - first.system);
    }
    const wallSeconds = (this.endedAt - this.startedAt) / 1000;
    const busy = (this.machineEnd.busy - this.machineStart.busy) / CLOCK_TICKS;
    const total = (this.machineEnd.total - this.machineStart.total) / CLOCK_TICKS;
    return { groups, systemGroups, machineBusy: busy, machineCores: wallSeconds > 0 ? total / wallSeconds : 0, wallSeconds };
  }
}
