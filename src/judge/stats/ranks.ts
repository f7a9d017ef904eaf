// Ranks with ties (average ranks, as R's `rank` default) and the tie group sizes the tests need.

export interface Ranking {
  /** 1-based average ranks, in input order. */
  ranks: number[];
  /** Sizes of the groups of equal values (only groups larger than one). */
  ties: number[];
}

export function rankWithTies(values: readonly number[]): Ranking {
  const n = values.length;
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(n);
  const ties: number[] = [];
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const avg = (i + j + 2) / 2; // ranks i+1 … j+1
    for (let k = i; k <= j; k++) ranks[order[k]] = avg;
    if (j > i) ties.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, ties };
}
