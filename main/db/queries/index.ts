export * from './bucketMappings';
export * from './datasets';
export * from './projects';
export * from './settings';
export * from './tags';
export * from './versions';
export * from './entries';
export * from './jobs';
