import { useLiveUpdates } from '../live/useLiveUpdates';

/** While the shop's event stream is down the console polls; it says so, since what it shows may lag by seconds. */
export function LiveUpdatesBanner() {
  if (useLiveUpdates() !== 'reconnecting') return null;
  return (
    <div className="live-reconnecting" role="status">
      Live updates are reconnecting — the console checks the shop every few seconds meanwhile.
    </div>
  );
}
