import { describe, expect, it } from 'vitest';
import { evaluateAccount } from './engine.js';
import { managementRecording, recordsAllS3DataEvents } from './semantics.js';
import {
  ALL_BUCKETS,
  account,
  advanced,
  classic,
  context,
  denied,
  field,
  managementSelector,
  ok,
  s3DataSelector,
  trail,
} from './testing/builders.js';

describe('managementRecording (what "records management events" means)', () => {
  it('classic IncludeManagementEvents with ReadWriteType All records them fully', () => {
    expect(managementRecording(classic({ readWriteType: 'All' }))).toMatchObject({
      records: 'yes',
      full: 'yes',
    });
  });

  it('classic selectors default to all management events when the fields are not reported', () => {
    const sel = ok({
      classic: [{ dataResources: [], excludeManagementEventSources: [] }],
      advanced: [],
    });
    expect(managementRecording(sel)).toMatchObject({ records: 'yes', full: 'yes' });
  });

  it('classic WriteOnly records management events but not fully', () => {
    expect(managementRecording(classic({ readWriteType: 'WriteOnly' }))).toEqual({
      records: 'yes',
      full: 'no',
      describe: 'write-only management events',
    });
  });

  it('classic ReadOnly and WriteOnly selectors together record them fully', () => {
    const sel = classic({ readWriteType: 'ReadOnly' }, { readWriteType: 'WriteOnly' });
    expect(managementRecording(sel)).toMatchObject({ records: 'yes', full: 'yes' });
  });

  it('IncludeManagementEvents false records no management events, whatever the read/write type', () => {
    const sel = classic({
      readWriteType: 'All',
      includeManagementEvents: false,
      dataResources: [ALL_BUCKETS],
    });
    expect(managementRecording(sel)).toEqual({ records: 'no', full: 'no', describe: 'no management events' });
  });

  it('a WriteOnly selector with management events plus a ReadOnly one without them is not full', () => {
    const sel = classic(
      { readWriteType: 'WriteOnly' },
      { readWriteType: 'ReadOnly', includeManagementEvents: false, dataResources: [ALL_BUCKETS] },
    );
    expect(managementRecording(sel)).toMatchObject({ records: 'yes', full: 'no' });
  });

  it('advanced Management selector without readOnly records them fully', () => {
    expect(managementRecording(advanced(managementSelector()))).toMatchObject({
      records: 'yes',
      full: 'yes',
    });
  });

  it('advanced Management selector with readOnly=true records read-only events', () => {
    expect(managementRecording(advanced(managementSelector(true)))).toEqual({
      records: 'yes',
      full: 'no',
      describe: 'read-only management events',
    });
  });

  it('advanced readOnly=true and readOnly=false selectors together record them fully', () => {
    const sel = advanced(managementSelector(true), managementSelector(false));
    expect(managementRecording(sel)).toMatchObject({ records: 'yes', full: 'yes' });
  });

  it('a readOnly selector that keeps both values is no restriction', () => {
    const sel = advanced({
      fieldSelectors: [
        field('eventCategory', { equals: ['Management'] }),
        field('readOnly', { equals: ['true', 'false'] }),
      ],
    });
    expect(managementRecording(sel)).toMatchObject({ records: 'yes', full: 'yes' });
  });

  it('readOnly NotEquals selects the other half', () => {
    const notTrue = {
      fieldSelectors: [
        field('eventCategory', { equals: ['Management'] }),
        field('readOnly', { notEquals: ['true'] }),
      ],
    };
    expect(managementRecording(advanced(notTrue))).toMatchObject({
      full: 'no',
      describe: 'write-only management events',
    });
    const notFalse = {
      fieldSelectors: [
        field('eventCategory', { equals: ['Management'] }),
        field('readOnly', { notEquals: ['false'] }),
      ],
    };
    expect(managementRecording(advanced(notTrue, notFalse))).toMatchObject({ full: 'yes' });
  });

  it('advanced selectors for data events only record no management events', () => {
    expect(managementRecording(advanced(s3DataSelector()))).toMatchObject({ records: 'no', full: 'no' });
  });

  it('no selectors at all record nothing', () => {
    expect(managementRecording(ok({ classic: [], advanced: [] }))).toEqual({
      records: 'no',
      full: 'no',
      describe: 'no event selectors',
    });
  });

  it('unreadable selectors are unknown, not "no"', () => {
    expect(managementRecording(denied())).toMatchObject({ records: 'unknown', full: 'unknown' });
  });
});

describe('recordsAllS3DataEvents', () => {
  it('classic AWS::S3::Object on arn:aws:s3 with All records read and write for all buckets', () => {
    expect(recordsAllS3DataEvents(classic({ dataResources: [ALL_BUCKETS] }))).toBe('yes');
  });

  it('accepts the older arn:aws:s3::: spelling and other partitions', () => {
    for (const value of ['arn:aws:s3:::', 'arn:aws-us-gov:s3', 'arn:aws-cn:s3:::']) {
      const sel = classic({ dataResources: [{ type: 'AWS::S3::Object', values: [value] }] });
      expect(recordsAllS3DataEvents(sel), value).toBe('yes');
    }
  });

  it('one bucket is not all buckets', () => {
    const sel = classic({
      dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::my-bucket/'] }],
    });
    expect(recordsAllS3DataEvents(sel)).toBe('no');
  });

  it('classic ReadOnly plus WriteOnly data selectors together cover both halves', () => {
    expect(
      recordsAllS3DataEvents(
        classic(
          { readWriteType: 'ReadOnly', dataResources: [ALL_BUCKETS] },
          { readWriteType: 'WriteOnly', dataResources: [ALL_BUCKETS] },
        ),
      ),
    ).toBe('yes');
    expect(
      recordsAllS3DataEvents(classic({ readWriteType: 'WriteOnly', dataResources: [ALL_BUCKETS] })),
    ).toBe('no');
  });

  it('advanced selector on AWS::S3::Object without ARN or readOnly conditions records all', () => {
    expect(recordsAllS3DataEvents(advanced(s3DataSelector()))).toBe('yes');
    expect(recordsAllS3DataEvents(advanced(s3DataSelector(true), s3DataSelector(false)))).toBe('yes');
    expect(recordsAllS3DataEvents(advanced(s3DataSelector(false)))).toBe('no');
  });

  it('an ARN condition narrows an advanced selector to some buckets', () => {
    const narrowed = s3DataSelector(undefined, [
      field('resources.ARN', { startsWith: ['arn:aws:s3:::logs/'] }),
    ]);
    expect(recordsAllS3DataEvents(advanced(narrowed))).toBe('no');
  });

  it('excluding one bucket, or listing buckets, is not all buckets', () => {
    for (const cond of [
      { notStartsWith: ['arn:aws:s3:::audit-logs/'] },
      { equals: ['arn:aws:s3:::a/', 'arn:aws:s3:::b/'] },
      { startsWith: ['arn:aws:s3:::', 'arn:aws:s3:::a/'], notEquals: ['arn:aws:s3:::b/x'] },
    ]) {
      const sel = s3DataSelector(undefined, [field('resources.ARN', cond)]);
      expect(recordsAllS3DataEvents(advanced(sel)), JSON.stringify(cond)).toBe('no');
    }
  });

  it('an ARN condition that starts with the bucket ARN prefix of a partition keeps every bucket', () => {
    for (const prefix of ['arn:aws:s3:::', 'arn:aws-us-gov:s3:::']) {
      const sel = s3DataSelector(undefined, [field('resources.ARN', { startsWith: [prefix] })]);
      expect(recordsAllS3DataEvents(advanced(sel)), prefix).toBe('yes');
    }
  });

  it('management events alone are not data events', () => {
    expect(recordsAllS3DataEvents(classic())).toBe('no');
  });

  it('unreadable selectors are unknown', () => {
    expect(recordsAllS3DataEvents(denied())).toBe('unknown');
  });
});

describe('trails that count for an account', () => {
  it('a multi-region trail seen as a shadow in every region yields one set of trail findings', () => {
    const t = trail();
    const facts = account({ regions: ['eu-west-1', 'us-east-1', 'us-west-2'], trails: [t] });
    const visible = facts.regions.map((r) => ('value' in r.visibleTrails ? r.visibleTrails.value.length : 0));
    expect(visible).toEqual([1, 1, 1]);
    const trailFindings = evaluateAccount(facts, context()).filter((f) => f.resourceArn === t.arn);
    const ids = trailFindings.map((f) => f.checkId);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
  });

  it('a trail read twice (home region and first region) is still evaluated once', () => {
    const t = trail();
    const facts = account({
      regions: ['eu-west-1', 'us-east-1'],
      trails: [t],
      in: { 'eu-west-1': { trails: [t] } },
    });
    const logging = evaluateAccount(facts, context()).filter((f) => f.checkId === 'cloudtrail.trail_logging');
    expect(logging).toHaveLength(1);
  });

  it('a trail owned by another account is never evaluated as this account’s trail', () => {
    const foreign = trail({ ownerAccountId: '222222222222' });
    const facts = account({ in: { 'us-east-1': { trails: [foreign] } } });
    expect(evaluateAccount(facts, context()).filter((f) => f.resourceArn === foreign.arn)).toEqual([]);
  });
});
