import { expect, it } from '@jest/globals';
import { createMetricsRegistry } from '../../src/http/metrics';

it("leaves the process's own figures out of a service instance's registry (serve collects them once per process)", async () => {
  // prom-client's default metrics register with Node for the life of the process: one set per
  // service instance would keep every stopped instance (and, in jest, its test file) alive.
  expect(await createMetricsRegistry().getMetricsAsJSON()).toEqual([]);
});
