import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ACADEMIC_LEVELS,
  academicLevelFromIsced,
  isAcademicLevel,
  isIscedLevel,
  iscedFromAcademicLevel,
} from './academic-level.ts';

describe('academic level', () => {
  it('maps 6/7/8 to BACHELOR/MASTER/DOCTORATE and back', () => {
    assert.equal(academicLevelFromIsced(6), 'BACHELOR');
    assert.equal(academicLevelFromIsced(7), 'MASTER');
    assert.equal(academicLevelFromIsced(8), 'DOCTORATE');
    assert.equal(iscedFromAcademicLevel('BACHELOR'), 6);
    assert.equal(iscedFromAcademicLevel('master'), 7);
    assert.equal(iscedFromAcademicLevel('Doctorate'), 8);
    for (const level of ACADEMIC_LEVELS) {
      const isced = iscedFromAcademicLevel(level);
      assert.ok(isced !== undefined && academicLevelFromIsced(isced) === level);
    }
  });

  it('answers undefined for anything else (property)', () => {
    fc.assert(
      fc.property(fc.integer(), (n) => {
        assert.equal(academicLevelFromIsced(n) !== undefined, n >= 6 && n <= 8);
        assert.equal(isIscedLevel(n), n >= 6 && n <= 8);
      }),
    );
    assert.equal(iscedFromAcademicLevel('PHD'), undefined);
    assert.ok(!isAcademicLevel('master'));
    assert.ok(isAcademicLevel('MASTER'));
  });
});
