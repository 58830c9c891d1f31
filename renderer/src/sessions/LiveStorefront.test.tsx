import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { ViewInput } from '../../../shared/ipc/view-input';
import { LiveStorefront } from './LiveStorefront';

afterEach(cleanup);

const STREAM = 'http://console.test/views/ses_1/screencast?token=t';

/** A sendInput whose answers the test releases, so the order and merging of what waits can be seen. */
function recordingSender() {
  const sent: ViewInput[] = [];
  const pending: (() => void)[] = [];
  const sendInput = (input: ViewInput) => {
    sent.push(input);
    return new Promise<boolean>((resolve) => {
      pending.push(() => {
        resolve(true);
      });
    });
  };
  /** Answers every send so far, and the ones that follow from them. */
  async function answerAll() {
    while (pending.length > 0) {
      await act(async () => {
        pending.shift()?.();
        await Promise.resolve();
      });
    }
  }
  return { sent, sendInput, answerAll };
}

/** The frame is 800×500 page pixels, shown at half size 10 px from the left and 20 px from the top. */
function showFrame(img: HTMLImageElement) {
  Object.defineProperty(img, 'naturalWidth', { value: 800 });
  Object.defineProperty(img, 'naturalHeight', { value: 500 });
  img.getBoundingClientRect = () => DOMRect.fromRect({ x: 10, y: 20, width: 400, height: 250 });
  fireEvent.load(img);
}

function renderLive() {
  const sender = recordingSender();
  render(<LiveStorefront streamUrl={STREAM} customerName="Jane Smith" sendInput={sender.sendInput} />);
  const img = screen.getByRole<HTMLImageElement>('img', {
    name: 'Live preview of the storefront as Jane Smith sees it',
  });
  const surface = screen.getByRole('application', {
    name: /^Storefront of Jane Smith: .*keys go to the customer’s storefront.*Escape/,
  });
  showFrame(img);
  return { ...sender, img, surface };
}

describe('LiveStorefront', () => {
  it('shows the stream, says when it is live or stopped, and connects again on request', () => {
    const sender = recordingSender();
    render(<LiveStorefront streamUrl={STREAM} customerName="Jane Smith" sendInput={sender.sendInput} />);
    const img = screen.getByRole<HTMLImageElement>('img', { name: /Live preview of the storefront/ });
    expect(img.src).toMatch(/^http:\/\/console\.test\/views\/ses_1\/screencast\?token=t&connection=\d+\.0\.shown$/);
    expect(screen.getByRole('status').textContent).toBe('Connecting to the storefront… ');
    fireEvent.load(img);
    expect(screen.getByRole('status').textContent).toMatch(/^Live storefront: click into it/);
    fireEvent.error(img);
    expect(screen.getByRole('status').textContent).toMatch(/^The storefront view stopped\./);
    expect(screen.queryByRole('img')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    expect(screen.getByRole<HTMLImageElement>('img').src).not.toBe(img.src);
    expect(screen.getByRole('status').textContent).toBe('Connecting to the storefront… ');
  });

  it('sends a click at the page’s pixels, with its place in a double click', async () => {
    const { img, sent, answerAll } = renderLive();
    fireEvent.click(img, { clientX: 110, clientY: 70, detail: 1 });
    fireEvent.click(img, { clientX: 410, clientY: 270, detail: 2 });
    await answerAll();
    expect(sent).toEqual([
      { type: 'click', x: 200, y: 100, clickCount: 1 },
      { type: 'click', x: 800, y: 500, clickCount: 2 },
    ]);
  });

  it('sends typed characters as text and other keys by name, in order, merging what waits', async () => {
    const { surface, sent, answerAll } = renderLive();
    surface.focus();
    const typed = ['J', 'a', 'n', 'e'].map((key) => fireEvent.keyDown(surface, { key }));
    // Cancelled: the console page does nothing else with them.
    expect(typed).toEqual([false, false, false, false]);
    fireEvent.keyDown(surface, { key: ' ' });
    fireEvent.keyDown(surface, { key: 'Backspace' });
    fireEvent.keyDown(surface, { key: 'Tab', shiftKey: true });
    fireEvent.keyDown(surface, { key: 'a', ctrlKey: true });
    fireEvent.keyDown(surface, { key: 'Enter' });
    // Not the storefront's: function keys and a lone modifier stay the browser's.
    expect(fireEvent.keyDown(surface, { key: 'F5' })).toBe(true);
    expect(fireEvent.keyDown(surface, { key: 'Shift', shiftKey: true })).toBe(true);
    await answerAll();
    expect(sent).toEqual([
      { type: 'text', text: 'J' },
      { type: 'text', text: 'ane ' },
      { type: 'key', key: 'Backspace' },
      { type: 'key', key: 'Shift+Tab' },
      { type: 'key', key: 'Control+a' },
      { type: 'key', key: 'Enter' },
    ]);
  });

  it('gives the keys back to the console on Escape', () => {
    const { surface, sent } = renderLive();
    surface.focus();
    expect(document.activeElement).toBe(surface);
    expect(fireEvent.keyDown(surface, { key: 'Escape' })).toBe(false);
    expect(document.activeElement).not.toBe(surface);
    expect(sent).toEqual([]);
  });

  it('turns the wheel in the storefront, not in the console page', async () => {
    const { surface, sent, answerAll } = renderLive();
    const turn = ({ clientX, clientY, ...init }: WheelEventInit & { clientX: number; clientY: number }) => {
      const event = new WheelEvent('wheel', { bubbles: true, cancelable: true, ...init });
      // happy-dom's WheelEvent has no mouse position; a browser's has.
      Object.defineProperties(event, { clientX: { value: clientX }, clientY: { value: clientY } });
      return surface.dispatchEvent(event);
    };
    expect(turn({ clientX: 110, clientY: 70, deltaY: 100 })).toBe(false);
    // Turns made while one is on its way go as one.
    turn({ clientX: 110, clientY: 70, deltaY: 50 });
    turn({ clientX: 120, clientY: 70, deltaY: 1, deltaMode: 1 });
    await answerAll();
    expect(sent).toEqual([
      { type: 'wheel', x: 200, y: 100, deltaX: 0, deltaY: 200 },
      { type: 'wheel', x: 220, y: 100, deltaX: 0, deltaY: 180 },
    ]);
  });

  it('pastes the console’s clipboard as text, without line breaks', async () => {
    const { surface, sent, answerAll } = renderLive();
    fireEvent.paste(surface, { clipboardData: { getData: () => '12 Main St\r\nSpringfield' } });
    await answerAll();
    expect(sent).toEqual([{ type: 'text', text: '12 Main St Springfield' }]);
  });
});
