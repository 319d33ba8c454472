#!/usr/bin/env node
import { main } from './program.js';

// The AWS SDK warns about Node 20 on every start; the README states the supported versions instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await main(process.argv);
