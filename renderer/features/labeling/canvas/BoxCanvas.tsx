import { useCallback, useEffect, useLayoutEffect, useRef, useState, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import { useCommand } from '../../../commands';
import { Spinner } from '../../../ui';
import { HANDLES, handlePoint, type BoxPx, type ImageSizePx, type BoxTool } from '../tools/box';
import { useVersion } from '../useLabelingData';
import {
  ZOOM_STEP,
  fitViewport,
  imageToScreen,
  keepImageVisible,
  panBy,
  rectToScreen,
  screenToImage,
  wheelZoomFactor,
  zoomAt,
  zoomTo,
  type Point,
  type Size,
  type Viewport,
} from './viewport';

export interface BoxCanvasText {
  canvas: string;
  zoomIn: string;
  zoomOut: string;
  fit: string;
  zoomLevel: (percent: number) => string;
  loading: string;
  imageFailed: string;
}

export interface BoxCanvasProps {
  tool: BoxTool;
  /** Changes when another image is shown: the view fits the new one. */
  imageKey: number | string;
  imageUrl: string | null;
  /** Pixels of the correctly oriented original: the space the boxes are in. */
  imageSize: ImageSizePx | null;
  colorOf: (label: string) => string;
  text: BoxCanvasText;
  /** Shown over the image (for example: add a label before drawing). */
  overlay?: ReactNode;
  /** Keyboard commands for zooming are live (single-image mode is showing). */
  isActive: boolean;
}

const HANDLE_SIZE = 8;

/** Room for a label tag at 11 px: narrow Latin glyphs, wide CJK ones. */
function tagWidth(label: string): number {
  let width = 12;
  for (const char of label) width += char.charCodeAt(0) > 0x2e80 ? 11.5 : 6.8;
  return Math.max(24, Math.ceil(width));
}

/**
 * The image with its boxes, zoomable and pannable. Pointer events become image pixels here and go
 * to the box tool; wheel zooms around the pointer; space-drag or the middle button pans.
 * The picture is the display rendition (at most 2048 px); it is drawn at the original's size in
 * image space, so boxes never depend on which rendition is loaded.
 */
export function BoxCanvas({ tool, imageKey, imageUrl, imageSize, colorOf, text, overlay, isActive }: BoxCanvasProps) {
  useVersion(tool);
  const container = useRef<HTMLDivElement>(null);
  const [screen, setScreen] = useState<Size>({ width: 0, height: 0 });
  const [viewport, setViewportState] = useState<Viewport>({ scale: 1, offsetX: 0, offsetY: 0 });
  const [isFitted, setFitted] = useState(true);
  const [loadState, setLoadState] = useState<{ key: string | null; status: 'loading' | 'loaded' | 'failed' }>({ key: null, status: 'loading' });
  const viewportRef = useRef(viewport);
  viewportRef.current = viewport;
  const pan = useRef<{ pointerId: number; last: Point } | null>(null);
  const spaceHeld = useRef(false);
  const hovering = useRef(false);

  const setViewport = useCallback(
    (next: Viewport, fitted = false) => {
      const kept = imageSize && screen.width > 0 ? keepImageVisible(next, imageSize, screen) : next;
      viewportRef.current = kept;
      setViewportState(kept);
      setFitted(fitted);
      tool.setScale(kept.scale);
    },
    [imageSize, screen, tool],
  );

  const fit = useCallback(() => {
    if (!imageSize || screen.width === 0) return;
    setViewport(fitViewport(imageSize, screen), true);
  }, [imageSize, screen, setViewport]);

  useLayoutEffect(() => {
    const element = container.current;
    if (!element) return;
    const measure = () => setScreen({ width: element.clientWidth, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // A new image fits the window; so does a resized window while the image is fitted.
  const fittedFor = useRef<string | null>(null);
  const fitKey = `${imageKey}:${imageSize?.width ?? 0}x${imageSize?.height ?? 0}`;
  useLayoutEffect(() => {
    if (!imageSize || screen.width === 0) return;
    if (fittedFor.current !== fitKey || isFitted) {
      fittedFor.current = fitKey;
      setViewport(fitViewport(imageSize, screen), true);
    }
    // Only a new image or a new window size refits; zooming must not.
  }, [fitKey, screen.width, screen.height]);

  const centre = (): Point => ({ x: screen.width / 2, y: screen.height / 2 });
  useCommand('view:zoom-in', () => setViewport(zoomAt(viewportRef.current, ZOOM_STEP, centre())), () => isActive && imageSize !== null);
  useCommand('view:zoom-out', () => setViewport(zoomAt(viewportRef.current, 1 / ZOOM_STEP, centre())), () => isActive && imageSize !== null);
  useCommand('view:fit', fit, () => isActive && imageSize !== null);
  useCommand('view:actual-size', () => setViewport(zoomTo(viewportRef.current, 1, centre())), () => isActive && imageSize !== null);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      if (!imageSize) return;
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      const delta = event.deltaMode === 1 ? event.deltaY * 33 : event.deltaY;
      setViewport(zoomAt(viewportRef.current, wheelZoomFactor(delta), { x: event.clientX - rect.left, y: event.clientY - rect.top }));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [imageSize, setViewport]);

  // Space held over the canvas turns dragging into panning.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.code !== 'Space' || !hovering.current) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      event.preventDefault();
      if (!spaceHeld.current) {
        spaceHeld.current = true;
        if (container.current) container.current.style.cursor = 'grab';
      }
    };
    const onKeyUp = (event: KeyboardEvent) => {
      if (event.code !== 'Space') return;
      spaceHeld.current = false;
      if (container.current && !pan.current) container.current.style.cursor = '';
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
    };
  }, []);

  const toImage = (event: ReactPointerEvent): Point => {
    const rect = container.current!.getBoundingClientRect();
    return screenToImage(viewportRef.current, { x: event.clientX - rect.left, y: event.clientY - rect.top });
  };

  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>) => {
    if (!imageSize) return;
    const element = event.currentTarget;
    if (event.button === 1 || (event.button === 0 && spaceHeld.current)) {
      event.preventDefault();
      element.setPointerCapture(event.pointerId);
      pan.current = { pointerId: event.pointerId, last: { x: event.clientX, y: event.clientY } };
      element.style.cursor = 'grabbing';
      return;
    }
    if (event.button !== 0) return;
    // Keys (Delete, arrows) act on the canvas after a click, not on a button focused before.
    if (document.activeElement instanceof HTMLElement && document.activeElement !== element) document.activeElement.blur();
    element.setPointerCapture(event.pointerId);
    tool.pointerDown({ point: toImage(event), shiftKey: event.shiftKey, altKey: event.altKey });
  };

  const onPointerMove = (event: ReactPointerEvent<HTMLDivElement>) => {
    if (pan.current && pan.current.pointerId === event.pointerId) {
      const dx = event.clientX - pan.current.last.x;
      const dy = event.clientY - pan.current.last.y;
      pan.current.last = { x: event.clientX, y: event.clientY };
      setViewport(panBy(viewportRef.current, dx, dy), false);
      return;
    }
    if (!imageSize) return;
    const point = toImage(event);
    tool.pointerMove({ point, shiftKey: event.shiftKey, altKey: event.altKey });
    if (!spaceHeld.current) event.currentTarget.style.cursor = tool.cursorAt(point);
  };

  const endPointer = (event: ReactPointerEvent<HTMLDivElement>, isCancelled: boolean) => {
    if (pan.current && pan.current.pointerId === event.pointerId) {
      pan.current = null;
      event.currentTarget.style.cursor = spaceHeld.current ? 'grab' : '';
      return;
    }
    if (!imageSize) return;
    if (isCancelled) tool.cancel();
    else tool.pointerUp({ point: toImage(event), shiftKey: event.shiftKey, altKey: event.altKey });
  };

  const boxes = tool.displayBoxes();
  const selected = tool.displaySelected();
  const urlKey = imageUrl ?? '';
  const status = loadState.key === urlKey ? loadState.status : 'loading';
  const percent = Math.round(viewport.scale * 100);

  return (
    <div className="lab-canvas-frame">
      <div
        ref={container}
        className="lab-canvas"
        role="application"
        aria-label={text.canvas}
        aria-roledescription={text.canvas}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={(event) => endPointer(event, false)}
        onPointerCancel={(event) => endPointer(event, true)}
        onPointerEnter={() => (hovering.current = true)}
        onPointerLeave={() => (hovering.current = false)}
        onContextMenu={(event) => event.preventDefault()}
      >
        {imageUrl && imageSize ? (
          <img
            key={urlKey}
            className={`lab-canvas__image ${status === 'loaded' ? 'is-loaded' : ''}`}
            src={imageUrl}
            alt=""
            draggable={false}
            onLoad={() => setLoadState({ key: urlKey, status: 'loaded' })}
            onError={() => setLoadState({ key: urlKey, status: 'failed' })}
            style={{
              width: imageSize.width * viewport.scale,
              height: imageSize.height * viewport.scale,
              transform: `translate(${viewport.offsetX}px, ${viewport.offsetY}px)`,
            }}
          />
        ) : null}
        {imageSize ? (
          <svg className="lab-canvas__overlay" width={screen.width} height={screen.height} aria-hidden="true">
            {boxes.map((box, index) => (index === selected ? null : <BoxShape key={index} box={box} viewport={viewport} color={colorOf(box.label)} />))}
            {selected !== null && boxes[selected] ? (
              <BoxShape box={boxes[selected]} viewport={viewport} color={colorOf(boxes[selected].label)} isSelected isDraft={tool.preview !== null} />
            ) : null}
          </svg>
        ) : null}
        {imageUrl && imageSize && status === 'loading' ? (
          <div className="lab-canvas__status">
            <Spinner size={22} label={text.loading} />
          </div>
        ) : null}
        {status === 'failed' ? <div className="lab-canvas__status lab-canvas__status--error">{text.imageFailed}</div> : null}
        {overlay}
      </div>
      <div className="lab-canvas__zoom" role="group" aria-label={text.zoomLevel(percent)}>
        <button type="button" className="lab-icon-button" aria-label={text.zoomOut} title={text.zoomOut} onClick={() => setViewport(zoomAt(viewport, 1 / ZOOM_STEP, centre()))}>
          −
        </button>
        <span className="lab-canvas__zoom-level tabular" aria-live="polite">
          {percent}%
        </span>
        <button type="button" className="lab-icon-button" aria-label={text.zoomIn} title={text.zoomIn} onClick={() => setViewport(zoomAt(viewport, ZOOM_STEP, centre()))}>
          +
        </button>
        <button type="button" className="lab-text-button" onClick={fit} aria-pressed={isFitted}>
          {text.fit}
        </button>
      </div>
    </div>
  );
}

function BoxShape({
  box,
  viewport,
  color,
  isSelected = false,
  isDraft = false,
}: {
  box: BoxPx;
  viewport: Viewport;
  color: string;
  isSelected?: boolean;
  isDraft?: boolean;
}) {
  const rect = rectToScreen(viewport, box);
  const tagY = rect.top > 20 ? rect.top - 20 : rect.top + 2;
  return (
    <g className={`lab-box ${isSelected ? 'is-selected' : ''}`} data-label={box.label}>
      <rect
        x={rect.left}
        y={rect.top}
        width={Math.max(0, rect.width)}
        height={Math.max(0, rect.height)}
        fill={color}
        fillOpacity={isSelected ? 0.16 : 0.1}
        stroke={color}
        strokeWidth={isSelected ? 2.5 : 2}
        strokeDasharray={isDraft ? '6 4' : undefined}
      />
      <g transform={`translate(${rect.left}, ${tagY})`}>
        <rect width={tagWidth(box.label)} height={18} rx={3} fill={color} />
        <text x={6} y={13} className="lab-box__tag">
          {box.label}
        </text>
      </g>
      {isSelected && !isDraft
        ? HANDLES.map((handle) => {
            const at = imageToScreen(viewport, handlePoint(box, handle));
            return (
              <rect
                key={handle}
                className="lab-box__handle"
                x={at.x - HANDLE_SIZE / 2}
                y={at.y - HANDLE_SIZE / 2}
                width={HANDLE_SIZE}
                height={HANDLE_SIZE}
                rx={1.5}
                stroke={color}
              />
            );
          })
        : null}
    </g>
  );
}
