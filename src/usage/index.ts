export {
  assertBudgetLeft,
  type Budget,
  type BudgetBreach,
  type BudgetInput,
  budgetMessage,
  deleteBudget,
  listBudgets,
  setBudget,
  spentBudget,
} from './budgets.js';
export {
  type UsageDimension,
  type UsageQuery,
  type UsageReport,
  type UsageRow,
  usageDimensions,
  usageReport,
} from './usage-report.js';
