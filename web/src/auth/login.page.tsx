import { Alert, Button, Center, Divider, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { fieldError, isAboutFields, problemMessage } from '../shared/problem-messages.ts';
import { LanguageSwitcher } from '../shared/language-switcher.component.tsx';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { landingOf } from './home-of.ts';
import { useSession } from './session.context.tsx';
import { useInstitution } from '../shared/use-institution.hook.ts';
import { useApi } from '../shared/use-api.hook.ts';
import { ssoApi } from '../api/sso.api.ts';

/** The start URL of a single sign-on button, coming back to `from` (a path of this site) afterwards. */
function ssoHref(startUrl: string, from: string | undefined): string {
  return from ? `${startUrl}?returnTo=${encodeURIComponent(from)}` : startUrl;
}

/**
 * The login page: one button per single sign-on method (in the current language), then the
 * e-mail and password form ("Local login" when there are such buttons: break-glass admins, the
 * demo, small schools); errors shown next to the field, inputs kept.
 */
export function LoginPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('login.title'));
  const { principal, login } = useSession();
  const institution = useInstitution();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const methods = useApi((signal) => ssoApi.methods(signal).then((answer) => answer.items), []);
  const ssoMethods = methods.data ?? [];
  const language = i18n.language === 'en' ? 'en' : 'fr';

  const from = (location.state as { from?: string } | null)?.from;
  if (principal) return <Navigate to={landingOf(principal, from)} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const next = await login(email.trim(), password);
      navigate(landingOf(next, from), { replace: true });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const general = error !== null && !isAboutFields(error, ['/email', '/password']) ? problemMessage(t, error) : null;
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="lg" w="100%" maw={400}>
        <form onSubmit={(event) => void submit(event)} noValidate data-testid="login-form">
          <Stack>
            <Stack gap={4}>
              <Text fw={800} c="blue.8" size="lg">campuscard</Text>
              <Title order={1} size="h2">{t('login.title')}</Title>
              <Text c="dimmed" size="sm" data-testid="login-institution">{institution?.name ?? t('login.subtitle')}</Text>
            </Stack>
            {ssoMethods.length > 0 ? (
              <Stack gap="xs" data-testid="login-sso">
                {ssoMethods.map((method) => (
                  <Button key={method.id} component="a" href={ssoHref(method.startUrl, from)} size="md" data-testid={`login-sso-${method.id}`}>
                    {method.label[language]}
                  </Button>
                ))}
                <Divider mt="xs" label={t('login.localLogin')} labelPosition="center" data-testid="login-local" />
              </Stack>
            ) : null}
            {general && <Alert color="red" role="alert" data-testid="login-error">{general}</Alert>}
            <TextInput
              label={t('login.email')}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              error={fieldError(t, error, '/email')}
              data-testid="login-email"
            />
            <PasswordInput
              label={t('login.password')}
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              error={fieldError(t, error, '/password')}
              data-testid="login-password"
            />
            <Button type="submit" loading={busy} data-testid="login-submit">{t('login.submit')}</Button>
            <Center><LanguageSwitcher /></Center>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
