/**
 * The "API code" panel's snippets: start a model, analyse an image, stop it — with the AWS CLI,
 * the AWS SDK for JavaScript (v3) and boto3, pointed at Loupe's endpoint. Pure: no React.
 */

export type SnippetLanguage = 'cli' | 'javascript' | 'python';
export type SnippetOperation = 'start' | 'detect' | 'stop';

export interface SnippetContext {
  projectArn: string;
  versionArn: string;
  versionName: string;
  endpoint: string;
  region: string;
  minUnits: number;
  maxUnits?: number | undefined;
  /** An S3Object the endpoint can read through a bucket mapping. */
  bucket: string;
  key: string;
  /** A local file for the bytes examples. */
  localFile: string;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function jsString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function pyString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function cli(operation: SnippetOperation, c: SnippetContext): string {
  const tail = `  --endpoint-url ${shellQuote(c.endpoint)} \\\n  --region ${shellQuote(c.region)}`;
  switch (operation) {
    case 'start':
      return [
        'aws rekognition start-project-version \\',
        `  --project-version-arn ${shellQuote(c.versionArn)} \\`,
        `  --min-inference-units ${c.minUnits} \\`,
        ...(c.maxUnits !== undefined ? [`  --max-inference-units ${c.maxUnits} \\`] : []),
        tail,
        '',
        '# Wait until it is RUNNING',
        'aws rekognition wait project-version-running \\',
        `  --project-arn ${shellQuote(c.projectArn)} \\`,
        `  --version-names ${shellQuote(c.versionName)} \\`,
        tail,
      ].join('\n');
    case 'detect':
      // Bytes first: they need nothing set up, so the snippet runs as pasted (issue 15). The CLI
      // reads a file's bytes with fileb://.
      return [
        'aws rekognition detect-custom-labels \\',
        `  --project-version-arn ${shellQuote(c.versionArn)} \\`,
        `  --image-bytes ${shellQuote(`fileb://${c.localFile}`)} \\`,
        tail,
        '',
        '# Add --min-confidence 0-100 for one cut-off; without it each label uses its threshold.',
        '# An image in a mapped bucket instead of bytes:',
        `#   --image ${shellQuote(JSON.stringify({ S3Object: { Bucket: c.bucket, Name: c.key } }))}`,
      ].join('\n');
    case 'stop':
      return ['aws rekognition stop-project-version \\', `  --project-version-arn ${shellQuote(c.versionArn)} \\`, tail].join('\n');
  }
}

function javascript(operation: SnippetOperation, c: SnippetContext): string {
  const client = [`const client = new RekognitionClient({ region: ${jsString(c.region)}, endpoint: ${jsString(c.endpoint)} });`];
  switch (operation) {
    case 'start':
      return [
        "import { RekognitionClient, StartProjectVersionCommand, waitUntilProjectVersionRunning } from '@aws-sdk/client-rekognition';",
        '',
        ...client,
        '',
        'await client.send(',
        '  new StartProjectVersionCommand({',
        `    ProjectVersionArn: ${jsString(c.versionArn)},`,
        `    MinInferenceUnits: ${c.minUnits},`,
        ...(c.maxUnits !== undefined ? [`    MaxInferenceUnits: ${c.maxUnits},`] : []),
        '  }),',
        ');',
        'await waitUntilProjectVersionRunning(',
        '  { client, maxWaitTime: 600 },',
        `  { ProjectArn: ${jsString(c.projectArn)}, VersionNames: [${jsString(c.versionName)}] },`,
        ');',
        "console.log('The model is running.');",
      ].join('\n');
    case 'detect':
      return [
        "import { readFile } from 'node:fs/promises';",
        "import { DetectCustomLabelsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';",
        '',
        ...client,
        `const ProjectVersionArn = ${jsString(c.versionArn)};`,
        '',
        "// A local file, as bytes; MinConfidence left out = each label's threshold",
        'const { CustomLabels } = await client.send(',
        `  new DetectCustomLabelsCommand({ ProjectVersionArn, Image: { Bytes: await readFile(${jsString(c.localFile)}) } }),`,
        ');',
        'for (const label of CustomLabels) {',
        '  console.log(`${label.Name}: ${label.Confidence.toFixed(1)}%`, label.Geometry?.BoundingBox ?? \'\');',
        '}',
        '',
        '// An image in a mapped bucket instead of bytes:',
        `// Image: { S3Object: { Bucket: ${jsString(c.bucket)}, Name: ${jsString(c.key)} } }`,
      ].join('\n');
    case 'stop':
      return [
        "import { RekognitionClient, StopProjectVersionCommand } from '@aws-sdk/client-rekognition';",
        '',
        ...client,
        '',
        `const { Status } = await client.send(new StopProjectVersionCommand({ ProjectVersionArn: ${jsString(c.versionArn)} }));`,
        'console.log(Status); // STOPPING, then STOPPED',
      ].join('\n');
  }
}

function python(operation: SnippetOperation, c: SnippetContext): string {
  const client = [`client = boto3.client("rekognition", region_name=${pyString(c.region)}, endpoint_url=${pyString(c.endpoint)})`];
  switch (operation) {
    case 'start':
      return [
        'import boto3',
        '',
        ...client,
        '',
        'client.start_project_version(',
        `    ProjectVersionArn=${pyString(c.versionArn)},`,
        `    MinInferenceUnits=${c.minUnits},`,
        ...(c.maxUnits !== undefined ? [`    MaxInferenceUnits=${c.maxUnits},`] : []),
        ')',
        'client.get_waiter("project_version_running").wait(',
        `    ProjectArn=${pyString(c.projectArn)}, VersionNames=[${pyString(c.versionName)}]`,
        ')',
        'print("The model is running.")',
      ].join('\n');
    case 'detect':
      return [
        'import boto3',
        '',
        ...client,
        `model_arn = ${pyString(c.versionArn)}`,
        '',
        "# A local file, as bytes; MinConfidence left out = each label's threshold",
        `with open(${pyString(c.localFile)}, "rb") as image:`,
        '    response = client.detect_custom_labels(ProjectVersionArn=model_arn, Image={"Bytes": image.read()})',
        '',
        'for label in response["CustomLabels"]:',
        '    print(f"{label[\'Name\']}: {label[\'Confidence\']:.1f}%", label.get("Geometry", {}).get("BoundingBox", ""))',
        '',
        '# An image in a mapped bucket instead of bytes:',
        `# Image={"S3Object": {"Bucket": ${pyString(c.bucket)}, "Name": ${pyString(c.key)}}}`,
      ].join('\n');
    case 'stop':
      return [
        'import boto3',
        '',
        ...client,
        '',
        `response = client.stop_project_version(ProjectVersionArn=${pyString(c.versionArn)})`,
        'print(response["Status"])  # STOPPING, then STOPPED',
      ].join('\n');
  }
}

export function snippet(language: SnippetLanguage, operation: SnippetOperation, context: SnippetContext): string {
  if (language === 'cli') return cli(operation, context);
  if (language === 'javascript') return javascript(operation, context);
  return python(operation, context);
}
