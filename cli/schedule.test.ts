import { describe, expect, it } from 'vitest';
import { CliError } from './common.js';
import { validateScheduleOptions } from './schedule.js';

describe('validateScheduleOptions (before anything starts)', () => {
  it('accepts an interval or a cron expression, with or without a catch-up window', () => {
    for (const opts of [
      { every: '6h' },
      { every: '30m', catchupWindow: '10m' },
      { every: '1d' },
      { cron: '0 6 * * *' },
      { cron: '*/15 * * * 1-5', catchupWindow: '1h' },
      { cron: '@daily' },
    ]) {
      expect(() => validateScheduleOptions(opts), JSON.stringify(opts)).not.toThrow();
    }
  });

  it('wants exactly one of --cron and --every', () => {
    expect(() => validateScheduleOptions({})).toThrow(/exactly one of --cron .* or --every/);
    expect(() => validateScheduleOptions({ cron: '0 6 * * *', every: '6h' })).toThrow(CliError);
  });

  it('names the flag and the value it could not read', () => {
    expect(() => validateScheduleOptions({ every: 'often' })).toThrow(
      '--every: expected a duration like 30m, 6h or 1d, got "often"',
    );
    expect(() => validateScheduleOptions({ every: '0s' })).toThrow(/--every/);
    expect(() => validateScheduleOptions({ every: '6h', catchupWindow: 'soon' })).toThrow(/--catchup-window/);
    expect(() => validateScheduleOptions({ cron: '0 6' })).toThrow(
      '--cron: expected 5 fields (minute hour day-of-month month day-of-week), got "0 6"',
    );
  });
});
