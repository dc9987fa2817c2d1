import { describe, expect, it } from '@jest/globals';
import {
  createThrottleBudget,
  msUntilAvailable,
} from '../../../src/adapters/shopify/throttleBudget';

const bucket = { maximumAvailable: 100, currentlyAvailable: 5, restoreRate: 10 };

describe('msUntilAvailable', () => {
  it('is the time the restore rate needs to refill the missing points', () => {
    expect(msUntilAvailable(10, 5, bucket)).toBe(500);
    expect(msUntilAvailable(5, 5, bucket)).toBe(0);
  });

  it('is 0 when waiting cannot help: a cost beyond the bucket, or no restore rate', () => {
    expect(msUntilAvailable(101, 0, bucket)).toBe(0);
    expect(msUntilAvailable(10, 0, { ...bucket, restoreRate: 0 })).toBe(0);
  });
});

describe('createThrottleBudget', () => {
  it('does not wait for a shop it has not heard about', () => {
    const budget = createThrottleBudget(() => 0);
    expect(budget.waitFor('acme.myshopify.com', 50)).toBe(0);
  });

  it('refills the last reported bucket at its restore rate, up to its maximum', () => {
    let clock = 1000;
    const budget = createThrottleBudget(() => clock);
    budget.observe('acme.myshopify.com', bucket);
    expect(budget.waitFor('acme.myshopify.com', 10)).toBe(500);
    clock += 300;
    expect(budget.waitFor('acme.myshopify.com', 10)).toBe(200);
    clock += 60_000;
    expect(budget.waitFor('acme.myshopify.com', 100)).toBe(0);
  });

  it('queues concurrent requests: points spent are gone for the next one', () => {
    const budget = createThrottleBudget(() => 0);
    budget.observe('acme.myshopify.com', { ...bucket, currentlyAvailable: 20 });
    expect(budget.waitFor('acme.myshopify.com', 15)).toBe(0);
    budget.spend('acme.myshopify.com', 15);
    expect(budget.waitFor('acme.myshopify.com', 15)).toBe(1000);
    budget.spend('acme.myshopify.com', 15);
    expect(budget.waitFor('acme.myshopify.com', 15)).toBe(2500);
  });

  it('keeps each shop apart', () => {
    const budget = createThrottleBudget(() => 0);
    budget.observe('acme.myshopify.com', { ...bucket, currentlyAvailable: 0 });
    expect(budget.waitFor('acme.myshopify.com', 10)).toBe(1000);
    expect(budget.waitFor('other.myshopify.com', 10)).toBe(0);
  });
});
