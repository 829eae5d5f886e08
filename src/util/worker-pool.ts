import { parentPort, Worker } from 'node:worker_threads';
import { describeError } from '../errors.js';

// A few worker threads running one script, each taking one task at a time. The script answers
// every message `{ id, task }` with `{ id, result }` or `{ id, error }`.

export interface WorkerPool<Task, Result> {
  /** Runs a task on the next free worker. */
  run(task: Task): Promise<Result>;
  /** Workers started (those that died since included). */
  readonly size: number;
  /** Starts more workers, up to `size` in all. */
  grow(size: number): void;
  /** Stops the workers; tasks still queued or running are rejected. */
  close(): Promise<void>;
}

interface Pending<Task, Result> {
  id: number;
  task: Task;
  resolve(result: Result): void;
  reject(error: Error): void;
}

interface Reply<Result> {
  id: number;
  result?: Result;
  error?: string;
}

export interface WorkerPoolOptions {
  size: number;
  /** Young-generation size per worker: parsing allocates much short-lived garbage. */
  youngGenerationMb?: number;
}

export function createWorkerPool<Task, Result>(script: URL, options: WorkerPoolOptions): WorkerPool<Task, Result> {
  const queue: Pending<Task, Result>[] = [];
  const idle: Worker[] = [];
  const running = new Map<Worker, Pending<Task, Result>>();
  let nextId = 0;
  let closed = false;

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const pending = queue.shift() as Pending<Task, Result>;
      running.set(worker, pending);
      worker.postMessage({ id: pending.id, task: pending.task });
    }
  };

  const fail = (worker: Worker, error: Error) => {
    const pending = running.get(worker);
    running.delete(worker);
    pending?.reject(error);
  };

  const workers: Worker[] = [];
  const alive = new Set<Worker>();
  const addWorker = () => {
    const worker = new Worker(script, {
      ...(options.youngGenerationMb ? { resourceLimits: { maxYoungGenerationSizeMb: options.youngGenerationMb } } : {}),
    });
    worker.on('message', (reply: Reply<Result>) => {
      const pending = running.get(worker);
      running.delete(worker);
      if (pending && pending.id === reply.id) {
        if (reply.error !== undefined) pending.reject(new Error(reply.error));
        else pending.resolve(reply.result as Result);
      }
      idle.push(worker);
      dispatch();
    });
    worker.on('error', (error) => fail(worker, error));
    worker.on('exit', (code) => {
      if (!closed) fail(worker, new Error(`a worker thread stopped (exit code ${code})`));
      // A dead worker takes no more tasks; the others go on. With none left, the queue fails.
      const index = idle.indexOf(worker);
      if (index !== -1) idle.splice(index, 1);
      alive.delete(worker);
      if (alive.size === 0) for (const pending of queue.splice(0)) pending.reject(new Error('no worker thread left'));
    });
    workers.push(worker);
    alive.add(worker);
    idle.push(worker);
  };
  const grow = (size: number) => {
    while (!closed && workers.length < size) addWorker();
    dispatch();
  };
  grow(Math.max(1, options.size));

  return {
    get size() {
      return workers.length;
    },
    grow,
    run(task) {
      if (closed || alive.size === 0) return Promise.reject(new Error('the worker pool is closed'));
      return new Promise<Result>((resolve, reject) => {
        queue.push({ id: nextId++, task, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(new Error('the worker pool is closed'));
      for (const pending of running.values()) pending.reject(new Error('the worker pool is closed'));
      running.clear();
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/**
 * The worker's side: answers every task it is sent with `handle`'s result or error. For the worker
 * script; throws anywhere else.
 */
export function answerTasks<Task, Result>(script: string, handle: (task: Task) => Result | Promise<Result>): void {
  const port = parentPort;
  if (!port) throw new Error(`${script} runs as a worker thread`);
  port.on('message', ({ id, task }: { id: number; task: Task }) => {
    Promise.resolve()
      .then(() => handle(task))
      .then(
        (result) => port.postMessage({ id, result }),
        (error: unknown) => port.postMessage({ id, error: describeError(error) }),
      );
  });
}

/**
 * The compiled worker script `name` beside the module at `moduleUrl`. Run from the TypeScript
 * sources (the tests), there is none, and the caller does the work in its own thread.
 */
export function compiledWorkerScript(moduleUrl: string, name: string): URL | undefined {
  return moduleUrl.endsWith('.js') ? new URL(`./${name}`, moduleUrl) : undefined;
}
