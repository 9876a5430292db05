/**
 * Values that point charts/myhotel at the images `up` imported into the local cluster (never
 * pulled: imagePullPolicy Never). Nothing else is set: the chart's defaults are what is tested.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { shellToolsImage } from './images/base';
import { postgresImage } from './images/postgres';
import { SERVICE_REGISTRY } from './images/services';
import { paths } from './layout';

export const chartValuesFile = path.join(paths.root, 'chart-values.yaml');

const splitRef = (ref: string) => {
  const i = ref.lastIndexOf(':');
  return { repository: ref.slice(0, i), tag: ref.slice(i + 1) };
};

function localChartValues(tag: string): Record<string, unknown> {
  return {
    image: { registry: SERVICE_REGISTRY, tag, pullPolicy: 'Never' },
    postgresql: { image: { ...splitRef(postgresImage()), pullPolicy: 'Never' } },
    tests: { image: splitRef(shellToolsImage) },
  };
}

export async function writeChartValues(tag: string): Promise<string> {
  await fs.mkdir(paths.root, { recursive: true });
  await fs.writeFile(chartValuesFile, stringify(localChartValues(tag)));
  return chartValuesFile;
}
