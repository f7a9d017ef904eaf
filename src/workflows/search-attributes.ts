// Typed search attributes: the Web UI's list page can filter and show waves by them. A namespace
// must have them registered (`wavewatch dev up` and the tests start the dev server with them;
// for a real cluster: `temporal operator search-attribute create --name WavePhase --type Keyword` …).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA_WAVE_ID = defineSearchAttributeKey('WaveId', SearchAttributeType.KEYWORD);
export const SA_PHASE = defineSearchAttributeKey('WavePhase', SearchAttributeType.KEYWORD);
export const SA_CHECKPOINT = defineSearchAttributeKey('WaveCheckpoint', SearchAttributeType.KEYWORD);
export const SA_VERDICT = defineSearchAttributeKey('WaveVerdict', SearchAttributeType.KEYWORD);

/** For `temporal server start-dev --search-attribute NAME=Keyword`. */
export const SEARCH_ATTRIBUTES = [SA_WAVE_ID, SA_PHASE, SA_CHECKPOINT, SA_VERDICT].map((k) => `${k.name}=Keyword`);
