// A fake of the hosts source: crafted results (or a failure) with the real source's spec, for tests.
import { fakeSource, type FakeAnswer, type FakeSource } from '../../fake-source';
import { hostsSpec } from './spec';

export const fakeHosts = (answer: FakeAnswer<'hosts'>, delayMs = 0): FakeSource<'hosts'> => fakeSource(hostsSpec, answer, delayMs);
