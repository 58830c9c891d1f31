import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, it, vi } from 'vitest';
import { LoadBoundary } from './LoadBoundary';

function MissingChunk(): never {
  throw new Error('Failed to fetch dynamically imported module: /assets/Shell-old.js');
}

it('says the screen could not be shown and reloads on request, instead of a blank page', async () => {
  const reload = vi.fn();
  // React reports the caught error on the console; the test is about what the person sees.
  const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  render(
    <LoadBoundary reload={reload}>
      <MissingChunk />
    </LoadBoundary>,
  );
  expect(screen.getByRole('alert').textContent).toContain(
    'The console could not show this screen: Failed to fetch dynamically imported module',
  );
  await userEvent.click(screen.getByRole('button', { name: 'Reload the console' }));
  expect(reload).toHaveBeenCalledOnce();
  quiet.mockRestore();
});

it('shows its children when nothing failed', () => {
  render(
    <LoadBoundary>
      <p>Customers</p>
    </LoadBoundary>,
  );
  expect(screen.getByText('Customers').tagName).toBe('P');
});
