/**
 * The form an address is kept and compared in, by every archive: trimmed and lower-cased (the
 * local part may in theory differ by case; no mail system we know of makes it so).
 */
export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}
