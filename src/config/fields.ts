import { readFileSync } from 'node:fs';

// Small readers for the configuration file: each records a problem instead of throwing, so a run
// with a bad file lists every problem at once.

export function readConfigFile(file: string, problems: string[]): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`${file}: not valid JSON (${(error as Error).message})`);
    return {};
  }
  if (!isRecord(parsed)) {
    problems.push(`${file}: must hold a JSON object`);
    return {};
  }
  removeUnsafeKeys(parsed, file, '', problems);
  return parsed;
}

/** Keys that name an object's prototype machinery: merged or looked up, they change every object. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Deeper than any setting goes; a deeper value is cut off before anything walks it. */
const MAX_DEPTH = 32;

/**
 * Removes `__proto__`, `constructor` and `prototype` keys at any depth of a parsed JSON file, and
 * values nested deeper than MAX_DEPTH, recording each as a problem: no setting has such a name or
 * depth, and code that copies or looks up a setting by name must never meet one. Iterative, so no
 * nesting can exhaust the stack.
 */
export function removeUnsafeKeys(root: unknown, file: string, rootPath: string, problems: string[]): void {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: root, path: rootPath, depth: 0 }];
  // Breadth first, in the file's order.
  for (let index = 0; index < pending.length; index++) {
    const { value, path, depth } = pending[index] as (typeof pending)[number];
    if (!isRecord(value) && !Array.isArray(value)) continue;
    const container = value as Record<string, unknown>;
    for (const key of Object.keys(container)) {
      const where = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      const child = container[key];
      if (!Array.isArray(value) && UNSAFE_KEYS.has(key)) {
        problems.push(`${file}: "${where}": a key named ${key} is not allowed; remove it`);
        delete container[key];
      } else if (typeof child === 'object' && child !== null && depth + 1 >= MAX_DEPTH) {
        problems.push(`${file}: "${where}": nested more than ${MAX_DEPTH} levels deep`);
        container[key] = null;
      } else {
        pending.push({ value: child, path: where, depth: depth + 1 });
      }
    }
  }
}

export function checkUnknownKeys(
  fromFile: Record<string, unknown>,
  known: Record<string, string[] | null>,
  problems: string[],
): void {
  for (const [key, value] of Object.entries(fromFile)) {
    if (!Object.hasOwn(known, key)) {
      problems.push(`${key}: unknown setting`);
      continue;
    }
    const nested = known[key];
    if (nested && isRecord(value)) {
      for (const inner of Object.keys(value)) {
        if (!nested.includes(inner)) {
          problems.push(key === 'smtp' && inner === 'password' ? 'smtp.password: set it in the environment (SMTP_PASSWORD), never in the file' : `${key}.${inner}: unknown setting`);
        }
      }
    }
  }
}

export function objectAt(from: Record<string, unknown>, key: string, problems: string[]): Record<string, unknown> {
  const value = from[key];
  if (value === undefined) return {};
  if (isRecord(value)) return value;
  problems.push(`${key}: must be an object`);
  return {};
}

export function stringAt(from: Record<string, unknown>, path: string, problems: string[]): string | undefined {
  const value = from[path.split('.').pop() as string];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim()) return value.trim();
  problems.push(`${path}: must be a non-empty string`);
  return undefined;
}

export function numberAt(from: Record<string, unknown>, path: string, problems: string[]): number | undefined {
  const value = from[path.split('.').pop() as string];
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  problems.push(`${path}: must be a number`);
  return undefined;
}

/** A whole number in `range`, from the environment's `envText` when set (it wins), else from the file. */
export function wholeNumberAt(
  from: Record<string, unknown>,
  path: string,
  envText: string | undefined,
  range: { min: number; max: number },
  problems: string[],
): number | undefined {
  const value = envText !== undefined ? Number(envText) : numberAt(from, path, problems);
  if (value !== undefined && !(Number.isInteger(value) && value >= range.min && value <= range.max)) {
    problems.push(`${path}: must be a whole number from ${range.min} to ${range.max}, got ${JSON.stringify(envText ?? value)}`);
  }
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
