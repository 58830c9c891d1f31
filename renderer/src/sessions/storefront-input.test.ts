import { describe, expect, it } from 'vitest';
import { MAX_TEXT_LENGTH, ViewInput } from '../../../shared/ipc/view-input';
import { keyInput, pagePoint, pastedText } from './storefront-input';

const none = { ctrlKey: false, altKey: false, metaKey: false, shiftKey: false };

describe('storefront input', () => {
  it('makes only input the storefront takes', () => {
    const presses = [
      { ...none, key: 'é' },
      { ...none, key: '😀' },
      { ...none, key: '@', ctrlKey: true, altKey: true },
      { ...none, key: 'ArrowLeft', ctrlKey: true, shiftKey: true },
      { ...none, key: 'Z', ctrlKey: true, shiftKey: true },
      { ...none, key: ' ', shiftKey: true },
      { ...none, key: 'PageDown' },
    ];
    const inputs = presses.map(keyInput);
    expect(inputs).toEqual([
      { type: 'text', text: 'é' },
      { type: 'text', text: '😀' },
      { type: 'text', text: '@' },
      { type: 'key', key: 'Control+Shift+ArrowLeft' },
      { type: 'key', key: 'Control+Z' },
      { type: 'text', text: ' ' },
      { type: 'key', key: 'PageDown' },
    ]);
    for (const input of inputs) expect(ViewInput.safeParse(input).success).toBe(true);
  });

  it('sends nothing for keys the storefront does not take, nor for a paste shortcut', () => {
    for (const press of [
      { ...none, key: 'F5' },
      { ...none, key: 'Dead' },
      { ...none, key: 'Unidentified' },
      { ...none, key: 'Control', ctrlKey: true },
      { ...none, key: 'v', ctrlKey: true },
      { ...none, key: 'v', metaKey: true },
      { ...none, key: 'é', ctrlKey: true },
    ])
      expect(keyInput(press), press.key).toBeNull();
  });

  it('cuts a long paste into pieces the storefront takes', () => {
    const pieces = pastedText(`${'a'.repeat(MAX_TEXT_LENGTH)}\tb`);
    expect(pieces).toEqual([
      { type: 'text', text: 'a'.repeat(MAX_TEXT_LENGTH) },
      { type: 'text', text: ' b' },
    ]);
    expect(pastedText('')).toEqual([]);
  });

  it('finds no page point off the picture or before the first frame', () => {
    const rect = () => DOMRect.fromRect({ x: 0, y: 0, width: 400, height: 250 });
    expect(pagePoint({ naturalWidth: 800, naturalHeight: 500, getBoundingClientRect: rect }, 401, 10)).toBeNull();
    expect(pagePoint({ naturalWidth: 0, naturalHeight: 0, getBoundingClientRect: rect }, 10, 10)).toBeNull();
    expect(pagePoint({ naturalWidth: 800, naturalHeight: 500, getBoundingClientRect: rect }, 0.2, 249.9)).toEqual({
      x: 0,
      y: 500,
    });
  });
});
