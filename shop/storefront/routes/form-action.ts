import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { StorefrontAction } from '../actions';
import { passwordMatches } from '../data/customers';
import { PageError } from '../errors';
import { parseForm, redirectTo } from '../http';
import type { ActionScope } from '../policy';
import type { SignedInViewer, StorefrontRequestState } from '../viewer';
import { action, signedIn, type RouteDeps } from './define';

/** Where a form action sends the browser: a path inside the store, and a notice key to show there. */
export interface Redirect {
  to: string;
  notice?: string;
}

export interface FormAction<S extends z.ZodType> {
  path: string;
  name: StorefrontAction;
  scope: ActionScope;
  form: S;
  /**
   * The form's field holding the customer's password, when the action must confirm it: it is
   * checked before anything changes, and the action goes under the per-IP attempt limit.
   */
  password?: (form: z.infer<S>) => string;
}

export interface FormSubmission<F> {
  form: F;
  viewer: SignedInViewer;
  request: FastifyRequest;
  state: StorefrontRequestState;
}

const wrongPassword = () =>
  new PageError(403, 'Password not confirmed', 'The password is not right. Nothing was changed.', {
    refusal: 'invalid_input',
  });

/**
 * A POST action of a signed-in viewer that sends a form: parse it (bad input is a 400 page),
 * confirm the password if asked, `act` (a PageError it throws is the error page, and nothing
 * changed), then 303 to where `act` says.
 */
export function formAction<S extends z.ZodType>(
  deps: RouteDeps,
  spec: FormAction<S>,
  act: (submission: FormSubmission<z.infer<S>>) => Promise<Redirect>,
): void {
  const { ctx } = deps;
  const confirmPassword = spec.password;
  action(
    deps,
    spec.path,
    spec.name,
    spec.scope,
    async (request, reply, state) => {
      const viewer = signedIn(state);
      const form = parseForm(spec.form, request.body);
      if (confirmPassword && !(await passwordMatches(ctx.db, viewer.customer.id, confirmPassword(form))))
        throw wrongPassword();
      const next = await act({ form, viewer, request, state });
      return redirectTo(reply, state, next.to, next.notice);
    },
    { checksPassword: confirmPassword !== undefined },
  );
}
