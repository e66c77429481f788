import { describe, expect, it } from 'vitest';
import { kindLabels, settlementLabels } from '../../console/src/labels.js';
import { demandKinds, settlements } from '../../server/src/legacy/enums.js';

/** Operators and users talk about the same demand: the console names its kind as users' apps do. */
describe('the console’s demand labels', () => {
  it('are the labels the legacy door answers (titletype, pricetype)', () => {
    for (const [kind, label] of Object.entries(kindLabels)) {
      expect(label, kind).toBe(demandKinds.label(kind as keyof typeof kindLabels));
    }
    for (const [settlement, label] of Object.entries(settlementLabels)) {
      expect(label, settlement).toBe(settlements.label(settlement as keyof typeof settlementLabels));
    }
  });
});
