import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';

// A loopback port where a TCP connect never completes, whatever the machine's load: a listener in a
// stopped child process never accepts, so once its accept queue is full the kernel drops every
// further SYN, and a client waits for a handshake that cannot come.

/** The queue length asked of listen(): Linux queues backlog + 1 handshakes before it drops SYNs. */
const BACKLOG = 1;

export interface UnansweredPort {
  port: number;
  close(): Promise<void>;
}

export async function startUnansweredPort(): Promise<UnansweredPort> {
  const listener = spawn(
    process.execPath,
    ['-e', `require('node:net').createServer().listen({ host: '127.0.0.1', port: 0, backlog: ${BACKLOG} }, function () { process.stdout.write(this.address().port + '\\n'); })`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => listener.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    listener.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.endsWith('\n')) resolve(Number(out.trim()));
    });
    listener.once('exit', (code) => reject(new Error(`the listener exited with ${code} before listening`)));
  });
  // Stopped, it accepts nothing: the kernel completes handshakes into the queue until it is full.
  listener.kill('SIGSTOP');
  const fillers: Socket[] = [];
  for (let i = 0; i <= BACKLOG; i++) {
    const socket = connect(port, '127.0.0.1');
    fillers.push(socket);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  }
  return {
    port,
    async close() {
      for (const socket of fillers) socket.destroy();
      listener.kill('SIGKILL');
      await exited;
    },
  };
}
