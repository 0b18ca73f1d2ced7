import type { CSSProperties } from 'react';
import type { CustomLabel } from '../../../api';

/** `Name:NN%`, as the guide's examples draw a label (guide-notes-2 §4.7). */
export function plateText(label: CustomLabel): string {
  return `${label.Name}:${Math.round(label.Confidence)}%`;
}

/**
 * An analysed picture with what was found drawn on it: green boxes scaled from the Geometry
 * ratios to the displayed size, each with a black plate `Name:NN%`; image-level labels stacked in
 * the top-left corner; an anomaly model's heat map laid over the whole picture, semi-transparent.
 */
export function LabelOverlay({
  src,
  labels,
  width,
  height,
  alt,
  size = 'md',
  heatMap,
  heatOpacity = 0.6,
}: {
  src: string;
  labels: readonly CustomLabel[] | undefined;
  width: number;
  height: number;
  alt: string;
  size?: 'md' | 'lg';
  /** An anomaly heat map (PNG with alpha, base64), stretched over the picture; left out to hide it. */
  heatMap?: string | undefined;
  /** The heat map's opacity, 0–1. */
  heatOpacity?: number;
}) {
  const boxed = labels?.filter((label) => label.Geometry) ?? [];
  const imageLevel = labels?.filter((label) => !label.Geometry) ?? [];
  return (
    <div className={`overlay overlay--${size}`} style={{ '--ratio': String((width || 1) / (height || 1)) } as CSSProperties}>
      <img className="overlay__image" src={src} alt={alt} draggable={false} />
      {heatMap ? <img className="overlay__heat" data-testid="heat-map" src={`data:image/png;base64,${heatMap}`} alt="" draggable={false} style={{ opacity: heatOpacity }} /> : null}
      {boxed.map((label, index) => {
        const box = label.Geometry!.BoundingBox;
        return (
          <div
            key={`box-${index}`}
            className="overlay__box"
            style={{ left: `${box.Left * 100}%`, top: `${box.Top * 100}%`, width: `${box.Width * 100}%`, height: `${box.Height * 100}%` }}
          >
            <span className="overlay__plate">{plateText(label)}</span>
          </div>
        );
      })}
      {imageLevel.length > 0 ? (
        <div className="overlay__stack">
          {imageLevel.map((label) => (
            <span key={label.Name} className="overlay__plate">
              {plateText(label)}
            </span>
          ))}
        </div>
      ) : null}
    </div>
  );
}
