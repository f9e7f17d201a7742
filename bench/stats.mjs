// @ts-check

/**
 * The median (mean of the middle two for an even count); NaN for none.
 *
 * @param {readonly number[]} values
 */
export function median(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

/**
 * The nearest-rank percentile `p` (0-100) of ascending values; NaN for none.
 *
 * @param {readonly number[]} sorted
 * @param {number} p
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/**
 * Rounds for a report: `digits` decimals, and NaN/Infinity become null (JSON has neither).
 *
 * @param {number} value
 * @param {number} digits
 * @returns {number | null}
 */
export function round(value, digits) {
  if (!Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * How far single rounds strayed: the lowest and highest value, and their distance as a percentage of the median
 * (a reader's "is this figure repeatable?"); nulls when there is nothing to compare.
 *
 * @param {readonly (number | null)[]} values
 * @param {number} digits
 * @returns {{ min: number | null, max: number | null, spreadPct: number | null }}
 */
export function spread(values, digits) {
  const finite = /** @type {number[]} */ (values.filter((v) => v !== null && Number.isFinite(v)));
  if (finite.length === 0) return { min: null, max: null, spreadPct: null };
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const mid = median(finite);
  return { min: round(min, digits), max: round(max, digits), spreadPct: round(((max - min) / mid) * 100, 1) };
}
