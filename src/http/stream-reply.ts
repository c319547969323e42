import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';

/**
 * Waits until a stream that is about to become a response body has data to give, or has ended.
 * A failure before that (a query the database refuses, no connection to be had) rejects, so the
 * route answers it like any error — a coded 4xx or a logged 500 — instead of sending 200 headers
 * and then cutting the connection.
 *
 * A failure after that cannot change the status any more: it is logged here with the request id,
 * and fastify destroys the response, so the client sees a body that never ended (a chunked body
 * without its last chunk; fetch rejects, curl says "transfer closed") and not a short file that
 * looks complete. Streams that end normally are unaffected.
 */
export function streamStarted(request: FastifyRequest, stream: Readable): Promise<void> {
  let started = false;
  stream.on('error', (error) => {
    if (started) request.log.error({ err: error, reqId: request.id }, 'streamed response failed part-way; response aborted');
  });
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('readable', onReadable);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error) return reject(error);
      started = true;
      resolve();
    };
    const onReadable = () => done();
    const onError = (error: Error) => done(error);
    // Destroyed without an error (the client hung up while we waited): fastify handles that.
    const onClose = () => done();
    if (stream.readableLength > 0 || stream.readableEnded) return done();
    stream.on('readable', onReadable);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
