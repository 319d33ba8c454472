import { isolationSuite } from '../harness/isolation-suite.js';

// Runs in parallel with isolation-a.test.ts: ports, moto state and databases must not collide.
isolationSuite('b');
