// A fake of the health source: crafted results (or a failure) with the real source's spec, for tests.
import { fakeSource, type FakeAnswer, type FakeSource } from '../../fake-source';
import { natsHealthSpec } from './spec';

export const fakeNatsHealth = (answer: FakeAnswer<'health'>, delayMs = 0): FakeSource<'health'> => fakeSource(natsHealthSpec, answer, delayMs);
