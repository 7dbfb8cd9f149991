import { ActionIcon, Button, FileButton, Group, Input, Slider, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../shared/format.ts';
import { PhotoCanvas } from './photo-canvas.component.tsx';
import { loadPhoto, NEUTRAL_TRANSFORM, PHOTO_MAX_ZOOM, PHOTO_SOURCE_MAX_BYTES, type PhotoImage, type PhotoTransform } from './photo-transform.ts';

export interface PhotoEditorValue {
  image: PhotoImage | null;
  transform: PhotoTransform;
  fileName: string | null;
}

export const EMPTY_PHOTO: PhotoEditorValue = { image: null, transform: NEUTRAL_TRANSFORM, fileName: null };

/**
 * Choose a photo (file or the device's front camera), then frame it: zoom, quarter turns,
 * straighten, and drag or arrow keys to move. Files are checked (type by content, size) before
 * anything is decoded; any phone photo fits, since what is uploaded is the framed photo rendered
 * at card size. Problems are shown under the field. `error` is an error from the server.
 */
export function PhotoEditor({ value, onChange, error }: {
  value: PhotoEditorValue;
  onChange(value: PhotoEditorValue): void;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const [localError, setLocalError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  async function choose(file: File | null) {
    if (!file) return;
    setLoading(true);
    setLocalError(null);
    const result = await loadPhoto(file);
    setLoading(false);
    if (!result.ok) {
      setLocalError(t(`errors.${result.problem}`, { max: formatBytes(PHOTO_SOURCE_MAX_BYTES) }));
      return;
    }
    onChange({ image: result.image, transform: NEUTRAL_TRANSFORM, fileName: file.name });
  }

  const setTransform = (transform: PhotoTransform) => onChange({ ...value, transform });
  const shownError = localError ?? error;
  const turn = (delta: 1 | -1) => setTransform({ ...value.transform, quarterTurns: (((value.transform.quarterTurns + delta) % 4) + 4) % 4 as PhotoTransform['quarterTurns'] });

  return (
    <Input.Wrapper
      label={t('request.photo.label')}
      description={t('request.photo.description', { max: formatBytes(PHOTO_SOURCE_MAX_BYTES) })}
      error={shownError}
      required
      id="photo"
      data-testid="photo-field"
    >
      <Stack gap="sm" mt="xs">
        <Group gap="xs">
          <FileButton onChange={(file) => void choose(file)} accept="image/jpeg,image/png" inputProps={{ 'data-testid': 'photo-file', 'aria-label': t('request.photo.chooseFile') } as Record<string, string>}>
            {(props) => <Button {...props} variant="default" loading={loading} data-testid="photo-choose">{t('request.photo.chooseFile')}</Button>}
          </FileButton>
          <FileButton onChange={(file) => void choose(file)} accept="image/*" capture="user" inputProps={{ 'data-testid': 'photo-camera', 'aria-label': t('request.photo.camera') } as Record<string, string>}>
            {(props) => <Button {...props} variant="default">{t('request.photo.camera')}</Button>}
          </FileButton>
        </Group>
        {value.image ? (
          <Group align="flex-start" gap="lg" wrap="wrap">
            <Stack gap={4} align="center">
              <PhotoCanvas
                image={value.image}
                transform={value.transform}
                width={240}
                height={300}
                onChange={setTransform}
                label={t('request.photo.canvasLabel')}
                testId="photo-canvas"
              />
              <Text size="xs" c="dimmed" maw={240}>{t('request.photo.dragHelp')}</Text>
            </Stack>
            <Stack gap="md" miw={200} style={{ flex: 1 }}>
              <div>
                <Text size="sm" fw={500} id="zoom-label">{t('request.photo.zoom')}</Text>
                <Slider
                  min={1}
                  max={PHOTO_MAX_ZOOM}
                  step={0.05}
                  value={value.transform.zoom}
                  onChange={(zoom) => setTransform({ ...value.transform, zoom })}
                  label={(zoom) => `${Math.round(zoom * 100)} %`}
                  thumbLabel={t('request.photo.zoom')}
                  data-testid="photo-zoom"
                />
              </div>
              <div>
                <Text size="sm" fw={500} id="straighten-label">{t('request.photo.straighten')}</Text>
                <Slider
                  min={-20}
                  max={20}
                  step={0.5}
                  value={value.transform.straighten}
                  onChange={(straighten) => setTransform({ ...value.transform, straighten })}
                  label={(degrees) => `${degrees}°`}
                  thumbLabel={t('request.photo.straighten')}
                />
              </div>
              <Group gap="xs">
                <ActionIcon variant="default" size="lg" onClick={() => turn(-1)} aria-label={t('request.photo.rotateLeft')} data-testid="rotate-left">
                  <span aria-hidden="true">↺</span>
                </ActionIcon>
                <ActionIcon variant="default" size="lg" onClick={() => turn(1)} aria-label={t('request.photo.rotateRight')} data-testid="rotate-right">
                  <span aria-hidden="true">↻</span>
                </ActionIcon>
                <Button variant="subtle" size="xs" onClick={() => setTransform(NEUTRAL_TRANSFORM)}>{t('request.photo.reset')}</Button>
              </Group>
              {value.fileName ? <Text size="xs" c="dimmed">{value.fileName}</Text> : null}
            </Stack>
          </Group>
        ) : null}
      </Stack>
    </Input.Wrapper>
  );
}
