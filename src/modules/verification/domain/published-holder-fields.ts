import type { ConnectorDataFields, PersonalDataField } from '../../people/domain/personal-data-fields.ts';
import type { PublishedHolder } from '../verification.service.ts';

/**
 * Which personal data field each property of the published holder is. Typed over every key of
 * {@link PublishedHolder}: a property added to what the verification page shows does not compile
 * until it is named here, and so listed in the photo publication consent summary.
 */
const HOLDER_PROPERTY_FIELDS: { readonly [K in keyof PublishedHolder]-?: PersonalDataField } = {
  name: 'fullName',
  photo: 'photo',
};

/**
 * What the public verification page shows about the holder under the photo publication consent
 * (when the institution enables it), as a connector definition.
 */
export const PUBLISHED_HOLDER_FIELDS: ConnectorDataFields = Object.fromEntries(
  Object.entries(HOLDER_PROPERTY_FIELDS).map(([property, field]) => [field, [`holder.${property}`]]),
);
