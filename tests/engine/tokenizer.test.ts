// The byte-level BPE: exact round trips on any text, deterministic training, JSON persistence.
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/engine/tokenizer.js';

const corpus = [
  'The Congress of the United States shall assemble at least once in every year.',
  'We the people of the United States, in order to form a more perfect union, establish justice.',
  'The state of the union is strong; the people of the states are strong.',
  'In 1863 the Congress met; in 1864 the Congress met again, and the union endured.',
];

describe('Tokenizer', () => {
  const tok = Tokenizer.train(corpus, 300);

  it('round-trips any text exactly, including text it never saw', () => {
    for (const text of [corpus[0]!, 'naïve café — 東京 😀\n\n\ttabs  and  spaces', '', ' leading space', 'Spam!!! $$$ WIN http://x.y/z?q=1']) {
      expect(tok.decode(tok.encode(text))).toBe(text);
    }
  });

  it('learns merges: frequent words become few tokens', () => {
    expect(tok.vocabSize).toBe(300);
    expect(tok.encode(' the').length).toBe(1);
    expect(tok.encode(' Congress').length).toBeLessThan(' Congress'.length);
    const ids = tok.encode(corpus.join(' '));
    expect(ids.every((id) => id >= 5 && id < tok.vocabSize)).toBe(true);
  });

  it('reserves special tokens that encode never produces', () => {
    expect([tok.pad, tok.bos, tok.eos, tok.unk, tok.cls]).toEqual([0, 1, 2, 3, 4]);
    expect(tok.decode([tok.bos, ...tok.encode('hi'), tok.eos, tok.pad])).toBe('hi');
  });

  it('trains deterministically and survives toJSON/fromJSON', () => {
    const again = Tokenizer.train(corpus, 300);
    expect(again.toJSON()).toEqual(tok.toJSON());
    const restored = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tok.toJSON())));
    const text = 'The people of the union assemble in 1865.';
    expect(restored.encode(text)).toEqual(tok.encode(text));
    expect(restored.vocabSize).toBe(tok.vocabSize);
  });

  it('stops early when nothing is left to merge, and rejects a too-small vocabulary', () => {
    expect(Tokenizer.train(['ab ab'], 1000).vocabSize).toBeLessThan(1000);
    expect(() => Tokenizer.train(corpus, 100)).toThrow(/vocabSize must be an integer of at least 261/);
  });

  it('rejects a tokenizer.json that is not one', () => {
    expect(() => Tokenizer.fromJSON({ type: 'other' })).toThrow(/not a finesweep tokenizer/);
    expect(() => Tokenizer.fromJSON({ type: 'finesweep-byte-bpe', merges: [[1, 'x']] })).toThrow(/pairs of token ids/);
    expect(() => Tokenizer.fromJSON({ type: 'finesweep-byte-bpe', merges: [[999, 5]] })).toThrow(/unknown token/);
  });
});
