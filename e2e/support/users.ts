/** A user id no other test uses, so every test starts from a fresh ledger. */
export function newUserId(): string {
  return `u-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
}
