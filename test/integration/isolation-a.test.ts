import { isolationSuite } from '../harness/isolation-suite.js';

// Runs in parallel with isolation-b.test.ts: ports, moto state and databases must not collide.
isolationSuite('a');
