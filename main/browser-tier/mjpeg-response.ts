import type { ServerResponse } from 'node:http';
import type { FrameSink } from './view-screencast';

/**
 * JPEG frames as one `multipart/x-mixed-replace` answer, which an `<img>` shows as a moving
 * picture. Chromium shows a part once the next part's head has come, so each frame is followed at
 * once by the boundary and the head of the part after it (parts are delimited by the boundary, with
 * no length): the last frame shows without waiting for another. A viewer that reads slower than
 * frames come skips to the newest.
 */

export const MJPEG_BOUNDARY = 'concierge-frame';

const NEXT_PART = Buffer.from(`\r\n--${MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\n\r\n`);

/** Answers 200 with the multipart head now; frames follow through the returned sink. */
export function mjpegResponse(res: ServerResponse): FrameSink {
  res.writeHead(200, {
    'content-type': `multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  // The first part's head; its CRLF before the boundary is optional and left out.
  res.write(NEXT_PART.subarray(2));
  let draining = false;
  let waiting: Buffer | null = null;

  function write(jpeg: Buffer): void {
    draining = !res.write(Buffer.concat([jpeg, NEXT_PART]));
  }

  res.on('drain', () => {
    draining = false;
    const next = waiting;
    waiting = null;
    if (next) write(next);
  });

  return {
    send(jpeg) {
      if (res.writableEnded || res.destroyed) return;
      if (draining) waiting = jpeg;
      else write(jpeg);
    },
    end() {
      if (!res.writableEnded) res.end();
    },
  };
}
