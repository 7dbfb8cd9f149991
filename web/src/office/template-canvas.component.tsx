import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { cardTemplatesApi } from '../api/card-templates.api.ts';
import {
  BLEED_MM, CARD_HEIGHT_MM, CARD_WIDTH_MM, moveTo, resizeTo, SAFE_MARGIN_MM, type CardElement, type CardFaceLayout, type GridStep,
} from './card-template-editing.ts';

/** Room drawn around the card, in millimetres: the bleed and a margin to grab elements on the edge. */
const PAD_MM = 3;
/** ID-1 corner radius (ISO/IEC 7810): 3.18 mm. */
const CORNER_MM = 3.18;
/** Points to millimetres, for font sizes drawn in the canvas. */
const PT_MM = 25.4 / 72;
/** The resize handle's side in millimetres. */
const HANDLE_MM = 1.8;

interface Gesture {
  mode: 'move' | 'resize';
  id: string;
  startX: number;
  startY: number;
  element: CardElement;
  /** Whether the pointer moved yet: a click alone selects and leaves no undo step. */
  moved: boolean;
}

/**
 * One face of the card drawn at scale (an SVG in millimetres, so it stays sharp at any zoom):
 * the card's edge with the ID-1 rounded corners, the 1 mm bleed the server allows around it, the
 * safe area inside, and the elements as boxes that say what they are. When `editable`, an element
 * is selected with a click, dragged with the mouse (its bottom-right handle resizes it), snapped to
 * `grid`, moved with the arrow keys (Shift: ten steps) and removed with Delete. Elements the
 * server refused are outlined in red. The real render is the preview next to it.
 */
export function TemplateCanvas({ face, selectedId, problemIds, grid, editable, onSelect, onChange, onGestureStart, onRemove }: {
  face: CardFaceLayout;
  selectedId: string | null;
  problemIds: ReadonlySet<string>;
  grid: GridStep;
  editable: boolean;
  onSelect(id: string | null): void;
  /** A change during a gesture or a key press: the element as it is now. */
  onChange(element: CardElement): void;
  /** Called once before a gesture or key press changes the layout (the undo step). */
  onGestureStart(): void;
  onRemove(id: string): void;
}) {
  const { t } = useTranslation();
  const svgRef = useRef<SVGSVGElement>(null);
  const gesture = useRef<Gesture | null>(null);

  /** The pointer's position in card millimetres. */
  function pointInMm(event: PointerEvent): { x: number; y: number } {
    const svg = svgRef.current;
    const matrix = svg?.getScreenCTM();
    if (!svg || !matrix) return { x: 0, y: 0 };
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    return { x: point.x, y: point.y };
  }

  function start(event: PointerEvent, element: CardElement, mode: Gesture['mode']) {
    event.stopPropagation();
    onSelect(element.id);
    if (!editable || event.button !== 0) return;
    event.preventDefault();
    svgRef.current?.focus();
    svgRef.current?.setPointerCapture(event.pointerId);
    const at = pointInMm(event);
    gesture.current = { mode, id: element.id, startX: at.x, startY: at.y, element, moved: false };
  }

  function move(event: PointerEvent) {
    const current = gesture.current;
    if (!current) return;
    const at = pointInMm(event);
    const dx = at.x - current.startX;
    const dy = at.y - current.startY;
    const { element } = current;
    if (!current.moved) {
      current.moved = true;
      onGestureStart();
    }
    onChange(current.mode === 'move'
      ? moveTo(element, element.x + dx, element.y + dy, grid)
      : resizeTo(element, element.x + element.width + dx, element.y + element.height + dy, grid));
  }

  function end(event: PointerEvent) {
    if (!gesture.current) return;
    gesture.current = null;
    if (svgRef.current?.hasPointerCapture(event.pointerId)) svgRef.current.releasePointerCapture(event.pointerId);
  }

  function key(event: KeyboardEvent) {
    const selected = face.elements.find((element) => element.id === selectedId);
    if (!selected || !editable) return;
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      onRemove(selected.id);
      return;
    }
    const arrows: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const direction = arrows[event.key];
    if (!direction) return;
    event.preventDefault();
    // Without a grid, a key moves by 0.1 mm: the finest step a card printer shows.
    const step = (grid > 0 ? grid : 0.1) * (event.shiftKey ? 10 : 1);
    onGestureStart();
    onChange(moveTo(selected, selected.x + direction[0] * step, selected.y + direction[1] * step, grid));
  }

  return (
    <svg ref={svgRef} data-testid="template-canvas" role="application" aria-label={t('templateEditor.canvasLabel')} tabIndex={0}
      viewBox={`${-PAD_MM} ${-PAD_MM} ${CARD_WIDTH_MM + 2 * PAD_MM} ${CARD_HEIGHT_MM + 2 * PAD_MM}`}
      style={{ width: '100%', height: 'auto', display: 'block', touchAction: 'none', userSelect: 'none', background: 'var(--mantine-color-gray-1)', borderRadius: 8 }}
      onPointerMove={move} onPointerUp={end} onPointerCancel={end} onKeyDown={key} onPointerDown={() => onSelect(null)}>
      <rect x={-BLEED_MM} y={-BLEED_MM} width={CARD_WIDTH_MM + 2 * BLEED_MM} height={CARD_HEIGHT_MM + 2 * BLEED_MM} rx={CORNER_MM + BLEED_MM}
        fill="none" stroke="#e8590c" strokeWidth={0.15} strokeDasharray="0.8 0.5" data-testid="canvas-bleed">
        <title>{t('templateEditor.bleed')}</title>
      </rect>
      <rect x={0} y={0} width={CARD_WIDTH_MM} height={CARD_HEIGHT_MM} rx={CORNER_MM} fill={face.background} stroke="#868e96" strokeWidth={0.2} />
      {grid > 0 ? <GridLines grid={grid} /> : null}
      <rect x={SAFE_MARGIN_MM} y={SAFE_MARGIN_MM} width={CARD_WIDTH_MM - 2 * SAFE_MARGIN_MM} height={CARD_HEIGHT_MM - 2 * SAFE_MARGIN_MM}
        fill="none" stroke="#1c7ed6" strokeWidth={0.12} strokeDasharray="0.6 0.6" pointerEvents="none" data-testid="canvas-safe-area">
        <title>{t('templateEditor.safeArea')}</title>
      </rect>
      {face.elements.map((element) => (
        <g key={element.id} data-testid="canvas-element" data-element-id={element.id} data-kind={element.kind}
          data-x={element.x} data-y={element.y} data-width={element.width} data-height={element.height}
          data-selected={element.id === selectedId ? 'true' : undefined} data-problem={problemIds.has(element.id) ? 'true' : undefined}
          style={{ cursor: editable ? 'move' : 'pointer' }} onPointerDown={(event) => start(event, element, 'move')}>
          <ElementDrawing element={element} />
          <rect x={element.x} y={element.y} width={element.width} height={element.height} fill="transparent"
            stroke={problemIds.has(element.id) ? '#e03131' : element.id === selectedId ? '#1971c2' : 'none'}
            strokeWidth={problemIds.has(element.id) || element.id === selectedId ? 0.35 : 0} />
          <title>{element.id}</title>
        </g>
      ))}
      {editable ? face.elements.filter((element) => element.id === selectedId).map((element) => (
        <rect key="handle" data-testid="canvas-resize-handle" x={element.x + element.width - HANDLE_MM / 2} y={element.y + element.height - HANDLE_MM / 2}
          width={HANDLE_MM} height={HANDLE_MM} fill="#ffffff" stroke="#1971c2" strokeWidth={0.3} style={{ cursor: 'nwse-resize' }}
          onPointerDown={(event) => start(event, element, 'resize')} />
      )) : null}
    </svg>
  );
}

/** Faint lines every 5 grid steps (every step would be a grey wash at this scale). */
function GridLines({ grid }: { grid: GridStep }) {
  const every = grid * 5;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let x = every; x < CARD_WIDTH_MM; x += every) xs.push(x);
  for (let y = every; y < CARD_HEIGHT_MM; y += every) ys.push(y);
  return (
    <g stroke="#ced4da" strokeWidth={0.05} pointerEvents="none" data-testid="canvas-grid">
      {xs.map((x) => <line key={`x${x}`} x1={x} y1={0} x2={x} y2={CARD_HEIGHT_MM} />)}
      {ys.map((y) => <line key={`y${y}`} x1={0} y1={y} x2={CARD_WIDTH_MM} y2={y} />)}
    </g>
  );
}

/** A schematic drawing of an element: enough to place it; the preview shows the real render. */
function ElementDrawing({ element }: { element: CardElement }) {
  const { t } = useTranslation();
  const { x, y, width, height } = element;
  // A label fits its box: at most 2.4 mm high, and narrow enough for its letters (about 0.6 em each).
  const label = (text: string, size = Math.min(2.4, height * 0.6)) => (
    <text x={x + width / 2} y={y + height / 2} fontSize={Math.min(size, (width * 0.9) / (text.length * 0.6))} textAnchor="middle" dominantBaseline="central" fill="#495057" fontFamily="sans-serif">{text}</text>
  );
  switch (element.kind) {
    case 'shape':
      return <rect x={x} y={y} width={width} height={height} rx={element.cornerRadius} fill={element.fill} />;
    case 'photo':
      return <>
        <rect x={x} y={y} width={width} height={height} rx={element.cornerRadius} fill="#dee2e6" stroke="#adb5bd" strokeWidth={0.15} />
        {label(t('templateEditor.kinds.photo'))}
      </>;
    case 'image':
      return element.assetId === 'institution-logo'
        ? <>
          <rect x={x} y={y} width={width} height={height} fill="#f1f3f5" stroke="#adb5bd" strokeWidth={0.15} strokeDasharray="0.5 0.3" />
          {label(t('templateEditor.logo'), Math.min(2, height * 0.3))}
        </>
        : <image href={cardTemplatesApi.assetUrl(element.assetId)} x={x} y={y} width={width} height={height}
          preserveAspectRatio={element.fit === 'stretch' ? 'none' : element.fit === 'cover' ? 'xMidYMid slice' : 'xMidYMid meet'} />;
    case 'qr':
      return <>
        <rect x={x} y={y} width={width} height={height} fill="#ffffff" stroke={element.color} strokeWidth={0.3} />
        <rect x={x + width * 0.1} y={y + height * 0.1} width={width * 0.25} height={height * 0.25} fill={element.color} />
        <rect x={x + width * 0.65} y={y + height * 0.1} width={width * 0.25} height={height * 0.25} fill={element.color} />
        <rect x={x + width * 0.1} y={y + height * 0.65} width={width * 0.25} height={height * 0.25} fill={element.color} />
      </>;
    case 'barcode': {
      const bars = Array.from({ length: 24 }, (_, i) => i);
      const barHeight = element.showText ? height * 0.75 : height;
      return <>
        <rect x={x} y={y} width={width} height={height} fill="#ffffff" fillOpacity={0.6} />
        {bars.map((i) => <rect key={i} x={x + (i / 24) * width} y={y} width={(width / 24) * (i % 3 === 0 ? 0.7 : 0.35)} height={barHeight} fill={element.color} />)}
        {element.showText
          ? <text x={x + width / 2} y={y + height * 0.88} fontSize={Math.min(2.2, height * 0.2)} textAnchor="middle" dominantBaseline="central" fill={element.color} fontFamily="monospace">
            {`${element.symbology === 'code39' ? 'Code 39' : 'Code 128'} · ${t(`templateEditor.fields.${element.field}`)}`}
          </text>
          : null}
      </>;
    }
    case 'hologram':
      return <>
        <rect x={x} y={y} width={width} height={height} rx={Math.min(width, height) / 2} fill="none"
          stroke="#ae3ec9" strokeWidth={0.2} strokeDasharray="0.6 0.4" />
        {label(t('templateEditor.kinds.hologram'), Math.min(1.8, height * 0.2))}
      </>;
    case 'text': {
      const content = element.field
        ? `${element.text?.fr ? `${element.text.fr} ` : ''}‹${t(`templateEditor.fields.${element.field}`)}›`
        : element.text?.fr ?? '';
      const anchor = element.align === 'middle' ? 'middle' : element.align === 'end' ? 'end' : 'start';
      const textX = anchor === 'middle' ? x + width / 2 : anchor === 'end' ? x + width : x;
      return <>
        <rect x={x} y={y} width={width} height={height} fill="none" stroke="#adb5bd" strokeWidth={0.1} strokeDasharray="0.4 0.3" />
        <svg x={x} y={y} width={width} height={height} overflow="hidden">
          <text x={textX - x} y={height / 2} fontSize={element.fontSize * PT_MM} textAnchor={anchor} dominantBaseline="central" fill={element.color}
            fontFamily={element.font === 'serif' ? 'serif' : element.font === 'mono' ? 'monospace' : 'sans-serif'}
            fontWeight={element.bold ? 700 : 400} fontStyle={element.italic ? 'italic' : 'normal'}>
            {element.uppercase ? content.toUpperCase() : content}
          </text>
        </svg>
      </>;
    }
  }
}
