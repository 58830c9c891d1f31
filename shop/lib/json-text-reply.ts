import type { FastifyReply } from 'fastify';

/**
 * Sends `json`, already JSON text, as the response body. Fastify sends a string with a JSON
 * content type as it is, so the route's response schema (kept for OpenAPI) does not run: for
 * hot routes whose body is built from typed rows, where that pass checks nothing the types and
 * the tests do not. The reply is taken untyped because the route's typed reply only accepts the
 * schema's object shape.
 */
export function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}
