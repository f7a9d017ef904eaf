// A fake of the server source: crafted results (or a failure) with the real source's spec, for tests.
import { fakeSource, type FakeAnswer, type FakeSource } from '../../fake-source';
import { natsServerSpec } from './spec';

export const fakeNatsServer = (answer: FakeAnswer<'server'>, delayMs = 0): FakeSource<'server'> => fakeSource(natsServerSpec, answer, delayMs);
