import { verdict } from '../define.js';
import type { TrailFacts } from '../facts.js';
import { type Tri, trailEvidence, trailGaps } from '../semantics.js';
import type { AccountInput, Verdict } from '../types.js';

/**
 * Account checks over all trails that count for an account: PASS when one trail proves it, ERROR when
 * no trail proves it and something could not be read, FAIL otherwise.
 */
export function accountVerdict(
  input: AccountInput,
  candidates: TrailFacts[],
  test: (t: TrailFacts) => Tri,
  text: { pass: (t: TrailFacts) => string; fail: string },
): Verdict {
  const { account, ctx } = input;
  const subject = { accountId: account.account.accountId, region: null, resourceArn: null };
  const results = candidates.map((t) => ({ t, r: test(t) }));
  const evidence = { trails: candidates.map(trailEvidence) };
  const hit = results.find((x) => x.r === 'yes');
  if (hit) return verdict('PASS', subject, text.pass(hit.t), { ...evidence, satisfiedBy: hit.t.arn });
  const gaps = [
    ...trailGaps(account, ctx),
    ...results
      .filter((x) => x.r === 'unknown')
      .map((x) => `trail ${x.t.name}: status, selectors or insights could not be read`),
  ];
  if (gaps.length > 0) {
    return verdict('ERROR', subject, `Account ${subject.accountId}: could not verify (${gaps[0]}).`, {
      ...evidence,
      gaps,
    });
  }
  return verdict('FAIL', subject, `Account ${subject.accountId} ${text.fail}.`, evidence);
}
