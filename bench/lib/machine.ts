// What the numbers were measured on, recorded next to them.
import os from 'node:os';

export interface MachineInfo {
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  /** 1-minute load average when the run started: other work on the host skews every number */
  loadAvg1m: number;
  date: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAvg1m: Number(os.loadavg()[0]?.toFixed(2)),
    date: new Date().toISOString(),
  };
}

export function loadAvg1m(): number {
  return Number(os.loadavg()[0]?.toFixed(2));
}
