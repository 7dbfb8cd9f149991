import { Badge, Group, Image, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cardTemplatesApi } from '../api/card-templates.api.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';

/**
 * The card templates of the institutions in reach, read-only, each with its faces drawn by the
 * server's renderer (the same images the printer gets) with sample data. The editor comes later.
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
