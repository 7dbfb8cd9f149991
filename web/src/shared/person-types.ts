import { useTranslation } from 'react-i18next';
import type { PersonTypeResource } from '../api/institutions.api.ts';
import { useSession } from '../auth/session.context.tsx';
import { institutionsInView } from './institution-scope.ts';
import { usePersonTypesOf } from './use-institution.hook.ts';

/** The types every institution starts with; what the console offers when it cannot read the institutions. */
const DEFAULT_TYPES = ['student', 'staff', 'guest', 'external'] as const;

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** A person type's label in the interface's language: the institution's own wording, else the built-in one, else the code. */
export function personTypeLabel(t: Translate, language: string, code: string, type?: Pick<PersonTypeResource, 'labelFr' | 'labelEn'>): string {
  if (type) return language === 'en' ? type.labelEn : type.labelFr;
  return t(`personType.${code}`, { defaultValue: code });
}

/** The person types of several institutions, each code once, in the institutions' order. */
export function distinctTypes(lists: ReadonlyArray<{ types: readonly PersonTypeResource[] }>): PersonTypeResource[] {
  const seen = new Map<string, PersonTypeResource>();
  for (const { types } of lists) for (const type of types) if (!seen.has(type.code) && !type.disabled) seen.set(type.code, type);
  return [...seen.values()];
}

/**
 * Choices for a person type filter: the types of the institutions the console shows now (and any
 * already chosen), labelled in the interface's language.
 */
export function usePersonTypeOptions(selected: readonly string[] = []): Array<{ value: string; label: string }> {
  const { t, i18n } = useTranslation();
  const { principal } = useSession();
  const lists = usePersonTypesOf(institutionsInView(principal).map((institution) => institution.code));
  const types = distinctTypes(lists ?? []);
  const options = types.length > 0
    ? types.map((type) => ({ value: type.code, label: personTypeLabel(t, i18n.language, type.code, type) }))
    : DEFAULT_TYPES.map((code) => ({ value: code, label: personTypeLabel(t, i18n.language, code) }));
  for (const code of selected) if (!options.some((option) => option.value === code)) options.push({ value: code, label: personTypeLabel(t, i18n.language, code) });
  return options;
}
