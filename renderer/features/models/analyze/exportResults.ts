/** Analysis results as files: CSV (one row per label) and JSON (DetectCustomLabels' answers). */
import type { CustomLabel } from '../../../api';

export interface ExportedAnalysis {
  name: string;
  /** Undefined: each label's assumed threshold. */
  minConfidence: number | undefined;
  labels: readonly CustomLabel[];
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const ratio = (value: number | undefined) => (value === undefined ? '' : String(Math.round(value * 1e6) / 1e6));

/** `file,label,confidence,left,top,width,height`; an image with no label gets one row with an empty label. */
export function toCsv(analyses: readonly ExportedAnalysis[]): string {
  const rows = [['file', 'label', 'confidence', 'left', 'top', 'width', 'height']];
  for (const analysis of analyses) {
    if (analysis.labels.length === 0) rows.push([analysis.name, '', '', '', '', '', '']);
    for (const label of analysis.labels) {
      const box = label.Geometry?.BoundingBox;
      rows.push([analysis.name, label.Name, String(Math.round(label.Confidence * 1000) / 1000), ratio(box?.Left), ratio(box?.Top), ratio(box?.Width), ratio(box?.Height)]);
    }
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

export function toJson(analyses: readonly ExportedAnalysis[], projectVersionArn: string): unknown {
  return {
    ProjectVersionArn: projectVersionArn,
    Images: analyses.map((analysis) => ({
      File: analysis.name,
      ...(analysis.minConfidence === undefined ? {} : { MinConfidence: analysis.minConfidence }),
      CustomLabels: analysis.labels,
    })),
  };
}
