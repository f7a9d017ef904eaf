// A fake of the probes source: crafted results (or a failure) with the real source's spec, for tests.
import { fakeSource, type FakeAnswer, type FakeSource } from '../../fake-source';
import { probesSpec } from './spec';

export const fakeProbes = (answer: FakeAnswer<'probes'>, delayMs = 0): FakeSource<'probes'> => fakeSource(probesSpec, answer, delayMs);
