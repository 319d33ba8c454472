import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { PREBUILT_BUNDLE, workflowsPath } from './index.js';

// Build step (scripts/setup.sh): bundles the workflows once, so workers start without running webpack.
const { code } = await bundleWorkflowCode({
  workflowsPath: workflowsPath(),
  logger: new DefaultLogger('WARN'),
});
await writeFile(PREBUILT_BUNDLE, code);
