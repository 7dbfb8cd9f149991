import { Select, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession, type SessionInstitution } from '../auth/session.context.tsx';

/** Every value of the select must be a non-empty string: this one stands for "all institutions". */
const ALL = '*';

/** Federations first, each followed by its members, so the list reads like the hierarchy. */
function ordered(institutions: readonly SessionInstitution[]): Array<{ institution: SessionInstitution; depth: number }> {
  const codes = new Set(institutions.map((institution) => institution.code));
  const rows: Array<{ institution: SessionInstitution; depth: number }> = [];
  const visit = (parent: string | null, depth: number) => {
    for (const institution of institutions) {
      const top = institution.parent === null || !codes.has(institution.parent);
      if ((parent === null && top) || (parent !== null && institution.parent === parent)) {
        rows.push({ institution, depth });
        if (depth < 8) visit(institution.code, depth + 1);
      }
    }
  };
  visit(null, 0);
  return rows;
}

/**
 * The institution the console works on, in the header: a choice between all the institutions the
 * account covers and each of them (remembered for the account), or just the name when the account
 * covers one.
 */
export function InstitutionSwitcher() {
  const { t } = useTranslation();
  const { principal, chooseInstitution } = useSession();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  if (!principal || principal.institutions.length === 0) return null;
  if (principal.institutions.length === 1) {
    return <Text size="sm" fw={600} visibleFrom="xs" data-testid="current-institution">{principal.institutions[0]?.name}</Text>;
  }
  const rows = ordered(principal.institutions);
  const depthOf = new Map(rows.map(({ institution, depth }) => [institution.code, depth]));
  const data = [
    { value: ALL, label: t('institutions.switcher.all') },
    ...rows.map(({ institution }) => ({
      value: institution.code,
      label: institution.kind === 'federation' ? t('institutions.switcher.federation', { name: institution.name }) : institution.name,
    })),
  ];

  async function choose(value: string | null) {
    const code = !value || value === ALL ? null : value;
    if (code === principal?.currentInstitution) return;
    setBusy(true);
    setFailed(false);
    try {
      await chooseInstitution(code);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Select
      size="xs"
      w={{ base: 150, sm: 260 }}
      aria-label={t('institutions.switcher.label')}
      data={data}
      value={principal.currentInstitution ?? ALL}
      onChange={(value) => void choose(value)}
      allowDeselect={false}
      disabled={busy}
      error={failed ? t('institutions.switcher.failed') : undefined}
      comboboxProps={{ withinPortal: true, width: 'max-content' }}
      renderOption={({ option }) => <span style={{ paddingInlineStart: `${depthOf.get(option.value) ?? 0}em` }}>{option.label}</span>}
      data-testid="institution-switcher"
    />
  );
}
