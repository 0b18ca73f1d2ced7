/** Number and time formats of the model screens, in the UI language. */

function unit(value: number, name: 'second' | 'minute' | 'hour', language: string): string {
  return new Intl.NumberFormat(language, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: 0 }).format(value);
}

/** How long something took: "7 sec", "3 min 12 sec", "1 hr 13 min". */
export function formatElapsed(seconds: number, language: string): string {
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return unit(total, 'second', language);
  if (total < 3600) {
    const minutes = Math.floor(total / 60);
    const rest = total % 60;
    return rest > 0 ? `${unit(minutes, 'minute', language)} ${unit(rest, 'second', language)}` : unit(minutes, 'minute', language);
  }
  const hours = Math.floor(total / 3600);
  const minutes = Math.round((total % 3600) / 60);
  return minutes > 0 ? `${unit(hours, 'hour', language)} ${unit(minutes, 'minute', language)}` : unit(hours, 'hour', language);
}

/** 0–1 → "87%" (or "87.5%" with one decimal). */
export function formatPercent(ratio: number, language: string, decimals = 0): string {
  return new Intl.NumberFormat(language, { style: 'percent', minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(ratio);
}

/** A confidence of 0–100 as the console shows it: "30.3%". */
export function formatConfidence(confidence: number, language: string): string {
  return formatPercent(confidence / 100, language, 1);
}

/** A loss value: four significant digits, or scientific below 0.0001. */
export function formatLoss(loss: number, language: string): string {
  if (loss !== 0 && Math.abs(loss) < 1e-4) return loss.toExponential(1);
  return new Intl.NumberFormat(language, { maximumSignificantDigits: 4 }).format(loss);
}

/** The summary's `EvaluationEndTimestamp` ("2021-07-13T11:42:51.541000", UTC) → epoch seconds. */
export function parseSummaryTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(/(\.\d{3})\d+$/, '$1')}Z`;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** `cpu` → "CPU", `cuda` → "CUDA (NVIDIA GPU)"; unknown names as they are. */
export function providerName(provider: string): string {
  const names: Record<string, string> = {
    cpu: 'CPU',
    cuda: 'CUDA (NVIDIA GPU)',
    tensorrt: 'TensorRT (NVIDIA GPU)',
    dml: 'DirectML (GPU)',
    directml: 'DirectML (GPU)',
    coreml: 'Core ML',
    rocm: 'ROCm (AMD GPU)',
    migraphx: 'MIGraphX (AMD GPU)',
    openvino: 'OpenVINO',
    webgpu: 'WebGPU',
  };
  return names[provider.toLowerCase()] ?? provider;
}
