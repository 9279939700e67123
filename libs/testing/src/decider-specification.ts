/**
 * Given/when/then for pure deciders: `given` events are folded with `evolve` from the initial
 * state, `when` runs `decide` on a command, `then` checks the events it returned, and
 * `thenNothingHappened` that it returned none (a command already applied). Pure: no I/O.
 */
export interface Decider<S, C, E> {
  decide(state: S, command: C): E | readonly E[] | null;
  evolve(state: S, event: E): S;
  initialState(): S;
}

export function deciderSpecification<S, C, E>(decider: Decider<S, C, E>) {
  return (given: readonly E[]) => ({
    when(command: C) {
      const state = given.reduce(decider.evolve, decider.initialState());
      const result = decider.decide(state, command);
      const events: readonly E[] = result === null ? [] : Array.isArray(result) ? result : [result as E];
      return {
        /** checks the events: an expected list, or a function that asserts on them */
        then(expected: readonly E[] | ((events: readonly E[]) => void)): void {
          if (typeof expected === 'function') expected(events);
          else expect(events).toEqual(expected);
        },
        thenNothingHappened(): void {
          expect(events).toEqual([]);
        },
        /** the state after the events: for a scenario's next step */
        state: () => events.reduce(decider.evolve, state),
      };
    },
  });
}
