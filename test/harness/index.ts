export { type Emulator, startEmulator } from '../../emulator/index.js';
export { type DevServer, type DevServerOptions, startDevServer } from '../../lib/dev-server.js';
export { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from './postgres.js';
