import { Badge, Button, Group, Image, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { cardTemplatesApi } from '../api/card-templates.api.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';

/**
 * The card templates of the institutions in reach, each with its faces drawn by the server's
 * renderer (the same images the printer gets) with sample data, and a link to the editor (which
 * is read-only for those who may not change the template).
 */
export function CardTemplatesPanel() {
  const { t, i18n } = useTranslation();
  const templates = useApi((signal) => cardTemplatesApi.list(signal), []);
  const [language, setLanguage] = useState<'fr' | 'en'>(i18n.language.startsWith('en') ? 'en' : 'fr');
  if (templates.error) return <ProblemAlert error={templates.error} />;
  const items = templates.data ?? [];
  return (
    <Stack data-testid="card-templates">
      <Group justify="space-between">
        <Text size="sm">{t('cardTemplates.intro')}</Text>
        <SegmentedControl size="xs" value={language} onChange={(value) => setLanguage(value === 'en' ? 'en' : 'fr')}
          data={[{ value: 'fr', label: 'FR' }, { value: 'en', label: 'EN' }]} aria-label={t('cardTemplates.language')} />
      </Group>
      {templates.data && items.length === 0 ? <Text c="dimmed">{t('cardTemplates.none')}</Text> : null}
      {items.map((template) => (
        <Paper key={template.id} withBorder p="sm" data-testid="card-template">
          <Group gap="xs" mb="xs">
            <Title order={3} size="h5">{template.name}</Title>
            <Badge variant="light">{template.institution ?? t('cardTemplates.wholeDeployment')}</Badge>
            <Badge variant="outline">{t('cardTemplates.version', { version: template.currentVersion })}</Badge>
            {template.archived ? <Badge color="gray">{t('cardTemplates.archived')}</Badge> : null}
            <Button component={Link} to={`/office/card-templates/${template.id}`} size="compact-sm" variant="light" ml="auto" data-testid="card-template-open">
              {t(template.editable && !template.archived ? 'cardTemplates.edit' : 'cardTemplates.open')}
            </Button>
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {(['front', 'back'] as const).map((side) => (
              <Stack key={side} gap={4}>
                <Text size="xs" c="dimmed">{t(`cardTemplates.${side}`)}</Text>
                {side === 'back' && template.layout.back === null ? <Text size="sm" c="dimmed">{t('cardTemplates.noBack')}</Text> : (
                  <Image src={cardTemplatesApi.previewUrl(template.id, side, template.currentVersion, language)} alt={t(`cardTemplates.${side}`)}
                    radius="md" maw={420} style={{ aspectRatio: '85.6 / 53.98', border: '1px solid var(--mantine-color-gray-3)' }} />
                )}
              </Stack>
            ))}
          </SimpleGrid>
        </Paper>
      ))}
    </Stack>
  );
}
