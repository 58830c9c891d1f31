import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { BannerBridge } from '../../shared/ipc/contract';
import { BannerApp } from './BannerApp';
import '../src/styles/app.css';

function bannerBridge(): BannerBridge {
  // The banner preload exposes its own, smaller bridge under the same name as the console's.
  const exposed: unknown = window.concierge;
  if (typeof exposed === 'object' && exposed !== null && 'endSession' in exposed && 'onState' in exposed)
    return exposed as BannerBridge;
  throw new Error('The banner page needs the banner preload (window.concierge with endSession and onState).');
}

const element = document.getElementById('banner');
if (!element) throw new Error('banner.html has no #banner');
createRoot(element).render(
  <StrictMode>
    <BannerApp bridge={bannerBridge()} />
  </StrictMode>,
);
