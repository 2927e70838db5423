// The package version, read once from package.json (works from src/ under tsx and from dist/).

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const VERSION = (require('../../package.json') as { version: string }).version;
