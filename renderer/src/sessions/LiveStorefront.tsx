import {
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type Ref,
  type RefObject,
} from 'react';
import type { ViewInput } from '../../../shared/ipc/view-input';
import { createInputSender, keyInput, pagePoint, pastedText, wheelInput } from './storefront-input';

export interface LiveStorefrontProps {
  /** The session's screencast: an MJPEG stream an <img> shows as it comes. */
  streamUrl: string;
  customerName: string;
  /** Keep it the same function for the session: input keeps its order within one sender. */
  sendInput: (input: ViewInput) => Promise<boolean>;
  /** The box the storefront fills, whose size the storefront's page takes. */
  screenRef?: Ref<HTMLDivElement>;
}

type StreamState = 'connecting' | 'live' | 'stopped';

/** The page is seen: a hidden tab closes the stream, so the storefront is not filmed for nobody. */
function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState !== 'hidden');
  useEffect(() => {
    const update = () => {
      setVisible(document.visibilityState !== 'hidden');
    };
    document.addEventListener('visibilitychange', update);
    return () => {
      document.removeEventListener('visibilitychange', update);
    };
  }, []);
  return visible;
}

/** The wheel scrolls the storefront, not the console: a passive React listener could not stop that. */
function useWheelInto(
  surface: RefObject<HTMLDivElement | null>,
  image: RefObject<HTMLImageElement | null>,
  send: (input: ViewInput) => void,
): void {
  useEffect(() => {
    const element = surface.current;
    if (!element) return;
    const turn = (event: WheelEvent) => {
      event.preventDefault();
      const input = image.current ? wheelInput(image.current, event) : null;
      if (input) send(input);
    };
    element.addEventListener('wheel', turn, { passive: false });
    return () => {
      element.removeEventListener('wheel', turn);
    };
  }, [surface, image, send]);
}

const STATUS: Record<StreamState, string> = {
  connecting: 'Connecting to the storefront…',
  live: 'Live storefront: click into it to use it. Keys go to it while it has focus; Escape gives them back.',
  stopped: 'The storefront view stopped.',
};

/**
 * The browser tier's stand-in for the desktop storefront view: the session's storefront live, and
 * the agent's clicks, wheel, keys and pasted text sent into it. Keys go to the storefront while
 * this has focus (Tab too, to move between its fields); Escape gives them back to the console.
 */
/** Numbers each shown storefront, so every one opens its own stream. */
let connections = 0;

/**
 * The stream's address for one connection: an `<img>` whose address the page has shown before
 * takes the picture it already has (the document's list of images) instead of asking again.
 */
function connectionUrl(streamUrl: string, id: string): string {
  const url = new URL(streamUrl, window.location.href);
  url.searchParams.set('connection', id);
  return url.toString();
}

export function LiveStorefront({ streamUrl, customerName, sendInput, screenRef }: LiveStorefrontProps) {
  const surface = useRef<HTMLDivElement>(null);
  const image = useRef<HTMLImageElement>(null);
  const visible = usePageVisible();
  const [attempt, setAttempt] = useState(0);
  // A new address for each connection (address, attempt, the page shown again, the storefront
  // shown again after a crash); each starts out connecting.
  const src = useMemo(
    () => connectionUrl(streamUrl, `${String(++connections)}.${String(attempt)}.${visible ? 'shown' : 'hidden'}`),
    [streamUrl, attempt, visible],
  );
  const [seen, setSeen] = useState<{ connection: string; state: StreamState }>({
    connection: src,
    state: 'connecting',
  });
  const state = seen.connection === src ? seen.state : 'connecting';
  const send = useMemo(() => createInputSender(sendInput), [sendInput]);
  useWheelInto(surface, image, send);

  function click(event: MouseEvent<HTMLImageElement>) {
    const point = pagePoint(event.currentTarget, event.clientX, event.clientY);
    if (point) send({ type: 'click', ...point, clickCount: Math.min(3, Math.max(1, event.detail)) });
  }

  function key(event: KeyboardEvent<HTMLDivElement>) {
    if (event.nativeEvent.isComposing) return;
    const input = keyInput(event);
    if (!input) return;
    event.preventDefault();
    if (input === 'leave') event.currentTarget.blur();
    else send(input);
  }

  return (
    <div className="preview">
      <div className="preview-frame" ref={screenRef}>
        <div
          ref={surface}
          role="application"
          tabIndex={0}
          aria-label={`Storefront of ${customerName}: while this has focus, keys go to the customer’s storefront; press Escape to return to the console`}
          onKeyDown={key}
          onPaste={(event) => {
            event.preventDefault();
            for (const piece of pastedText(event.clipboardData.getData('text/plain'))) send(piece);
          }}
        >
          {visible && state !== 'stopped' && (
            <img
              key={attempt}
              ref={image}
              src={src}
              alt={`Live preview of the storefront as ${customerName} sees it`}
              draggable={false}
              onClick={click}
              onLoad={() => {
                setSeen({ connection: src, state: 'live' });
              }}
              onError={() => {
                setSeen({ connection: src, state: 'stopped' });
              }}
            />
          )}
        </div>
      </div>
      <p className="muted small" role="status">
        {STATUS[state]}{' '}
        {state === 'stopped' && (
          <button
            type="button"
            className="link"
            onClick={() => {
              setAttempt((n) => n + 1);
            }}
          >
            Reconnect
          </button>
        )}
      </p>
    </div>
  );
}
