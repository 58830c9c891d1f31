import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { findUnstorableText } from '../lib/storable-text';
import { badInput } from './errors';

/**
 * preHandler of the store scope, after the CSRF and assisted-policy guard: text the database
 * cannot store in the query, the path or the form is a 400 page naming the field (`email: …`),
 * before any handler or transaction runs. In an assisted session the page records it as refused.
 */
export function refuseUnstorablePageInput(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  // The handoff route answers any malformed code with its own page (and drops the assisted cookie).
  if (request.routeOptions.config.storefrontEntry) {
    done();
    return;
  }
  const [first] = findUnstorableText({ query: request.query, params: request.params, form: request.body });
  // Shoppers see the field's own name, as parseForm's messages do.
  const field = first?.path.replace(/^(query|params|form)\./, '');
  done(first ? badInput(`${field ?? ''}: ${first.message}. Nothing was changed.`) : undefined);
}
