import { DefaultLogger, Runtime } from '@temporalio/worker';

// Keep test output readable: the worker and bundler log every state change at INFO.
Runtime.install({ logger: new DefaultLogger('WARN') });
