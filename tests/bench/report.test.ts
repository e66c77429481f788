import { describe, expect, it } from 'vitest';
import { everyRound, strayOfRounds } from '../../bench/report.js';

describe('the bench report’s per-round ratios', () => {
  it('judges a target on its worst round, shown beside the median', () => {
    const cpu = everyRound('L1 / B3', [1.1, 1.25, 1.05], { max: 1.2 });
    expect(cpu).toMatchObject({ value: 1.1, worst: 1.25, met: false });
    expect(everyRound('L1 / B3', [0.95, 0.91, 1.02], { min: 0.9 })).toMatchObject({ worst: 0.91, met: true });
  });

  it('shows how far a same-variant ratio strayed, either way, with no target', () => {
    // 0.8 is further from 1 than 1.2 is, as a factor (1 / 0.8 = 1.25).
    expect(strayOfRounds('B3 again / B3', [1.2, 0.8, 1.01])).toEqual({
      name: 'B3 again / B3',
      value: 1.01,
      worst: 0.8,
    });
    expect(strayOfRounds('B3 again / B3', [0.9, 1.15])).toMatchObject({ worst: 1.15 });
    expect(strayOfRounds('none', []).value).toBeNaN();
  });
});
