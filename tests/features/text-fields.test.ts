import { describe, expect, it } from 'vitest';
import { multilineText, text } from '../../server/src/fields.js';

describe('text fields', () => {
  it('reads a tab pasted into one-line text as a space', () => {
    expect(text(50).parse(' 价格不合理\t请修改\t\t尾号1234\t')).toBe('价格不合理 请修改 尾号1234');
  });

  it('drops the invisible spaces of text copied from a page, and keeps the joiners emoji need', () => {
    expect(text(50).parse('\ufeff网站\u200b开发\u2060外包 ')).toBe('网站开发外包');
    expect(text(50).parse('👩\u200d💻')).toBe('👩\u200d💻');
  });

  it('still refuses other control characters, saying so', () => {
    const refused = text(50).safeParse('a\u0000b');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('must not contain control characters');
    expect(text(50).safeParse('名字\u202e').success).toBe(false);
    expect(text(50).safeParse('一行\n两行').success).toBe(false);
    expect(multilineText(50).safeParse('a\u0007').error?.issues[0]?.message).toBe(
      'must not contain control characters',
    );
  });

  it('keeps the tabs and line breaks of multi-line text', () => {
    expect(multilineText(50).parse('一\t二\r\n三')).toBe('一\t二\n三');
  });
});
