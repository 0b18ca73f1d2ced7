/**
 * Datasets for the labeling suite, made through the API over HTTP as any client would: a project,
 * a dataset, real image files imported by path, and labels. Pictures are drawn with sharp from SVG
 * so screenshots show something to label.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page, Response } from '@playwright/test';
import sharp from 'sharp';
import type { EntryView } from '../../preload/contract/api';
import type { LoupeServer } from './fixtures';

export const REKOGNITION = 'RekognitionService';
export const LOUPE = 'LoupeService';

export interface ImageFile {
  name: string;
  width: number;
  height: number;
  /** EXIF orientation (6: the camera was turned 90° clockwise); width and height are as stored. */
  orientation?: number;
  hue?: number;
}

function pictureSvg(width: number, height: number, hue: number): string {
  const h = (offset: number) => `hsl(${(hue + offset) % 360}, 55%, 58%)`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${h(0)}"/><stop offset="1" stop-color="${h(50)}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${width * 0.32}" cy="${height * 0.42}" r="${Math.min(width, height) * 0.18}" fill="${h(180)}" opacity="0.85"/>
    <rect x="${width * 0.55}" y="${height * 0.5}" width="${width * 0.3}" height="${height * 0.3}" rx="8" fill="${h(120)}" opacity="0.9"/>
  </svg>`;
}

/** Writes the images into `folder` and returns their paths, in order. */
export async function writeImages(folder: string, images: readonly ImageFile[]): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  const paths: string[] = [];
  for (const [index, image] of images.entries()) {
    const file = path.join(folder, image.name);
    let picture = sharp(Buffer.from(pictureSvg(image.width, image.height, image.hue ?? (index * 37) % 360)));
    if (image.name.endsWith('.png')) picture = picture.png();
    else picture = picture.jpeg({ quality: 85 });
    if (image.orientation) picture = picture.withMetadata({ orientation: image.orientation });
    await picture.toFile(file);
    paths.push(file);
  }
  return paths;
}

export interface LabelingDataset {
  projectName: string;
  datasetArn: string;
  /** `#/projects/…/datasets/train/label` plus the token, to open labeling signed in. */
  url: (query?: string) => string;
}

/** A project with a training dataset holding `images` (imported in order) and `labels`. */
export async function aLabelingDataset(
  loupe: LoupeServer,
  projectName: string,
  images: readonly ImageFile[],
  labels: readonly string[] = [],
): Promise<LabelingDataset> {
  const { ProjectArn } = (await loupe.call(`${REKOGNITION}.CreateProject`, { ProjectName: projectName })) as { ProjectArn: string };
  const { DatasetArn } = (await loupe.call(`${REKOGNITION}.CreateDataset`, { ProjectArn, DatasetType: 'TRAIN' })) as { DatasetArn: string };
  if (images.length > 0) {
    const files = await writeImages(path.join(loupe.home, 'pictures', projectName), images);
    await loupe.call(`${LOUPE}.ImportFiles`, { DatasetArn, Files: files });
    await waitForEntries(loupe, DatasetArn, images.length);
  }
  if (labels.length > 0) await loupe.call(`${LOUPE}.CreateLabels`, { DatasetArn, Labels: labels });
  return {
    projectName,
    datasetArn: DatasetArn,
    url: (query = '') =>
      `${loupe.origin}/#/projects/${projectName}/datasets/train/label?${query}${query ? '&' : ''}token=${encodeURIComponent(loupe.token)}`,
  };
}

async function waitForEntries(loupe: LoupeServer, DatasetArn: string, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const described = (await loupe.call(`${REKOGNITION}.DescribeDataset`, { DatasetArn })) as {
      DatasetDescription: { Status: string; StatusMessage: string };
    };
    const listed = (await loupe.call(`${LOUPE}.ListEntries`, { DatasetArn, MaxResults: 1 })) as { TotalCount: number };
    if (!described.DatasetDescription.Status.endsWith('IN_PROGRESS') && listed.TotalCount >= count) return;
    if (described.DatasetDescription.Status.endsWith('FAILED')) throw new Error(described.DatasetDescription.StatusMessage);
    if (Date.now() > deadline) throw new Error(`The import did not finish: ${JSON.stringify(described)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function listEntries(loupe: LoupeServer, DatasetArn: string): Promise<EntryView[]> {
  const { Entries } = (await loupe.call(`${LOUPE}.ListEntries`, { DatasetArn, MaxResults: 1000 })) as { Entries: EntryView[] };
  return Entries;
}

export async function labelNames(loupe: LoupeServer, DatasetArn: string): Promise<string[]> {
  const { DatasetLabelDescriptions } = (await loupe.call(`${REKOGNITION}.ListDatasetLabels`, { DatasetArn })) as {
    DatasetLabelDescriptions: { LabelName: string }[];
  };
  return DatasetLabelDescriptions.map((label) => label.LabelName);
}

/** Resolves with the next answer of `operation` (e.g. `PutEntryAnnotations`). */
export function nextAnswer(page: Page, operation: string): Promise<Response> {
  return page.waitForResponse((response) => response.request().headers()['x-amz-target']?.endsWith(`.${operation}`) === true);
}

/** Where image pixel (x, y) is on the screen, from the displayed picture's box. */
export async function screenPoint(image: Locator, size: { width: number; height: number }, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = await image.boundingBox();
  if (!box) throw new Error('The picture is not on screen');
  return { x: box.x + (x * box.width) / size.width, y: box.y + (y * box.height) / size.height };
}

/** Drags with the mouse between two image-pixel points. */
export async function dragImage(
  page: Page,
  image: Locator,
  size: { width: number; height: number },
  from: [number, number],
  to: [number, number],
): Promise<void> {
  const start = await screenPoint(image, size, from[0], from[1]);
  const end = await screenPoint(image, size, to[0], to[1]);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(end.x, end.y, { steps: 8 });
  await page.mouse.up();
}
