import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { errorReply, type ParsedRequest, type Protocol, parseRequest, throttleCode } from './protocol.js';
import type { EmulatorState } from './state.js';

/**
 * The front proxy: AWS SDK clients talk to it (through AWS_ENDPOINT_URL) and it forwards to moto, after
 * (a) serving what moto lacks from the emulator state (LookupEvents, Config compliance, delivery channel
 * status, organization-trail shadow copies in member accounts), (b) injecting faults, and (c) recording
 * every call with its account and region.
 */

/** A fault to inject into matching calls. Unset match fields match everything. */
export interface FaultRule {
  kind: 'throttle' | 'accessDenied' | 'error' | 'latency';
  service?: string;
  operation?: string;
  /** The caller's account; for sts:AssumeRole, the account whose role is assumed. */
  accountId?: string;
  region?: string;
  /** Apply to the first `count` matching calls only. */
  count?: number;
  /** Apply to this fraction of matching calls (deterministic sequence). */
  rate?: number;
  /** For 'latency'. */
  latencyMs?: number;
  /** For 'error': the error code and HTTP status (default InternalFailure, 500). */
  code?: string;
  status?: number;
  message?: string;
}

export interface RecordedCall {
  seq: number;
  service: string;
  operation: string;
  /** The caller's account; for sts:AssumeRole, the account whose role is assumed. */
  accountId: string;
  region: string;
  status: number;
  /** Set when the proxy injected a fault into this call. */
  fault?: FaultRule['kind'];
}

export interface IssuedCredentials {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface FrontProxy {
  readonly endpoint: string;
  readonly port: number;
  /** The live emulator state; tests and the demo may edit it between runs. */
  state: EmulatorState;
  calls(): RecordedCall[];
  clearCalls(): void;
  /** Adds a fault; returns a function that removes it. */
  addFault(rule: FaultRule): () => void;
  clearFaults(): void;
  /** Every credential set moto issued through this proxy (for secret-leak scans). */
  issuedCredentials(): IssuedCredentials[];
  close(): Promise<void>;
}

interface UpstreamReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** moto attributes access keys it did not issue to its default account. */
const DEFAULT_ACCOUNT_KEY = 'AKIAEMULATORDEFAULT00';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts the front proxy on a free 127.0.0.1 port, in front of a running moto_server. */
export async function startProxy(opts: { motoEndpoint: string; state: EmulatorState }): Promise<FrontProxy> {
  const upstream = new URL(opts.motoEndpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const keyToAccount = new Map<string, string>();
  const issued: IssuedCredentials[] = [];
  const calls: RecordedCall[] = [];
  let faults: { rule: FaultRule; remaining: number; random: () => number }[] = [];
  let seq = 0;

  const proxy: FrontProxy = {
    endpoint: '',
    port: 0,
    state: opts.state,
    calls: () => calls.slice(),
    clearCalls: () => {
      calls.length = 0;
    },
    addFault(rule) {
      const entry = {
        rule,
        remaining: rule.count ?? Number.POSITIVE_INFINITY,
        random: mulberry32(faults.length + 7),
      };
      faults.push(entry);
      return () => {
        faults = faults.filter((f) => f !== entry);
      };
    },
    clearFaults: () => {
      faults = [];
    },
    issuedCredentials: () => issued.slice(),
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      agent.destroy();
    },
  };

  function forward(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<UpstreamReply> {
    return new Promise((resolveReply, reject) => {
      const h: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(headers)) if (v !== undefined && k !== 'connection') h[k] = v;
      h['content-length'] = String(body.length);
      const req = httpRequest(
        { host: upstream.hostname, port: upstream.port, method, path, headers: h, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolveReply({
              status: res.statusCode ?? 500,
              headers: res.headers,
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The same request, as the management account would make it (moto keys accounts by access key). */
  function asManagement(headers: IncomingHttpHeaders): IncomingHttpHeaders {
    const key = [...keyToAccount.entries()].find(([, a]) => a === proxy.state.managementAccountId)?.[0];
    const akid = proxy.state.managementAccountId === proxy.state.defaultAccountId ? DEFAULT_ACCOUNT_KEY : key;
    return {
      ...headers,
      authorization: String(headers.authorization ?? '').replace(/Credential=[^/]+/, `Credential=${akid}`),
    };
  }

  /** moto looks a trail ARN up only in the region the request is signed for: send it to the trail's home. */
  function inRegionOf(headers: IncomingHttpHeaders, arn: string): IncomingHttpHeaders {
    const region = arn.startsWith('arn:') ? arn.split(':')[3] : undefined;
    if (!region) return headers;
    return {
      ...headers,
      authorization: String(headers.authorization ?? '').replace(
        /(Credential=[^/]+\/\d{8}\/)[^/]+\//,
        `$1${region}/`,
      ),
    };
  }

  async function jsonCall(
    headers: IncomingHttpHeaders,
    target: string,
    body: Record<string, unknown>,
  ): Promise<Record<string, unknown> | undefined> {
    const reply = await forward(
      'POST',
      '/',
      { ...headers, 'x-amz-target': target },
      Buffer.from(JSON.stringify(body)),
    );
    if (reply.status !== 200) return undefined;
    return JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
  }

  function accountOf(p: ParsedRequest): string {
    if (p.service === 'sts' && p.operation === 'AssumeRole') {
      const arn = p.params?.get('RoleArn') ?? '';
      return arn.split(':')[4] ?? '';
    }
    return keyToAccount.get(p.accessKeyId) ?? proxy.state.defaultAccountId;
  }

  function matchFaults(p: ParsedRequest, accountId: string) {
    const hits = faults.filter(
      ({ rule }) =>
        (!rule.service || rule.service === p.service) &&
        (!rule.operation || rule.operation === p.operation) &&
        (!rule.accountId || rule.accountId === accountId) &&
        (!rule.region || rule.region === p.region),
    );
    let latency = 0;
    let failure: FaultRule | undefined;
    for (const f of hits) {
      if (f.remaining <= 0) continue;
      if (f.rule.rate !== undefined && f.random() >= f.rule.rate) continue;
      if (f.rule.kind === 'latency') {
        latency += f.rule.latencyMs ?? 0;
        f.remaining--;
      } else if (!failure) {
        failure = f.rule;
        f.remaining--;
      }
    }
    return { latency, failure };
  }

  async function handle(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer | string;
    fault?: FaultRule['kind'];
  }> {
    const p = parseRequest(method, url, headers, body);
    const accountId = accountOf(p);
    const { latency, failure } = matchFaults(p, accountId);
    if (latency > 0) await delay(latency);
    if (failure) {
      const reply = faultReply(p, accountId, failure);
      return { ...reply, fault: failure.kind };
    }
    const emulated = await emulate(p, accountId, method, url, headers, body);
    if (emulated) return emulated;
    const reply = await forward(method, url, headers, body);
    return { status: reply.status, headers: stripHopHeaders(reply.headers), body: reply.body };
  }

  function faultReply(p: ParsedRequest, accountId: string, rule: FaultRule) {
    if (rule.kind === 'throttle')
      return errorReply(p.protocol, 400, throttleCode(p.service), 'Rate exceeded');
    if (rule.kind === 'accessDenied') {
      return errorReply(
        p.protocol,
        p.protocol === 'json' ? 400 : 403,
        p.protocol === 'json' ? 'AccessDeniedException' : 'AccessDenied',
        rule.message ??
          `User is not authorized to perform: ${p.service}:${p.operation} in account ${accountId}`,
      );
    }
    return errorReply(
      p.protocol,
      rule.status ?? 500,
      rule.code ?? 'InternalFailure',
      rule.message ?? 'injected failure',
    );
  }

  function jsonReply(obj: unknown) {
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify(obj),
    };
  }

  async function emulate(
    p: ParsedRequest,
    accountId: string,
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ) {
    const st = proxy.state;
    const region = st.accounts[accountId]?.regions[p.region];
    const key = `${p.service}:${p.operation}`;
    switch (key) {
      case 'sts:AssumeRole': {
        const role = st.accounts[accountId]?.auditRole ?? 'ok';
        if (role !== 'ok') {
          const caller = keyToAccount.get(p.accessKeyId) ?? st.defaultAccountId;
          return errorReply(
            'query',
            403,
            'AccessDenied',
            `User: arn:aws:iam::${caller}:user/auditor is not authorized to perform: sts:AssumeRole on resource: ${p.params?.get('RoleArn')}`,
          );
        }
        const reply = await forward(method, url, headers, body);
        const xml = reply.body.toString('utf8');
        const ak = xml.match(/<AccessKeyId>([^<]+)<\/AccessKeyId>/)?.[1];
        const sk = xml.match(/<SecretAccessKey>([^<]+)<\/SecretAccessKey>/)?.[1];
        const tok = xml.match(/<SessionToken>([^<]+)<\/SessionToken>/)?.[1];
        if (reply.status === 200 && ak) {
          keyToAccount.set(ak, accountId);
          issued.push({ accountId, accessKeyId: ak, secretAccessKey: sk ?? '', sessionToken: tok ?? '' });
        }
        return { status: reply.status, headers: stripHopHeaders(reply.headers), body: reply.body };
      }
      case 'cloudtrail:LookupEvents':
        return lookupEvents(p, region?.events ?? []);
      case 'config:DescribeComplianceByConfigRule': {
        const names = (p.json?.ConfigRuleNames as string[] | undefined) ?? Object.keys(region?.rules ?? {});
        const types = p.json?.ComplianceTypes as string[] | undefined;
        const missing = names.find((n) => !region?.rules[n]);
        if (missing)
          return errorReply(
            'json',
            400,
            'NoSuchConfigRuleException',
            `The ConfigRule '${missing}' provided in the request is invalid.`,
          );
        const list = names
          .map((n) => ({ name: n, r: region!.rules[n]! }))
          .filter(({ r }) => !types || types.includes(r.compliance))
          .map(({ name, r }) => ({
            ConfigRuleName: name,
            Compliance: {
              ComplianceType: r.compliance,
              ...(r.compliance === 'NON_COMPLIANT'
                ? {
                    ComplianceContributorCount: {
                      CappedCount: r.resources.filter((x) => x.compliance === 'NON_COMPLIANT').length,
                      CapExceeded: false,
                    },
                  }
                : {}),
            },
          }));
        return jsonReply({ ComplianceByConfigRules: list });
      }
      case 'config:GetComplianceDetailsByConfigRule': {
        const name = String(p.json?.ConfigRuleName ?? '');
        const rule = region?.rules[name];
        if (!rule)
          return errorReply(
            'json',
            400,
            'NoSuchConfigRuleException',
            `The ConfigRule '${name}' provided in the request is invalid.`,
          );
        const types = p.json?.ComplianceTypes as string[] | undefined;
        const rows = rule.resources
          .filter((r) => !types || types.includes(r.compliance))
          .map((r) => ({
            EvaluationResultIdentifier: {
              EvaluationResultQualifier: {
                ConfigRuleName: name,
                ResourceType: r.type,
                ResourceId: r.id,
                EvaluationMode: 'DETECTIVE',
              },
              OrderingTimestamp: Date.parse(rule.evaluatedAt) / 1000,
            },
            ComplianceType: r.compliance,
            ResultRecordedTime: Date.parse(rule.evaluatedAt) / 1000,
            ConfigRuleInvokedTime: Date.parse(rule.evaluatedAt) / 1000 - 5,
            ...(r.annotation ? { Annotation: r.annotation } : {}),
          }));
        return paginate(p, rows, 'EvaluationResults', 'Limit', 100);
      }
      case 'config:DescribeDeliveryChannelStatus': {
        const channels = await jsonCall(headers, 'StarlingDoveService.DescribeDeliveryChannels', {});
        const names = ((channels?.DeliveryChannels as { name: string }[] | undefined) ?? []).map(
          (c) => c.name,
        );
        const wanted = (p.json?.DeliveryChannelNames as string[] | undefined) ?? names;
        const statuses = wanted
          .filter((n) => names.includes(n))
          .map((n) => {
            const s = region?.deliveryChannels[n];
            const at = Date.parse(s?.lastAttemptTime ?? new Date().toISOString()) / 1000;
            const info = {
              lastStatus: apiStatus(s?.lastStatus ?? 'SUCCESS'),
              ...(s?.lastErrorCode
                ? { lastErrorCode: s.lastErrorCode, lastErrorMessage: s.lastErrorMessage ?? '' }
                : {}),
              lastAttemptTime: at,
              ...(s?.lastStatus === 'FAILURE' ? {} : { lastSuccessfulTime: at }),
            };
            return {
              name: n,
              configSnapshotDeliveryInfo: info,
              configHistoryDeliveryInfo: info,
              configStreamDeliveryInfo: { lastStatus: 'NOT_APPLICABLE' },
            };
          });
        return jsonReply({ DeliveryChannelsStatus: statuses });
      }
      case 'config:DescribeConfigurationRecorderStatus': {
        const reply = await forward(method, url, headers, body);
        if (reply.status !== 200)
          return { status: reply.status, headers: stripHopHeaders(reply.headers), body: reply.body };
        const doc = JSON.parse(reply.body.toString('utf8')) as {
          ConfigurationRecordersStatus?: Record<string, unknown>[];
        };
        for (const s of doc.ConfigurationRecordersStatus ?? []) {
          const patch = region?.recorders[String(s.name)];
          // moto leaves a started recorder PENDING forever; a real one reports Success once it has recorded.
          if (patch && s.recording) Object.assign(s, { ...patch, lastStatus: apiStatus(patch.lastStatus) });
          else if (s.recording && String(s.lastStatus).toUpperCase() === 'PENDING') s.lastStatus = 'Success';
        }
        return jsonReply(doc);
      }
      case 'cloudtrail:DescribeTrails':
        return describeTrails(p, accountId, method, url, headers, body);
      case 'organizations:ListDelegatedAdministrators': {
        // Served here for config.amazonaws.com (moto refuses it), forwarded to moto for the rest.
        const principal = String(p.json?.ServicePrincipal ?? '');
        const ids =
          st.delegatedAdministrators?.[principal] ?? (principal === 'config.amazonaws.com' ? [] : undefined);
        if (!ids) return undefined;
        return jsonReply({
          DelegatedAdministrators: ids.map((id) => ({
            Id: id,
            Arn: `arn:aws:organizations::${st.managementAccountId}:account/${st.organizationId}/${id}`,
            Status: 'ACTIVE',
            JoinedMethod: 'CREATED',
            DelegationEnabledDate: Date.now() / 1000,
          })),
        });
      }
      case 'cloudtrail:GetTrailStatus':
      case 'cloudtrail:GetEventSelectors':
      case 'cloudtrail:GetInsightSelectors':
      case 'cloudtrail:GetTrail':
        return trailRead(p, accountId, method, url, headers, body);
      case 'ec2:DescribeRegions': {
        const reply = await forward(method, url, headers, body);
        const disabled = new Set(st.accounts[accountId]?.disabledRegions ?? []);
        if (reply.status !== 200 || disabled.size === 0) {
          return { status: reply.status, headers: stripHopHeaders(reply.headers), body: reply.body };
        }
        const all = p.params?.get('AllRegions') === 'true';
        const xml = reply.body.toString('utf8').replace(/<item>[\s\S]*?<\/item>/g, (item) => {
          const name = item.match(/<regionName>([^<]+)<\/regionName>/)?.[1];
          if (!name || !disabled.has(name)) return item;
          if (!all) return '';
          return item.replace(/<optInStatus>[^<]*<\/optInStatus>/, '<optInStatus>not-opted-in</optInStatus>');
        });
        return { status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body: xml };
      }
      default:
        return undefined;
    }
  }

  function paginate(
    p: ParsedRequest,
    rows: unknown[],
    field: string,
    limitField: string,
    defaultLimit: number,
  ) {
    const start = p.json?.NextToken
      ? Number(Buffer.from(String(p.json.NextToken), 'base64').toString('utf8'))
      : 0;
    const limit = Math.max(
      1,
      Math.min(Number(p.json?.[limitField] ?? defaultLimit) || defaultLimit, defaultLimit),
    );
    const page = rows.slice(start, start + limit);
    const next =
      start + limit < rows.length ? Buffer.from(String(start + limit)).toString('base64') : undefined;
    return jsonReply({ [field]: page, ...(next ? { NextToken: next } : {}) });
  }

  function lookupEvents(
    p: ParsedRequest,
    events: EmulatorState['accounts'][string]['regions'][string]['events'],
  ) {
    const attrs =
      (p.json?.LookupAttributes as { AttributeKey: string; AttributeValue: string }[] | undefined) ?? [];
    if (attrs.length > 1) {
      return errorReply(
        'json',
        400,
        'InvalidLookupAttributesException',
        'You cannot specify more than one lookup attribute.',
      );
    }
    const start = typeof p.json?.StartTime === 'number' ? p.json.StartTime * 1000 : Number.NEGATIVE_INFINITY;
    const end = typeof p.json?.EndTime === 'number' ? p.json.EndTime * 1000 : Number.POSITIVE_INFINITY;
    const attr = attrs[0];
    const rows = events
      .filter((e) => {
        const t = Date.parse(e.EventTime);
        if (t < start || t > end) return false;
        if (!attr) return true;
        switch (attr.AttributeKey) {
          case 'EventName':
            return e.EventName === attr.AttributeValue;
          case 'EventSource':
            return e.EventSource === attr.AttributeValue;
          case 'Username':
            return e.Username === attr.AttributeValue;
          case 'ReadOnly':
            return e.ReadOnly === attr.AttributeValue;
          case 'ResourceName':
            return e.Resources.some((r) => r.ResourceName === attr.AttributeValue);
          default:
            return false;
        }
      })
      .sort((a, b) => Date.parse(b.EventTime) - Date.parse(a.EventTime))
      .map((e) => ({ ...e, EventTime: Date.parse(e.EventTime) / 1000 }));
    return paginate(p, rows, 'Events', 'MaxResults', 50);
  }

  /** Organization trails of the management account as seen from `region` (moto does not share them). */
  async function organizationTrails(headers: IncomingHttpHeaders): Promise<Record<string, unknown>[]> {
    const doc = await jsonCall(
      asManagement(headers),
      'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails',
      {
        includeShadowTrails: true,
      },
    );
    return ((doc?.trailList as Record<string, unknown>[] | undefined) ?? []).filter(
      (t) => t.IsOrganizationTrail === true,
    );
  }

  function isMember(accountId: string): boolean {
    return accountId !== proxy.state.managementAccountId && proxy.state.accounts[accountId] !== undefined;
  }

  async function describeTrails(
    p: ParsedRequest,
    accountId: string,
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ) {
    const reply = await forward(method, url, headers, body);
    if (reply.status !== 200)
      return { status: reply.status, headers: stripHopHeaders(reply.headers), body: reply.body };
    const doc = JSON.parse(reply.body.toString('utf8')) as { trailList?: Record<string, unknown>[] };
    if (isMember(accountId) && p.json?.includeShadowTrails !== false) {
      const names = p.json?.trailNameList as string[] | undefined;
      const own = new Set((doc.trailList ?? []).map((t) => t.TrailARN));
      const org = (await organizationTrails(headers)).filter(
        (t) =>
          !own.has(t.TrailARN) &&
          (!names?.length || names.includes(String(t.Name)) || names.includes(String(t.TrailARN))),
      );
      doc.trailList = [...(doc.trailList ?? []), ...org];
    }
    // moto always says false for these two; real CloudTrail reports whether selectors were put.
    await Promise.all(
      (doc.trailList ?? []).map(async (t) => {
        const arn = String(t.TrailARN);
        const asOwner = inRegionOf(arn.split(':')[4] === accountId ? headers : asManagement(headers), arn);
        const prefix = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';
        const [ins, sel] = await Promise.all([
          jsonCall(asOwner, `${prefix}GetInsightSelectors`, { TrailName: t.TrailARN }),
          jsonCall(asOwner, `${prefix}GetEventSelectors`, { TrailName: t.TrailARN }),
        ]);
        t.HasInsightSelectors = ((ins?.InsightSelectors as unknown[] | undefined) ?? []).length > 0;
        t.HasCustomEventSelectors =
          ((sel?.EventSelectors as unknown[] | undefined) ?? []).length +
            ((sel?.AdvancedEventSelectors as unknown[] | undefined) ?? []).length >
          0;
      }),
    );
    return jsonReply(doc);
  }

  async function trailRead(
    p: ParsedRequest,
    accountId: string,
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ) {
    const name = String(p.json?.Name ?? p.json?.TrailName ?? '');
    const arnAccount = name.startsWith('arn:') ? name.split(':')[4] : undefined;
    let reply: UpstreamReply;
    if (
      arnAccount &&
      arnAccount !== accountId &&
      isMember(accountId) &&
      arnAccount === proxy.state.managementAccountId
    ) {
      // A member reading an organization trail: moto only has it in the management account.
      const org = await organizationTrails(headers);
      if (!org.some((t) => t.TrailARN === name)) {
        return errorReply(
          'json',
          400,
          'TrailNotFoundException',
          `Unknown trail: ${name} for the user: ${accountId}`,
        );
      }
      reply = await forward(method, url, inRegionOf(asManagement(headers), name), body);
    } else {
      reply = await forward(method, url, inRegionOf(headers, name), body);
    }
    if (reply.status !== 200 || p.operation !== 'GetTrailStatus') {
      return { status: reply.status, headers: stripHopHeaders(reply.headers), body: reply.body };
    }
    const owner = arnAccount ?? accountId;
    const override =
      proxy.state.trailStatus[name] ??
      Object.entries(proxy.state.trailStatus).find(([arn]) => arn.endsWith(`:${owner}:trail/${name}`))?.[1];
    if (!override) return { status: reply.status, headers: stripHopHeaders(reply.headers), body: reply.body };
    const doc = JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
    for (const [k, v] of Object.entries(override)) {
      if (k.endsWith('Time')) {
        if (v === '' || v === undefined) delete doc[k];
        else doc[k] = Date.parse(String(v)) / 1000;
      } else {
        doc[k] = v;
      }
    }
    return jsonReply(doc);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      let parsed: ParsedRequest | undefined;
      try {
        parsed = parseRequest(method, url, req.headers, body);
      } catch {
        parsed = undefined;
      }
      handle(method, url, req.headers, body)
        .then((reply) => {
          if (parsed) {
            calls.push({
              seq: ++seq,
              service: parsed.service,
              operation: parsed.operation,
              accountId: accountOf(parsed),
              region: parsed.region,
              status: reply.status,
              ...(reply.fault ? { fault: reply.fault } : {}),
            });
          }
          const payload = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
          res.writeHead(reply.status, { ...reply.headers, 'content-length': String(payload.length) });
          res.end(payload);
        })
        .catch((err: unknown) => {
          const protocol: Protocol = parsed?.protocol ?? 'json';
          const e = errorReply(
            protocol,
            500,
            'InternalFailure',
            `emulator proxy error: ${(err as Error).message}`,
          );
          res.writeHead(e.status, e.headers);
          res.end(e.body);
        });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  Object.assign(proxy, { port, endpoint: `http://127.0.0.1:${port}` });
  return proxy;
}

/** Config's APIs spell statuses Success / Failure / Pending / Not_Applicable. */
function apiStatus(s: string): string {
  const u = s.toUpperCase();
  return u === 'NOT_APPLICABLE' ? 'Not_Applicable' : u.charAt(0) + u.slice(1).toLowerCase();
}

function stripHopHeaders(h: IncomingHttpHeaders): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(h)) {
    if (k === 'connection' || k === 'keep-alive' || k === 'transfer-encoding' || k === 'content-length')
      continue;
    out[k] = v;
  }
  return out;
}
