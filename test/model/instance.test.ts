// The instance vocabulary on a crafted plan: the one expected-instances list and the two keys.
import { cursorKey, expectedInstances, instanceKey, planAgentInfo, roleOf, rollbackTarget } from '../../src/model/instance';
import type { Plan } from '../../src/plan/schema';

const plan = {
  hosts: [{ name: 'h1' }, { name: 'h2' }],
  agents: { underTest: [{ name: 'net', cluster: 'c1' }, { name: 'tdd', cluster: 'c2' }], control: [{ name: 'ctl' }] },
} as unknown as Plan;

test('expected instances: hosts in plan order, on each the agents under test first, then control; roles narrow', () => {
  expect(expectedInstances(plan).map((i) => [i.host, i.agent, i.role, i.cluster])).toEqual([
    ['h1', 'net', 'test', 'c1'], ['h1', 'tdd', 'test', 'c2'], ['h1', 'ctl', 'control', null],
    ['h2', 'net', 'test', 'c1'], ['h2', 'tdd', 'test', 'c2'], ['h2', 'ctl', 'control', null],
  ]);
  expect(expectedInstances(plan, ['control']).map((i) => instanceKey(i.host, i.agent))).toEqual(['ctl@h1', 'ctl@h2']);
  expect(planAgentInfo(plan).map((a) => a.agent)).toEqual(['net', 'tdd', 'ctl']);
  expect([roleOf(plan, 'tdd'), roleOf(plan, 'ctl'), roleOf(plan, 'other')]).toEqual(['test', 'control', null]);
});

test('the keys: agent@host for people and records, host/agent for cursors and rollback targets', () => {
  expect(instanceKey('h1', 'net')).toBe('net@h1');
  expect(cursorKey('h1', 'net')).toBe('h1/net');
  expect(rollbackTarget('h1', 'net')).toBe('h1/net');
  expect(rollbackTarget('h1', null)).toBe('h1');
});
