// QEMU as an oracle process: find qemu-system-aarch64, run one bare-metal ELF at EL2 on the virt
// machine with semihosting on stdout, with a timeout (a hanging batch must not hang the caller).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from './which.ts';

/** The Debian package that provides qemu-system-aarch64. */
export const INSTALL_QEMU = 'apt-get install -y --no-install-recommends qemu-system-arm';

export function findQemu(): string | undefined {
  return which('qemu-system-aarch64');
}

/** The machine the oracle models: EL2 (virtualization=on, no EL3), a Cortex-A57, 128 MiB. */
export function qemuArguments(elfPath: string): string[] {
  return [
    '-M', 'virt,virtualization=on',
    '-cpu', 'cortex-a57',
    '-m', '128M',
    '-nodefaults',
    '-display', 'none',
    '-semihosting-config', 'enable=on,target=native,chardev=sh',
    '-chardev', 'stdio,id=sh',
    '-kernel', elfPath,
  ];
}

export interface QemuRun {
  stdout: string;
  stderr: string;
  /** Exit status, or undefined when killed by the timeout. */
  status: number | undefined;
  timedOut: boolean;
  ms: number;
}

/** Runs `elf` in QEMU; kills it (and reports timedOut) after `timeoutMs`. */
export function runQemu(qemu: string, elf: Uint8Array, timeoutMs: number): Promise<QemuRun> {
  const dir = mkdtempSync(join(tmpdir(), 'hyplab-qemu-'));
  const path = join(dir, 'batch.elf');
  writeFileSync(path, elf);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(qemu, qemuArguments(path), { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({
        stdout: Buffer.concat(out).toString('latin1'),
        stderr: Buffer.concat(err).toString('utf8'),
        status: timedOut ? undefined : (code ?? undefined),
        timedOut,
        ms: performance.now() - started,
      });
    });
  });
}
