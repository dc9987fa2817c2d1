import { expect } from '@jest/globals';
import { DomainError, type DomainErrorCode } from '../../src/domain/domainError';

interface Decider<State, Command, Event> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

/** given(past events).when(command).then(new events) | .thenThrows(code, field) | .thenNothingHappened() */
export function deciderSpec<State, Command, Event>(decider: Decider<State, Command, Event>) {
  return (given: Event[]) => ({
    when: (command: Command) => {
      const state = given.reduce((s, e) => decider.evolve(s, e), decider.initialState());
      const run = () => decider.decide(command, state);
      return {
        /** The new events; returns them for further checks. */
        then(expected: Event[] | ((events: Event[]) => void)): Event[] {
          const events = run();
          if (typeof expected === 'function') expected(events);
          else expect(events).toEqual(expected);
          return events;
        },
        thenNothingHappened(): void {
          expect(run()).toEqual([]);
        },
        thenThrows(code: DomainErrorCode, field?: string[] | null): DomainError {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(DomainError);
          const error = thrown as DomainError;
          expect(error.code).toBe(code);
          if (field !== undefined) expect(error.problems[0].field).toEqual(field);
          return error;
        },
        /** The state after the new events. */
        state(): State {
          return run().reduce((s, e) => decider.evolve(s, e), state);
        },
      };
    },
  });
}
