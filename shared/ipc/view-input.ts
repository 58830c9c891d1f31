import { z } from 'zod';

/**
 * What the browser tier's console page may send into a session's storefront
 * (`POST /views/<sessionId>/input`): the agent's clicks, wheel, keys and text, at page pixels.
 * The page checks its input against this before sending; the server refuses anything else.
 */

/** Keys other than plain characters, as Playwright names them; plain characters go as `text`. */
export const NAMED_KEYS = [
  'Enter',
  'Tab',
  'Backspace',
  'Delete',
  'Escape',
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'Space',
] as const;

export const KEY_MODIFIERS = ['Control', 'Alt', 'Meta', 'Shift'] as const;

/** Up to three modifiers, then a named key or one printable ASCII character: `Shift+Tab`, `Control+a`. */
export const KEY_PATTERN = new RegExp(`^(?:(?:${KEY_MODIFIERS.join('|')})\\+){0,3}(?:${NAMED_KEYS.join('|')}|[!-~])$`);

/** A paste or a burst of typing goes as one piece; longer text is refused rather than cut. */
export const MAX_TEXT_LENGTH = 500;

const MAX_PIXEL = 10_000;
const MAX_DELTA = 10_000;

const Pixel = z.number().min(0).max(MAX_PIXEL);
const Delta = z.number().min(-MAX_DELTA).max(MAX_DELTA);

export const ViewInput = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('click'),
      x: Pixel,
      y: Pixel,
      button: z.enum(['left', 'middle', 'right']).optional(),
      /** The click's place in a double or triple click (the DOM's `detail`). */
      clickCount: z.number().int().min(1).max(3).optional(),
    })
    .strict(),
  z.object({ type: z.literal('wheel'), x: Pixel, y: Pixel, deltaX: Delta, deltaY: Delta }).strict(),
  z.object({ type: z.literal('key'), key: z.string().max(40).regex(KEY_PATTERN) }).strict(),
  z
    .object({
      type: z.literal('text'),
      // Control characters (Enter, Tab…) are keys, not text.
      text: z
        .string()
        .min(1)
        .max(MAX_TEXT_LENGTH)
        .regex(/^[^\p{Cc}]+$/u),
    })
    .strict(),
]);
export type ViewInput = z.infer<typeof ViewInput>;
