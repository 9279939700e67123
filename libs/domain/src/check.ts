/**
 * The outcome of a validation rule: ok, or the one specific reason it failed. Reasons are string
 * literal unions so that callers can switch on them exhaustively and report them verbatim.
 */
export type Check<Reason extends string> = { readonly ok: true } | { readonly ok: false; readonly reason: Reason };

export const OK: { readonly ok: true } = Object.freeze({ ok: true as const });

export function fail<Reason extends string>(reason: Reason): { readonly ok: false; readonly reason: Reason } {
  return { ok: false, reason };
}
