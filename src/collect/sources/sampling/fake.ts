// A fake of the sampling source: crafted results (or a failure) with the real source's spec, for tests.
import { fakeSource, type FakeAnswer, type FakeSource } from '../../fake-source';
import { samplingSpec } from './spec';

export const fakeSampling = (answer: FakeAnswer<'sampling'>, delayMs = 0): FakeSource<'sampling'> => fakeSource(samplingSpec, answer, delayMs);
