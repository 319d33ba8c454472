/**
 * The benchmark's synthetic organization: deterministic facts per account index, with a spread of postures
 * that makes every check of the catalog produce both verdicts somewhere. Pure functions; the endpoint
 * turns them into API answers.
 */

export const BENCH_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ca-central-1',
  'sa-east-1',
  // Opt-in regions, reported as opted in: used when more than 17 regions are asked for.
  'af-south-1',
  'ap-east-1',
  'ap-south-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'eu-central-2',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'ca-west-1',
  'mx-central-1',
];

export const MANAGEMENT_ACCOUNT = '100000000000';
export const ORGANIZATION_ID = 'o-benchmark01';
export const ROOT_ID = 'r-bnch';
export const OU_COUNT = 10;

export function accountId(index: number): string {
  return String(200_000_000_000 + index);
}

export function accountIndex(id: string): number {
  return Number(id) - 200_000_000_000;
}

export function ouId(i: number): string {
  return `ou-bnch-${String(i).padStart(8, '0')}`;
}

export interface SyntheticTrail {
  name: string;
  arn: string;
  homeRegion: string;
  multiRegion: boolean;
  organization: boolean;
  logging: boolean;
  validation: boolean;
  kms: boolean;
  cloudWatch: boolean;
  sns: boolean;
  globalEvents: boolean;
  selectors: 'all' | 'writeOnly' | 'advancedFull' | 'advancedS3' | 'none';
  insights: boolean;
  deliveryError: boolean;
  staleDelivery: boolean;
}

export interface SyntheticRegion {
  recorder: 'ok' | 'missing' | 'stopped' | 'failing';
  globals: boolean;
  channel: 'ok' | 'missing' | 'failing';
  /** CLOUD_TRAIL_ENABLED rule and what Config says. */
  rule?: 'COMPLIANT' | 'NON_COMPLIANT';
  tamper: boolean;
}

/** Whether the audit role of an account can be assumed (1 in 100 cannot). */
export function assumable(index: number): boolean {
  return index % 100 !== 99;
}

export function trailsOf(id: string, regions: readonly string[]): SyntheticTrail[] {
  const home = regions[0] ?? 'us-east-1';
  if (id === MANAGEMENT_ACCOUNT) {
    return [
      trail(id, 'organization-trail', home, {
        organization: true,
        kms: true,
        cloudWatch: true,
        insights: true,
        sns: true,
      }),
    ];
  }
  const i = accountIndex(id);
  switch (i % 10) {
    case 0:
      return [];
    case 1:
      return [trail(id, 'account-trail', home, { kms: true, cloudWatch: true, sns: true })];
    case 2:
      return [
        trail(id, 'local-trail', regions[1 % regions.length] ?? home, {
          multiRegion: false,
          globalEvents: false,
        }),
      ];
    case 3:
      return [trail(id, 'writes-only', home, { selectors: 'writeOnly', validation: false })];
    case 4:
      return [trail(id, 'advanced', home, { selectors: 'advancedS3', kms: true })];
    case 5:
      return [trail(id, 'stopped-trail', home, { logging: false })];
    case 6:
      return [trail(id, 'broken-delivery', home, { deliveryError: true, validation: false })];
    case 7:
      return [trail(id, 'insightful', home, { insights: true, cloudWatch: true, selectors: 'advancedFull' })];
    case 8:
      return [trail(id, 'no-mgmt', home, { selectors: 'none' })];
    default:
      return [trail(id, 'stale', home, { staleDelivery: true, kms: true })];
  }
}

function trail(
  account: string,
  name: string,
  homeRegion: string,
  o: Partial<SyntheticTrail>,
): SyntheticTrail {
  return {
    name,
    arn: `arn:aws:cloudtrail:${homeRegion}:${account}:trail/${name}`,
    homeRegion,
    multiRegion: true,
    organization: false,
    logging: true,
    validation: true,
    kms: false,
    cloudWatch: false,
    sns: false,
    globalEvents: true,
    selectors: 'all',
    insights: false,
    deliveryError: false,
    staleDelivery: false,
    ...o,
  };
}

export function regionOf(id: string, regionIndex: number): SyntheticRegion {
  const i = id === MANAGEMENT_ACCOUNT ? 0 : accountIndex(id);
  const k = i * 31 + regionIndex;
  return {
    recorder: k % 9 === 3 ? 'missing' : k % 11 === 5 ? 'stopped' : k % 17 === 7 ? 'failing' : 'ok',
    globals: regionIndex === 0 && i % 4 !== 1,
    channel: k % 9 === 3 ? 'missing' : k % 13 === 4 ? 'failing' : 'ok',
    ...(regionIndex === 0 && i % 5 === 0
      ? { rule: i % 10 === 0 ? ('COMPLIANT' as const) : ('NON_COMPLIANT' as const) }
      : {}),
    tamper: i % 10 === 5 && regionIndex === 0,
  };
}
