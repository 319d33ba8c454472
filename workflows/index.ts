// The worker's workflow bundle entry point: every workflow type trailwarden registers.
export { auditRun, deliverAlerts, progressQuery } from './audit.js';
