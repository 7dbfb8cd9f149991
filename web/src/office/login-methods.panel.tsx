import {
  Alert, Badge, Button, Checkbox, Code, CopyButton, Group, Paper, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput, Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ssoApi, type LoginMethod, type LoginMethodInput, type SamlMetadataStatus } from '../api/sso.api.ts';
import { formatDateTime } from '../shared/format.ts';
import { fieldError, isAboutFields } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useInstitutionList } from '../shared/use-institution.hook.ts';

/** Person fields a login can fill, with the attribute each is read from by default (as the server's sso-attributes.ts). */
const FIELDS = [
  ['firstName', 'givenName'],
  ['lastName', 'sn'],
  ['email', 'mail'],
  ['ine', 'supannCodeINE'],
  ['studentNumber', 'supannEtuId'],
  ['affiliation', 'eduPersonPrimaryAffiliation'],
  ['esi', 'schacPersonalUniqueCode'],
] as const;
type Field = (typeof FIELDS)[number][0];
/** The form's fields, as problem answers name them (errors about them show next to them). */
const FIELD_PATHS = ['/label/fr', '/label/en', '/institution', '/eppnAttribute', '/groupsAttribute', '/contact',
  ...FIELDS.map(([field]) => `/fieldAttributes/${field}`)];

const PROTOCOLS: Record<LoginMethod['protocol'], string> = { cas: 'CAS 3.0', saml: 'SAML 2.0', oidc: 'OpenID Connect' };

/** The OIDC scopes campuscard asks for: always the first three, the others when the provider offers them (as the server's oidc.client.ts). */
const OIDC_SCOPES = 'openid email profile';
const OIDC_OPTIONAL_SCOPES = 'eduperson groups schac';
/** The OIDs of the attributes a SAML login reads (as the server's sso-attributes.ts), to name them to a SAML IdP. */
const SAML_OIDS: Record<string, string> = {
  eduPersonPrincipalName: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6', mail: 'urn:oid:0.9.2342.19200300.100.1.3', givenName: 'urn:oid:2.5.4.42',
  sn: 'urn:oid:2.5.4.4', displayName: 'urn:oid:2.16.840.1.113730.3.1.241', eduPersonAffiliation: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1',
  eduPersonPrimaryAffiliation: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.5', supannCodeINE: 'urn:oid:1.3.6.1.4.1.7135.1.2.1.9',
  supannEtuId: 'urn:oid:1.3.6.1.4.1.7135.1.2.1.10', supannEmpId: 'urn:oid:1.3.6.1.4.1.7135.1.2.1.11',
  supannEtablissement: 'urn:oid:1.3.6.1.4.1.7135.1.2.1.14', schacPersonalUniqueCode: 'urn:oid:1.3.6.1.4.1.25178.1.2.14',
  isMemberOf: 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1',
};

/**
 * The attributes a login through this method reads, as its settings say: the eppn's, each person
 * field's (the default when none is set), the display name and every affiliation, the groups'.
 * What the identity provider must release.
 */
function releasedAttributes(method: LoginMethod): string[] {
  const fields = FIELDS.map(([field, fallback]) => method.fieldAttributes[field]?.trim() || fallback);
  const groups = method.groupsAttribute?.trim() || 'isMemberOf';
  return [...new Set([method.eppnAttribute.trim() || 'eduPersonPrincipalName', ...fields, 'displayName', 'eduPersonAffiliation', groups])];
}

/** A regular expression matching the URL and anything after it (an Apereo CAS service registry's serviceId). */
function prefixPattern(url: string): string {
  return `^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*`;
}

/** A value to hand to the identity provider's admin (a URL, a setting, a list), with a copy button. */
function UrlLine({ label, value, testId, help }: { label: string; value: string | null; testId: string; help?: string }) {
  const { t } = useTranslation();
  if (!value) return null;
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Stack gap={0} w={220} style={{ flexShrink: 0 }}>
        <Text size="sm" c="dimmed">{label}</Text>
        {help ? <Text size="xs" c="dimmed">{help}</Text> : null}
      </Stack>
      <Code data-testid={testId} style={{ overflowWrap: 'anywhere' }}>{value}</Code>
      <CopyButton value={value}>
        {({ copied, copy }) => <Button size="compact-xs" variant="default" onClick={copy}>{copied ? t('admin.sso.copied') : t('admin.sso.copy')}</Button>}
      </CopyButton>
    </Group>
  );
}

/** The settings form of one method. */
function MethodEditor({ method, onSaved }: { method: LoginMethod; onSaved: (saved: LoginMethod) => void }) {
  const { t } = useTranslation();
  const institutions = useInstitutionList() ?? [];
  const [form, setForm] = useState<LoginMethodInput>({
    enabled: method.enabled,
    label: { ...method.label },
    institution: method.institution,
    eppnAttribute: method.eppnAttribute,
    fieldAttributes: { ...method.fieldAttributes },
    trustedFields: method.trustedFields as LoginMethodInput['trustedFields'],
    groupsAttribute: method.groupsAttribute,
    createUnknown: method.createUnknown,
    contact: method.contact,
  });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (changes: Partial<LoginMethodInput>) => {
    setSaved(false);
    setForm((previous) => ({ ...previous, ...changes }));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const fieldAttributes = Object.fromEntries(Object.entries(form.fieldAttributes).filter(([, value]) => typeof value === 'string' && value.trim() !== ''));
      onSaved(await ssoApi.saveLoginMethod(method.id, { ...form, fieldAttributes, groupsAttribute: form.groupsAttribute?.trim() || null }));
      setSaved(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const id = method.id;
  return (
    <form onSubmit={(event) => void submit(event)} data-testid={`sso-form-${id}`}>
      <Stack gap="sm">
        <Switch label={t('admin.sso.enabled')} checked={form.enabled} onChange={(event) => set({ enabled: event.currentTarget.checked })}
          data-testid={`sso-enabled-${id}`} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('admin.sso.labelFr')} value={form.label.fr} onChange={(event) => set({ label: { ...form.label, fr: event.currentTarget.value } })}
            error={fieldError(t, error, '/label/fr')} required data-testid={`sso-label-fr-${id}`} />
          <TextInput label={t('admin.sso.labelEn')} value={form.label.en} onChange={(event) => set({ label: { ...form.label, en: event.currentTarget.value } })}
            error={fieldError(t, error, '/label/en')} required data-testid={`sso-label-en-${id}`} />
        </SimpleGrid>
        <Select label={t('admin.sso.institution')} description={t('admin.sso.institutionHelp')}
          data={[{ value: '', label: t('admin.sso.federationWide') }, ...institutions.map((institution) => ({ value: institution.code, label: institution.name }))]}
          value={form.institution ?? ''} onChange={(value) => set({ institution: value ? value : null })} allowDeselect={false}
          error={fieldError(t, error, '/institution')} data-testid={`sso-institution-${id}`} />
        <TextInput label={t('admin.sso.eppnAttribute')} description={t('admin.sso.eppnAttributeHelp')} value={form.eppnAttribute}
          onChange={(event) => set({ eppnAttribute: event.currentTarget.value })} error={fieldError(t, error, '/eppnAttribute')} required />
        <Title order={3} size="h5">{t('admin.sso.fields')}</Title>
        <Text size="sm" c="dimmed">{t('admin.sso.fieldsHelp')}</Text>
        {FIELDS.map(([field, fallback]) => (
          <Group key={field} align="flex-end" wrap="nowrap">
            <TextInput label={t(`admin.sso.field.${field}`)} placeholder={fallback} w={280} value={form.fieldAttributes[field] ?? ''}
              onChange={(event) => set({ fieldAttributes: { ...form.fieldAttributes, [field]: event.currentTarget.value } })}
              error={fieldError(t, error, `/fieldAttributes/${field}`)} data-testid={`sso-attribute-${field}-${id}`} />
            <Checkbox label={t('admin.sso.trust')} checked={form.trustedFields.includes(field as Field)} mb={8}
              onChange={(event) => set({
                trustedFields: event.currentTarget.checked ? [...form.trustedFields, field as Field] : form.trustedFields.filter((item) => item !== field),
              })} data-testid={`sso-trust-${field}-${id}`} />
          </Group>
        ))}
        <Alert color="blue" variant="light" data-testid={`sso-trust-help-${id}`}>{t('admin.sso.trustHelp')}</Alert>
        <TextInput label={t('admin.sso.groupsAttribute')} description={t('admin.sso.groupsAttributeHelp')} placeholder="isMemberOf, memberOf, groups"
          value={form.groupsAttribute ?? ''} onChange={(event) => set({ groupsAttribute: event.currentTarget.value })} error={fieldError(t, error, '/groupsAttribute')} />
        <Switch label={t('admin.sso.createUnknown')} description={t('admin.sso.createUnknownHelp')} checked={form.createUnknown}
          onChange={(event) => set({ createUnknown: event.currentTarget.checked })} data-testid={`sso-create-unknown-${id}`} />
        <Textarea label={t('admin.sso.contact')} description={t('admin.sso.contactHelp')} autosize minRows={2} value={form.contact}
          onChange={(event) => set({ contact: event.currentTarget.value })} error={fieldError(t, error, '/contact')} data-testid={`sso-contact-${id}`} />
        <ProblemAlert error={error !== null && !isAboutFields(error, FIELD_PATHS) ? error : null} />
        <Group>
          <Button type="submit" loading={busy} data-testid={`sso-save-${id}`}>{t('admin.sso.save')}</Button>
          {saved ? <Text size="sm" c="green.8" data-testid={`sso-saved-${id}`}>{t('admin.saved')}</Text> : null}
        </Group>
      </Stack>
    </form>
  );
}

/**
 * A SAML method's IdP metadata as stored by the daily refresh job: when it was fetched, until when
 * it is valid, the last error (the previous copy is kept), and a refresh on demand.
 */
function SamlMetadataLine({ methodId, status, onRefreshed }: { methodId: string; status: SamlMetadataStatus; onRefreshed: () => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const refresh = async () => {
    setBusy(true);
    setError(null);
    try {
      await ssoApi.refreshSamlMetadata(methodId);
      onRefreshed();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap={4} mt="xs" data-testid={`sso-saml-metadata-${methodId}`}>
      <Group justify="space-between">
        <Text size="sm" fw={600}>{t('admin.sso.idpMetadata')}</Text>
        <Button size="compact-xs" variant="default" loading={busy} onClick={() => void refresh()} data-testid={`sso-saml-refresh-${methodId}`}>
          {t('admin.sso.refreshNow')}
        </Button>
      </Group>
      <Text size="sm" data-testid={`sso-saml-fetched-${methodId}`}>
        {status.fetchedAt ? t('admin.sso.metadataFetched', { date: formatDateTime(status.fetchedAt) }) : t('admin.sso.metadataNone')}
      </Text>
      {status.validUntil ? <Text size="sm" data-testid={`sso-saml-valid-${methodId}`}>{t('admin.sso.metadataValidUntil', { date: formatDateTime(status.validUntil) })}</Text> : null}
      {status.lastError && status.lastAttemptAt ? (
        <Alert color="red" variant="light" data-testid={`sso-saml-error-${methodId}`}>
          {t(status.fetchedAt ? 'admin.sso.metadataErrorKept' : 'admin.sso.metadataError', { date: formatDateTime(status.lastAttemptAt), error: status.lastError })}
        </Alert>
      ) : null}
      <ProblemAlert error={error} />
    </Stack>
  );
}

/**
 * Sign-in methods (single sign-on): the methods configured by SSO_METHODS, the URLs to give each
 * identity provider's admin, and what the admin decides (enabled, button wording, institution,
 * attributes, which ones to trust, groups, unknown persons, contact).
 */
export function LoginMethodsPanel() {
  const { t, i18n } = useTranslation();
  const methods = useApi((signal) => ssoApi.loginMethods(signal).then((answer) => answer.items), []);
  const [editing, setEditing] = useState<string | null>(null);
  const language = i18n.language === 'en' ? 'en' : 'fr';
  const items = methods.data ?? [];

  return (
    <Stack>
      <Text size="sm" c="dimmed">{t('admin.sso.intro')}</Text>
      <ProblemAlert error={methods.error} />
      {methods.data && items.length === 0 ? <Alert color="gray" data-testid="sso-none">{t('admin.sso.none')}</Alert> : null}
      {items.map((method) => (
        <Paper key={method.id} withBorder p="md" data-testid={`sso-method-${method.id}`}>
          <Group justify="space-between" mb="xs">
            <Group gap="xs">
              <Title order={2} size="h4">{method.label[language]}</Title>
              <Badge variant="light">{PROTOCOLS[method.protocol]}</Badge>
              <Badge color={method.enabled ? 'green' : 'gray'} data-testid={`sso-status-${method.id}`}>
                {method.enabled ? t('admin.sso.on') : t('admin.sso.off')}
              </Badge>
            </Group>
            <Button size="xs" variant="default" onClick={() => setEditing(editing === method.id ? null : method.id)} data-testid={`sso-edit-${method.id}`}>
              {editing === method.id ? t('admin.sso.close') : t('admin.sso.edit')}
            </Button>
          </Group>
          <Text size="xs" c="dimmed" mb="xs">{t('admin.sso.id', { id: method.id })}</Text>
          <Stack gap={4} mb={editing === method.id ? 'md' : 0}>
            <Text size="sm" fw={600}>{t('admin.sso.forIdp')}</Text>
            {method.protocol === 'cas' ? (
              <>
                <UrlLine label={t('admin.sso.casService')} help={t('admin.sso.casServiceHelp')} value={method.urls.callback} testId={`sso-url-callback-${method.id}`} />
                <UrlLine label={t('admin.sso.casServicePattern')} help={t('admin.sso.casServicePatternHelp')} value={method.urls.callback ? prefixPattern(method.urls.callback) : null}
                  testId={`sso-cas-pattern-${method.id}`} />
                <UrlLine label={t('admin.sso.singleLogout')} help={t('admin.sso.casSingleLogoutHelp')} value={method.urls.singleLogout} testId={`sso-url-slo-${method.id}`} />
                <UrlLine label={t('admin.sso.attributes')} help={t('admin.sso.attributesHelp')} value={releasedAttributes(method).join(', ')} testId={`sso-attributes-${method.id}`} />
              </>
            ) : null}
            {method.protocol === 'saml' ? (
              <>
                <UrlLine label={t('admin.sso.samlMetadata')} value={method.urls.metadata} testId={`sso-url-metadata-${method.id}`} />
                <UrlLine label={t('admin.sso.samlEntityId')} help={t('admin.sso.samlEntityIdHelp')} value={method.urls.metadata} testId={`sso-entity-id-${method.id}`} />
                <UrlLine label={t('admin.sso.samlAcs')} help={t('admin.sso.samlAcsHelp')} value={method.urls.acs} testId={`sso-url-acs-${method.id}`} />
                <UrlLine label={t('admin.sso.singleLogout')} help={t('admin.sso.samlSingleLogoutHelp')} value={method.urls.singleLogout} testId={`sso-url-slo-${method.id}`} />
                <UrlLine label={t('admin.sso.attributes')} help={t('admin.sso.samlAttributesHelp')}
                  value={releasedAttributes(method).map((name) => (SAML_OIDS[name] ? `${name} (${SAML_OIDS[name]})` : name)).join(', ')} testId={`sso-attributes-${method.id}`} />
              </>
            ) : null}
            {method.protocol === 'oidc' ? (
              <>
                <UrlLine label={t('admin.sso.oidcRedirect')} value={method.urls.callback} testId={`sso-url-callback-${method.id}`} />
                <UrlLine label={t('admin.sso.oidcBackchannel')} help={t('admin.sso.oidcBackchannelHelp')} value={method.urls.backchannelLogout} testId={`sso-url-backchannel-${method.id}`} />
                <UrlLine label={t('admin.sso.oidcPostLogout')} value={method.urls.postLogoutRedirect} testId={`sso-url-post-logout-${method.id}`} />
                <UrlLine label={t('admin.sso.oidcClientAuth')} help={t('admin.sso.oidcClientAuthHelp')} value="client_secret_basic" testId={`sso-oidc-auth-${method.id}`} />
                <UrlLine label={t('admin.sso.oidcPkce')} value="S256" testId={`sso-oidc-pkce-${method.id}`} />
                <UrlLine label={t('admin.sso.oidcScopes')} help={t('admin.sso.oidcScopesHelp', { optional: OIDC_OPTIONAL_SCOPES })} value={OIDC_SCOPES} testId={`sso-oidc-scopes-${method.id}`} />
              </>
            ) : null}
          </Stack>
          {method.samlMetadata ? <SamlMetadataLine methodId={method.id} status={method.samlMetadata} onRefreshed={() => methods.reload()} /> : null}
          {editing === method.id ? <MethodEditor method={method} onSaved={() => methods.reload()} /> : null}
        </Paper>
      ))}
    </Stack>
  );
}
