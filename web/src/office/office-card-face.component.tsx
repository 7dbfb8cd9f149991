import { Loader, SegmentedControl, Stack, Text } from '@mantine/core';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch, ApiError } from '../api/api-client.ts';
import { cardTemplatesApi, type CardFaceTemplate } from '../api/card-templates.api.ts';
import '../cardholder/template-card-face.css';

type Side = 'front' | 'back';

/** What the face request gave: an image, a one-sided template's missing back, or no template at all. */
type FaceState = { kind: 'loading' } | { kind: 'image'; url: string } | { kind: 'no_back' } | { kind: 'fallback' };

/**
 * A card's face for the card office as the printer draws it (GET /cards/{id}/face.png): the
 * template version it was printed with, else its rule's current one, front or back. Asked again
 * when the card changes (`version`), since a move changes what the face shows (its QR code, its
 * dates). When no template applies to the card (404 `no_template`) or the face cannot be drawn,
 * `fallback` (the generic face) shows instead, so the page always shows a card. Below the face,
 * the template and version it is drawn with, and whether the card was printed with it.
 */
export function OfficeCardFace({ cardId, version, holderName, fallback }: { cardId: string; version: number; holderName: string; fallback: ReactNode }) {
  const { t } = useTranslation();
  const [side, setSide] = useState<Side>('front');
  const [state, setState] = useState<FaceState>({ kind: 'loading' });
  const [template, setTemplate] = useState<CardFaceTemplate | null>(null);

  // Which template and version the face is drawn with: the office checks a reprint will be identical.
  useEffect(() => {
    const controller = new AbortController();
    cardTemplatesApi.faceTemplate(cardId, controller.signal)
      .then((found) => { if (!controller.signal.aborted) setTemplate(found); })
      .catch(() => { if (!controller.signal.aborted) setTemplate(null); });
    return () => controller.abort();
  }, [cardId, version]);

  useEffect(() => {
    const controller = new AbortController();
    let url: string | null = null;
    setState({ kind: 'loading' });
    apiFetch(`/cards/${encodeURIComponent(cardId)}/face.png`, { query: { side }, signal: controller.signal, fresh: true })
      .then((response) => response.blob())
      .then((blob) => {
        if (controller.signal.aborted) return;
        url = URL.createObjectURL(blob);
        setState({ kind: 'image', url });
      })
      .catch((failure: unknown) => {
        if (controller.signal.aborted) return;
        setState(failure instanceof ApiError && failure.code === 'no_back' ? { kind: 'no_back' } : { kind: 'fallback' });
      });
    return () => {
      controller.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [cardId, side, version]);

  // No template on the front means none at all: the generic face, without a side toggle.
  if (state.kind === 'fallback' && side === 'front') return <>{fallback}</>;
  return (
    <Stack gap="xs" data-testid="office-card-face" data-side={side} data-face={state.kind}>
      <SegmentedControl
        size="xs"
        value={side}
        onChange={(value) => setSide(value === 'back' ? 'back' : 'front')}
        aria-label={t('cardDetail.faceSide')}
        data-testid="office-card-face-side"
        data={[{ value: 'front', label: t('cardTemplates.front') }, { value: 'back', label: t('cardTemplates.back') }]}
      />
      {state.kind === 'image' ? (
        <div className="template-card-face">
          <img src={state.url} alt={t('cardDetail.faceAlt', { name: holderName, side: t(`cardTemplates.${side}`) })} data-testid="office-card-face-image" />
        </div>
      ) : state.kind === 'loading' ? (
        <Loader size="sm" role="status" aria-label={t('common.loading')} />
      ) : state.kind === 'no_back' ? (
        <Text size="sm" c="dimmed" data-testid="office-card-face-no-back">{t('cardTemplates.noBack')}</Text>
      ) : <Text size="sm" c="dimmed">{t('cardDetail.faceUnavailable')}</Text>}
      {template ? (
        <Text size="xs" c="dimmed" data-testid="office-card-face-template">
          {t(template.printed ? 'cardDetail.facePrintedWith' : 'cardDetail.faceDrawnWith', { name: template.name, version: template.version })}
        </Text>
      ) : null}
    </Stack>
  );
}
