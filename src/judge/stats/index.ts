// The judge's statistics, each in its own file; tested against published reference values.
export * from './descriptive';
export * from './ranks';
export * from './special';
export * from './mann-whitney';
export * from './hodges-lehmann';
export * from './effect-size';
export * from './regression';
export * from './robust-z';
export * from './outliers';
export * from './exceedance';
export * from './two-proportion';
