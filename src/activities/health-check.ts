import os from 'node:os';

export async function reportWorkerHealth(probe: string): Promise<string> {
  return `${os.hostname()}:${process.pid} answered ${probe}`;
}
