// The API budget rule, shared by the SIA Sync Health page (which shows it) and the sync service
// (which slows down by it); the service imports this file by relative path, so it stays
// self-contained: no imports, erasable TypeScript only, no DOM.
//
// Api_Budget_Percent__c is the share of the org's daily API allowance the service may spend.
// Sforce-Limit-Info reports the org's requests used and allowed (everyone's, not only the
// service's), and the budget is measured against that.

/** Share of the budget from which Sync Health warns that the service is about to slow down. */
export const NEAR_BUDGET_FRACTION = 0.9;

export interface ApiBudget {
  /**
   * The requests the budget allows: the allowance times the percent, rounded down. Rounding down
   * keeps the service inside its share: of an allowance of 15,001 at 50 % the budget is 7,500
   * requests, since a 7,501st would pass half the allowance.
   */
  budgetRequests: number;
  /** used / budgetRequests: 0..1, or more once over (1 when the budget allows no request at all). */
  budgetFraction: number;
  /** The budget is spent: the service slows down and says so, never fails the work. */
  overBudget: boolean;
  /** At NEAR_BUDGET_FRACTION of the budget or more. */
  nearBudget: boolean;
}

/** Where `used` of `allowed` requests stands against a budget of `budgetPercent` % of the allowance. */
export function apiBudget(used: number, allowed: number, budgetPercent: number): ApiBudget {
  const budgetRequests = Math.floor((allowed * budgetPercent) / 100);
  const budgetFraction = budgetRequests > 0 ? used / budgetRequests : 1;
  return {
    budgetRequests,
    budgetFraction,
    overBudget: used >= budgetRequests,
    nearBudget: budgetFraction >= NEAR_BUDGET_FRACTION,
  };
}
