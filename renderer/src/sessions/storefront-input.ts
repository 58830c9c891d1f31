import { KEY_PATTERN, MAX_TEXT_LENGTH, NAMED_KEYS, type ViewInput } from '../../../shared/ipc/view-input';

/**
 * The agent's keys, wheel and clicks on the browser tier's live storefront, as the input the
 * storefront takes (shared/ipc/view-input.ts), and their sending in order.
 */

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/** Escape gives the keys back to the console. */
export type KeyOutcome = ViewInput | 'leave' | null;

const NAMED: ReadonlySet<string> = new Set(NAMED_KEYS);

function isCharacter(key: string): boolean {
  return /^.$/su.test(key);
}

/** A key as storefront input: plain characters as text, others by name with their modifiers; null when not sent. */
export function keyInput(press: KeyPress): KeyOutcome {
  const { key, ctrlKey, altKey, metaKey, shiftKey } = press;
  if (key === 'Escape' && !ctrlKey && !altKey && !metaKey && !shiftKey) return 'leave';
  // AltGr arrives as Control+Alt and types a character.
  const typing = (!ctrlKey && !altKey && !metaKey) || (ctrlKey && altKey && !metaKey);
  if (isCharacter(key) && typing) return { type: 'text', text: key };
  // Pasting is the paste event's, which carries the console's clipboard.
  if ((ctrlKey || metaKey) && key.toLowerCase() === 'v') return null;
  const name = key === ' ' ? 'Space' : key;
  if (!NAMED.has(name) && !isCharacter(name)) return null;
  const modifiers = [
    ctrlKey && 'Control',
    altKey && 'Alt',
    metaKey && 'Meta',
    shiftKey && !isCharacter(name) && 'Shift',
  ];
  const combo = [...modifiers.filter((m) => m !== false), name].join('+');
  return KEY_PATTERN.test(combo) ? { type: 'key', key: combo } : null;
}

/** Pasted text as text inputs: control characters become spaces, long text goes in pieces. */
export function pastedText(text: string): ViewInput[] {
  const clean = text.replace(/\p{Cc}+/gu, ' ');
  const pieces: ViewInput[] = [];
  for (let at = 0; at < clean.length; at += MAX_TEXT_LENGTH)
    pieces.push({ type: 'text', text: clean.slice(at, at + MAX_TEXT_LENGTH) });
  return pieces;
}

export interface ShownImage {
  naturalWidth: number;
  naturalHeight: number;
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
}

/** A point on the shown image in the frame's pixels, which are the storefront page's; null off the picture. */
export function pagePoint(image: ShownImage, clientX: number, clientY: number): { x: number; y: number } | null {
  const rect = image.getBoundingClientRect();
  if (image.naturalWidth === 0 || rect.width === 0 || rect.height === 0) return null;
  const x = ((clientX - rect.left) * image.naturalWidth) / rect.width;
  const y = ((clientY - rect.top) * image.naturalHeight) / rect.height;
  if (x < 0 || y < 0 || x > image.naturalWidth || y > image.naturalHeight) return null;
  return { x: Math.round(x), y: Math.round(y) };
}

const LINE_PIXELS = 40;
const MAX_DELTA = 10_000;

export interface WheelTurn {
  clientX: number;
  clientY: number;
  deltaX: number;
  deltaY: number;
  /** 0 pixels, 1 lines, 2 pages (WheelEvent.deltaMode). */
  deltaMode: number;
}

/** A wheel turn over the image as a wheel input at page pixels; null off the picture. */
export function wheelInput(image: ShownImage, turn: WheelTurn): ViewInput | null {
  const point = pagePoint(image, turn.clientX, turn.clientY);
  if (!point) return null;
  const rect = image.getBoundingClientRect();
  const unit = turn.deltaMode === 1 ? LINE_PIXELS : turn.deltaMode === 2 ? rect.height : 1;
  const scale = (image.naturalWidth / rect.width) * unit;
  const clamp = (delta: number) => Math.max(-MAX_DELTA, Math.min(MAX_DELTA, Math.round(delta * scale)));
  return { type: 'wheel', ...point, deltaX: clamp(turn.deltaX), deltaY: clamp(turn.deltaY) };
}

/** `next` folded into `last` when they can go as one: typing while a send is on its way, a turning wheel. */
function merged(last: ViewInput, next: ViewInput): ViewInput | null {
  if (last.type === 'text' && next.type === 'text' && last.text.length + next.text.length <= MAX_TEXT_LENGTH)
    return { type: 'text', text: last.text + next.text };
  if (last.type === 'wheel' && next.type === 'wheel') {
    const sum = (a: number, b: number) => Math.max(-MAX_DELTA, Math.min(MAX_DELTA, a + b));
    return { ...next, deltaX: sum(last.deltaX, next.deltaX), deltaY: sum(last.deltaY, next.deltaY) };
  }
  return null;
}

/**
 * Sends input one piece at a time, so the storefront gets it in the order it was made; what
 * waits meanwhile is merged where it can be. A piece that fails is dropped.
 */
export function createInputSender(send: (input: ViewInput) => Promise<unknown>): (input: ViewInput) => void {
  const waiting: ViewInput[] = [];
  let sending = false;

  async function drain(): Promise<void> {
    sending = true;
    for (let next = waiting.shift(); next; next = waiting.shift()) await send(next).catch(() => undefined);
    sending = false;
  }

  return (input) => {
    const last = waiting.at(-1);
    const both = last ? merged(last, input) : null;
    if (both) waiting[waiting.length - 1] = both;
    else waiting.push(input);
    if (!sending) void drain();
  };
}
