export {
  monthStart,
  type UsageDimension,
  type UsageQuery,
  type UsageReport,
  type UsageRow,
  type UsageTotals,
  usageDimensions,
  usageReport,
} from './usage-report.js';
