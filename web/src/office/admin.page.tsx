import { Stack, Tabs, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { AccountsPanel } from './accounts.panel.tsx';
import { CardTemplatesPanel } from './card-templates.panel.tsx';
import { ConnectorsPanel } from './connectors.panel.tsx';
import { GroupRolesPanel } from './group-roles.panel.tsx';
import { InstitutionsPanel } from './institutions.panel.tsx';
import { LoginMethodsPanel } from './login-methods.panel.tsx';
import { MailTemplatesPanel } from './mail-templates.panel.tsx';
import { MailsPanel } from './mails.panel.tsx';
import { PersonSourcesPanel } from './person-sources.panel.tsx';
import { TokensPanel } from './tokens.panel.tsx';
import { WebhooksPanel } from './webhooks.panel.tsx';

const TABS = ['institution', 'accounts', 'groups', 'sso', 'sources', 'connectors', 'webhooks', 'tokens', 'mails', 'templates', 'cardTemplates'] as const;

/** Administration: institutions (settings, person types, ESC Router keys), accounts and roles, groups mapped to roles, sign-in methods (SSO), connectors (CROUS…), webhook endpoints, API tokens, the mail log, the mail templates, the card templates (read-only, with their faces drawn). */
export function AdminPage() {
  const { t } = useTranslation();
  usePageTitle(t('admin.title'));
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((candidate) => candidate === params.get('tab')) ?? 'institution';
  return (
    <Stack>
      <Title order={1} size="h2">{t('admin.title')}</Title>
      <Tabs value={tab} onChange={(value) => setParams(value ? { tab: value } : {})} keepMounted={false}>
        <Tabs.List>
          {TABS.map((value) => <Tabs.Tab key={value} value={value} data-testid={`admin-tab-${value}`}>{t(`admin.tabs.${value}`)}</Tabs.Tab>)}
        </Tabs.List>
        <Tabs.Panel value="institution" pt="md"><InstitutionsPanel /></Tabs.Panel>
        <Tabs.Panel value="accounts" pt="md"><AccountsPanel /></Tabs.Panel>
        <Tabs.Panel value="groups" pt="md"><GroupRolesPanel /></Tabs.Panel>
        <Tabs.Panel value="sso" pt="md"><LoginMethodsPanel /></Tabs.Panel>
        <Tabs.Panel value="sources" pt="md"><PersonSourcesPanel /></Tabs.Panel>
        <Tabs.Panel value="connectors" pt="md"><ConnectorsPanel /></Tabs.Panel>
        <Tabs.Panel value="tokens" pt="md"><TokensPanel /></Tabs.Panel>
        <Tabs.Panel value="webhooks" pt="md"><WebhooksPanel /></Tabs.Panel>
        <Tabs.Panel value="mails" pt="md"><MailsPanel /></Tabs.Panel>
        <Tabs.Panel value="templates" pt="md"><MailTemplatesPanel /></Tabs.Panel>
        <Tabs.Panel value="cardTemplates" pt="md"><CardTemplatesPanel /></Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
