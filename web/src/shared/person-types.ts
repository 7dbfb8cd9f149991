import { useTranslation } from 'react-i18next';
import type { InstitutionResource, PersonTypeResource } from '../api/institutions.api.ts';
import { useSession } from '../auth/session.context.tsx';
import { institutionsInView } from './institution-scope.ts';
import { useInstitutionList } from './use-institution.hook.ts';

/** The types every institution starts with; what the console offers when it cannot read the institutions. */
const DEFAULT_TYPES = ['student', 'staff', 'guest', 'external'] as const;

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** A person type's label in the interface's language: the institution's own wording, else the built-in one, else the code. */
export function personTypeLabel(t: Translate, language: string, code: string, type?: Pick<PersonTypeResource, 'labelFr' | 'labelEn'>): string {
  if (type) return language === 'en' ? type.labelEn : type.labelFr;
  return t(`personType.${code}`, { defaultValue: code });
}

/** The person types of the institutions in view, each code once, in the institutions' order. */
export function typesInView(list: readonly InstitutionResource[], codes: ReadonlySet<string> | null): PersonTypeResource[] {
  const seen = new Map<string, PersonTypeResource>();
  for (const institution of list) {
    if (codes && !codes.has(institution.code)) continue;
    for (const type of institution.personTypes ?? []) if (!seen.has(type.code) && !type.disabled) seen.set(type.code, type);
  }
  return [...seen.values()];
}

/**
 * Choices for a person type filter: the types of the institutions the console shows now (and any
 * already chosen), labelled in the interface's language.
 */
export function usePersonTypeOptions(selected: readonly string[] = []): Array<{ value: string; label: string }> {
  const { t, i18n } = useTranslation();
  const { principal } = useSession();
  const list = useInstitutionList();
  const inView = institutionsInView(principal);
  const types = list ? typesInView(list, inView.length > 0 ? new Set(inView.map((institution) => institution.code)) : null) : [];
  const options = types.length > 0
    ? types.map((type) => ({ value: type.code, label: personTypeLabel(t, i18n.language, type.code, type) }))
    : DEFAULT_TYPES.map((code) => ({ value: code, label: personTypeLabel(t, i18n.language, code) }));
  for (const code of selected) if (!options.some((option) => option.value === code)) options.push({ value: code, label: personTypeLabel(t, i18n.language, code) });
  return options;
}
