import { useEffect, useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { clampPan, drawPhoto, PHOTO_MAX_ZOOM, type PhotoImage, type PhotoTransform } from './photo-transform.ts';

/**
 * A canvas showing the framed photo. When `onChange` is given it is the editing surface: drag
 * (mouse, touch or pen) or arrow keys move the photo, + and - zoom.
 */
export function PhotoCanvas({ image, transform, width, height, onChange, label, testId }: {
  image: PhotoImage | null;
  transform: PhotoTransform;
  width: number;
  height: number;
  onChange?: (next: PhotoTransform) => void;
  label: string;
  testId?: string;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ x: number; y: number; panX: number; panY: number } | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    if (!image) {
      context.fillStyle = '#dee2e6';
      context.fillRect(0, 0, width, height);
      return;
    }
    drawPhoto(context, image, transform, width, height);
  }, [image, transform, width, height]);

  function onPointerDown(event: PointerEvent<HTMLCanvasElement>) {
    if (!onChange) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, panX: transform.panX, panY: transform.panY };
  }
  function onPointerMove(event: PointerEvent<HTMLCanvasElement>) {
    if (!onChange || !drag.current) return;
    const rect = event.currentTarget.getBoundingClientRect();
    onChange({
      ...transform,
      panX: clampPan(drag.current.panX + (event.clientX - drag.current.x) / rect.width, transform.zoom),
      panY: clampPan(drag.current.panY + (event.clientY - drag.current.y) / rect.height, transform.zoom),
    });
  }
  function onKeyDown(event: KeyboardEvent<HTMLCanvasElement>) {
    if (!onChange) return;
    const step = event.shiftKey ? 0.1 : 0.02;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      onChange({ ...transform, panX: clampPan(transform.panX + move[0], transform.zoom), panY: clampPan(transform.panY + move[1], transform.zoom) });
    } else if (event.key === '+' || event.key === '=') {
      event.preventDefault();
      onChange({ ...transform, zoom: Math.min(PHOTO_MAX_ZOOM, transform.zoom + 0.1) });
    } else if (event.key === '-') {
      event.preventDefault();
      onChange({ ...transform, zoom: Math.max(1, transform.zoom - 0.1) });
    }
  }

  return (
    <canvas
      ref={canvasRef}
      width={width}
      height={height}
      role="img"
      aria-label={label}
      tabIndex={onChange ? 0 : undefined}
      data-testid={testId}
      className={onChange ? 'photo-canvas photo-canvas--editable' : 'photo-canvas'}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => { drag.current = null; }}
      onPointerCancel={() => { drag.current = null; }}
      onKeyDown={onKeyDown}
    />
  );
}
