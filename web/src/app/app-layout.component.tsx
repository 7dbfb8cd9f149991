import { AppShell, Burger, Button, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import { InstitutionSwitcher } from './institution-switcher.component.tsx';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { NavLink as RouterNavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { isCardholder, isOffice, useSession, type SessionPrincipal } from '../auth/session.context.tsx';
import { LanguageSwitcher } from '../shared/language-switcher.component.tsx';
import { useEffect, useRef } from 'react';

interface NavItem {
  to: string;
  label: string;
  testId: string;
  end?: boolean;
}

function cardholderItems(t: (key: string) => string): NavItem[] {
  return [
    { to: '/me', label: t('nav.myCards'), testId: 'nav-my-cards', end: true },
    { to: '/me/request', label: t('nav.request'), testId: 'nav-request' },
    { to: '/me/consents', label: t('nav.consents'), testId: 'nav-consents' },
    { to: '/me/data', label: t('nav.myData'), testId: 'nav-my-data' },
  ];
}

function officeItems(t: (key: string) => string, principal: SessionPrincipal): NavItem[] {
  const write = principal.role === 'admin' || principal.role === 'manager';
  const items: NavItem[] = [
    { to: '/office', label: t('nav.dashboard'), testId: 'nav-dashboard', end: true },
    { to: '/office/cards', label: t('nav.cards'), testId: 'nav-cards' },
  ];
  if (write) {
    items.push(
      { to: '/office/queue', label: t('nav.queue'), testId: 'nav-queue' },
      { to: '/office/request', label: t('nav.requestFor'), testId: 'nav-request-for' },
    );
  }
  if (write || principal.role === 'station') {
    items.push({ to: '/office/print', label: t('nav.print'), testId: 'nav-print' }, { to: '/office/encode', label: t('nav.encode'), testId: 'nav-encode' });
  }
  if (write || principal.role === 'deliverer') items.push({ to: '/office/delivery', label: t('nav.delivery'), testId: 'nav-delivery' });
  if (write) items.push({ to: '/office/printers', label: t('nav.printers'), testId: 'nav-printers' });
  if (write) items.push({ to: '/office/migration', label: t('nav.migration'), testId: 'nav-migration' });
  if (write) items.push({ to: '/office/card-templates', label: t('nav.cardTemplates'), testId: 'nav-card-templates' });
  if (write) items.push({ to: '/office/esc', label: t('nav.esc'), testId: 'nav-esc' });
  if (write) items.push({ to: '/office/syncs', label: t('nav.syncs'), testId: 'nav-syncs' });
  if (principal.role === 'admin') items.push({ to: '/office/crous', label: t('nav.crous'), testId: 'nav-crous' });
  if (principal.role === 'admin') items.push({ to: '/office/admin', label: t('nav.admin'), testId: 'nav-admin' });
  return items;
}

/**
 * The frame around every logged-in page: a header with the language switch and logout, the
 * navigation for the person's role (cardholder, office, or both), and a skip link.
 */
export function AppLayout() {
  const { t } = useTranslation();
  const { principal, logout } = useSession();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const navigate = useNavigate();
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    close();
  }, [location.pathname, close]);

  if (!principal) return null;
  const sections: Array<{ title: string; items: NavItem[] }> = [];
  if (isOffice(principal)) sections.push({ title: t('nav.officeSection'), items: officeItems(t, principal) });
  if (isCardholder(principal)) sections.push({ title: t('nav.cardholderSection'), items: cardholderItems(t) });

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a href="#main" className="skip-link" onClick={(event) => { event.preventDefault(); mainRef.current?.focus(); }}>
        {t('common.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.toggle')} />
            <Text fw={800} fz="lg" className="brand" visibleFrom="xs">campuscard</Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            {isOffice(principal) ? <InstitutionSwitcher /> : null}
            <LanguageSwitcher />
            <Text size="sm" visibleFrom="sm" data-testid="user-name">{principal.displayName}</Text>
            <Button
              size="xs"
              variant="default"
              data-testid="logout"
              onClick={() => void logout().then(() => navigate('/login'))}
            >
              {t('nav.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('nav.label')}>
        <ScrollArea>
          {sections.map((section) => (
            <nav key={section.title} aria-label={section.title}>
              <Text size="xs" fw={700} tt="uppercase" c="dimmed" px="sm" mt="sm" mb={4}>{section.title}</Text>
              {section.items.map((item) => (
                <NavLink
                  key={item.to}
                  component={RouterNavLink}
                  to={item.to}
                  end={item.end}
                  label={item.label}
                  data-testid={item.testId}
                  active={item.end ? location.pathname === item.to : location.pathname.startsWith(item.to)}
                />
              ))}
            </nav>
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" ref={mainRef} tabIndex={-1}>
        {/* Switching institution loads every page again, narrowed to the new choice. */}
        <Outlet key={principal.currentInstitution ?? 'all'} />
      </AppShell.Main>
    </AppShell>
  );
}
