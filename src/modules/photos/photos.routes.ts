import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { notFound, ProblemError } from '../../platform/http/problem.ts';
import { errorResponses, IdParams } from '../../platform/http/schemas.ts';
import { canReadPerson } from '../people/people.policy.ts';

/**
 * Serving card photos. Access: the person themself, or office read roles within their
 * person-type limits; anybody else gets 404 `photo_not_found`, as for a missing photo.
 * Uploads belong to the cards context (a photo comes with a card request).
 */
export async function photosRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { photos, people } = deps.services;

  app.get('/photos/:id', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['photos'],
      summary: 'A card photo (JPEG)',
      params: IdParams,
      response: { 200: Type.Unknown({ description: 'image/jpeg' }), 304: Type.Null(), ...errorResponses(400, 401, 404) },
    },
  }, async (request, reply) => {
    const photo = await photos.get(request.params.id);
    const owner = await people.get(photo.personId).catch((error: unknown) => {
      if (error instanceof ProblemError && error.status === 404) return undefined;
      throw error;
    });
    if (!owner || !canReadPerson(principalOf(request), owner)) throw notFound('photo_not_found', 'No such photo');
    const etag = `"${photo.sha256}"`;
    void reply.header('cache-control', 'private, max-age=300').header('etag', etag);
    if (request.headers['if-none-match'] === etag) return reply.status(304).send(null);
    return reply.type('image/jpeg').send(photo.jpeg);
  });
}
