import { NEAR_BUDGET_FRACTION, apiBudget } from 'c/siaApiBudget';

describe('apiBudget', () => {
  it('allows the percent of the allowance, in whole requests', () => {
    expect(apiBudget(0, 15_000, 50).budgetRequests).toBe(7_500);
    expect(apiBudget(0, 15_000, 100).budgetRequests).toBe(15_000);
    expect(apiBudget(0, 15_000, 1).budgetRequests).toBe(150);
  });

  it('rounds the budget down, so the service never spends past its share', () => {
    // Half of 15,001 is 7,500.5 requests: the 7,501st would pass it.
    expect(apiBudget(0, 15_001, 50).budgetRequests).toBe(7_500);
    expect(apiBudget(7_499, 15_001, 50).overBudget).toBe(false);
    expect(apiBudget(7_500, 15_001, 50).overBudget).toBe(true);
    expect(apiBudget(0, 999, 33).budgetRequests).toBe(329);
  });

  it('is over budget from the last allowed request on', () => {
    expect(apiBudget(7_499, 15_000, 50)).toMatchObject({ overBudget: false, nearBudget: true });
    expect(apiBudget(7_500, 15_000, 50)).toMatchObject({ overBudget: true, budgetFraction: 1 });
    expect(apiBudget(9_000, 15_000, 50)).toMatchObject({ overBudget: true, budgetFraction: 1.2 });
  });

  it('warns from 90 % of the budget', () => {
    expect(NEAR_BUDGET_FRACTION).toBe(0.9);
    expect(apiBudget(6_749, 15_000, 50).nearBudget).toBe(false);
    expect(apiBudget(6_750, 15_000, 50).nearBudget).toBe(true);
  });

  it('counts a budget of no requests as spent', () => {
    expect(apiBudget(0, 1, 50)).toEqual({
      budgetRequests: 0,
      budgetFraction: 1,
      overBudget: true,
      nearBudget: true,
    });
  });
});
