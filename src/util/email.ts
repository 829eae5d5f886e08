// What counts as an e-mail address: one rule for the configured recipients and for --to.

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/u;

/** A bare e-mail address (`reader@example.org`), as recipients and --to take. */
export function isEmailAddress(value: string): boolean {
  return ADDRESS.test(value);
}
