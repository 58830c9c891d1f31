import { Component, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/**
 * A screen that failed to load or draw (the signed-in console's chunk missing after the console
 * was rebuilt, say) says so and offers a reload, instead of leaving a blank page.
 */
export class LoadBoundary extends Component<{ children: ReactNode; reload?: () => void }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const reload =
      this.props.reload ??
      (() => {
        window.location.reload();
      });
    return (
      <main className="splash" role="alert">
        <p>The console could not show this screen: {error.message}</p>
        <button type="button" onClick={reload}>
          Reload the console
        </button>
      </main>
    );
  }
}
