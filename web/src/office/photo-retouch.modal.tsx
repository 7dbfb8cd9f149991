import { ActionIcon, Button, Group, Modal, Slider, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cardsApi } from '../api/cards.api.ts';
import type { Card } from '../api/api-types.ts';
import { PhotoCanvas } from '../cardholder/photo-canvas.component.tsx';
import { loadPhotoUrl, NEUTRAL_TRANSFORM, renderPhoto, type PhotoTransform } from '../cardholder/photo-transform.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';

/**
 * Card office retouch before approval: quarter turns, straighten, zoom and move (crop), and
 * brightness, on the stored photo; saved as the card's new photo.
 */
export function PhotoRetouchModal({ card, opened, onClose, onSaved }: { card: Card; opened: boolean; onClose(): void; onSaved(card: Card): void }) {
  const { t } = useTranslation();
  const [image, setImage] = useState<HTMLImageElement | null>(null);
  const [transform, setTransform] = useState<PhotoTransform>(NEUTRAL_TRANSFORM);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const url = cardsApi.photoUrl(card);

  useEffect(() => {
    if (!url || !opened) return;
    setTransform(NEUTRAL_TRANSFORM);
    loadPhotoUrl(url).then(setImage, setError);
  }, [url, opened]);

  async function save() {
    if (!image) return;
    setBusy(true);
    setError(null);
    try {
      const blob = await renderPhoto(image, transform);
      onSaved(await cardsApi.setPhoto(card.id, blob));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const turn = (delta: 1 | -1) => setTransform({ ...transform, quarterTurns: ((((transform.quarterTurns + delta) % 4) + 4) % 4) as PhotoTransform['quarterTurns'] });
  return (
    <Modal opened={opened} onClose={onClose} title={t('retouch.title')} size="lg">
      <Group align="flex-start" gap="lg">
        <PhotoCanvas image={image} transform={transform} width={240} height={300} onChange={setTransform} label={t('request.photo.canvasLabel')} testId="retouch-canvas" />
        <Stack style={{ flex: 1 }} miw={200}>
          <div>
            <Text size="sm" fw={500} id="retouch-zoom">{t('request.photo.zoom')}</Text>
            <Slider min={1} max={3} step={0.05} value={transform.zoom} onChange={(zoom) => setTransform({ ...transform, zoom })} thumbLabel={t('request.photo.zoom')} />
          </div>
          <div>
            <Text size="sm" fw={500} id="retouch-straighten">{t('request.photo.straighten')}</Text>
            <Slider min={-20} max={20} step={0.5} value={transform.straighten} onChange={(straighten) => setTransform({ ...transform, straighten })} thumbLabel={t('request.photo.straighten')} />
          </div>
          <div>
            <Text size="sm" fw={500} id="retouch-brightness">{t('retouch.brightness')}</Text>
            <Slider min={0.5} max={1.5} step={0.05} value={transform.brightness} onChange={(brightness) => setTransform({ ...transform, brightness })} thumbLabel={t('retouch.brightness')} />
          </div>
          <Group gap="xs">
            <ActionIcon variant="default" size="lg" onClick={() => turn(-1)} aria-label={t('request.photo.rotateLeft')}><span aria-hidden="true">↺</span></ActionIcon>
            <ActionIcon variant="default" size="lg" onClick={() => turn(1)} aria-label={t('request.photo.rotateRight')}><span aria-hidden="true">↻</span></ActionIcon>
            <Button variant="subtle" size="xs" onClick={() => setTransform(NEUTRAL_TRANSFORM)}>{t('request.photo.reset')}</Button>
          </Group>
          <ProblemAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button onClick={() => void save()} loading={busy} disabled={!image} data-testid="retouch-save">{t('retouch.save')}</Button>
          </Group>
        </Stack>
      </Group>
    </Modal>
  );
}
