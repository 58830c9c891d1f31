import type { Page } from '@playwright/test';
import type { ViewInput } from '../../shared/ipc/view-input';

/**
 * The agent's input played into the storefront's page as a person's own would be (mouse and
 * keyboard events), so the page's handlers and the navigation policy see nothing special.
 */
export async function playInput(page: Page, input: ViewInput): Promise<void> {
  switch (input.type) {
    case 'click': {
      // One press per forwarded click, carrying its place in a double click, so `dblclick` fires.
      const press = { button: input.button ?? 'left', clickCount: input.clickCount ?? 1 } as const;
      await page.mouse.move(input.x, input.y);
      await page.mouse.down(press);
      await page.mouse.up(press);
      return;
    }
    case 'wheel':
      await page.mouse.move(input.x, input.y);
      await page.mouse.wheel(input.deltaX, input.deltaY);
      return;
    case 'key':
      await page.keyboard.press(input.key);
      return;
    case 'text':
      await page.keyboard.type(input.text);
  }
}

export interface InputQueue {
  page: Page;
  /** The input played so far; never rejects. */
  inputs: Promise<unknown>;
}

/** Plays `input` once the view's earlier input has been played, so keys and text keep their order. */
export function playInOrder(view: InputQueue, input: ViewInput): Promise<void> {
  const played = view.inputs.then(() => playInput(view.page, input));
  view.inputs = played.catch(() => undefined);
  return played;
}
