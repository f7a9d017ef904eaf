// A small JSON Schema (2020-12) validator for the keywords our generated schemas use: type, const,
// enum, properties, required, additionalProperties, items, anyOf/oneOf/allOf, $ref to #/$defs,
// minimum/maximum/exclusive*, minLength/maxLength, pattern, minItems. Unknown keywords are reported,
// so a schema that grows a keyword this validator ignores fails the test instead of passing silently.
type Schema = Record<string, unknown> | boolean;

const KNOWN = new Set([
  '$schema', '$id', '$ref', '$defs', 'id', 'title', 'description', 'type', 'const', 'enum', 'properties', 'required',
  'additionalProperties', 'items', 'anyOf', 'oneOf', 'allOf', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'format', 'default',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

export function validate(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  const defs = (typeof root === 'object' ? (root.$defs as Record<string, Schema>) : undefined) ?? {};
  const walk = (schema: Schema, v: unknown, path: string): void => {
    if (schema === true) return;
    if (schema === false) {
      errors.push(`${path}: not allowed`);
      return;
    }
    for (const k of Object.keys(schema)) if (!KNOWN.has(k)) errors.push(`${path}: schema keyword "${k}" not supported by the test validator`);
    if (typeof schema.$ref === 'string') {
      const m = /^#\/\$defs\/(.+)$/.exec(schema.$ref);
      if (!m || !(m[1] in defs)) errors.push(`${path}: unresolvable $ref ${schema.$ref}`);
      else walk(defs[m[1]], v, path);
    }
    const t = typeOf(v);
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
      const ok = types.some((x) => x === t || (x === 'number' && t === 'integer'));
      if (!ok) {
        errors.push(`${path}: expected ${types.join('|')}, got ${t}`);
        return;
      }
    }
    if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(v)) errors.push(`${path}: expected const ${JSON.stringify(schema.const)}`);
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) errors.push(`${path}: ${JSON.stringify(v)} not in enum`);
    if (typeof v === 'number') {
      if (typeof schema.minimum === 'number' && v < schema.minimum) errors.push(`${path}: below minimum ${schema.minimum}`);
      if (typeof schema.maximum === 'number' && v > schema.maximum) errors.push(`${path}: above maximum ${schema.maximum}`);
      if (typeof schema.exclusiveMinimum === 'number' && v <= schema.exclusiveMinimum) errors.push(`${path}: not above ${schema.exclusiveMinimum}`);
      if (typeof schema.exclusiveMaximum === 'number' && v >= schema.exclusiveMaximum) errors.push(`${path}: not below ${schema.exclusiveMaximum}`);
    }
    if (typeof v === 'string') {
      if (typeof schema.minLength === 'number' && [...v].length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
      if (typeof schema.maxLength === 'number' && [...v].length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(v)) errors.push(`${path}: does not match ${schema.pattern}`);
    }
    if (Array.isArray(v)) {
      if (typeof schema.minItems === 'number' && v.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
      if (schema.items !== undefined) v.forEach((x, i) => walk(schema.items as Schema, x, `${path}[${i}]`));
    }
    if (t === 'object') {
      const obj = v as Record<string, unknown>;
      const props = (schema.properties as Record<string, Schema>) ?? {};
      for (const r of (schema.required as string[]) ?? []) if (!(r in obj)) errors.push(`${path}: missing required "${r}"`);
      for (const [k, x] of Object.entries(obj)) {
        if (k in props) walk(props[k], x, `${path}.${k}`);
        else if (schema.additionalProperties === false) errors.push(`${path}: unexpected property "${k}"`);
        else if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties as Schema, x, `${path}.${k}`);
      }
    }
    const sub = (list: unknown) => (list as Schema[]).map((s) => {
      const before = errors.length;
      walk(s, v, path);
      const mine = errors.splice(before);
      return mine;
    });
    if (Array.isArray(schema.anyOf)) {
      const results = sub(schema.anyOf);
      if (!results.some((r) => r.length === 0)) errors.push(`${path}: matches none of anyOf (${results.map((r) => r[0]).join(' / ')})`);
    }
    if (Array.isArray(schema.oneOf)) {
      const ok = sub(schema.oneOf).filter((r) => r.length === 0).length;
      if (ok !== 1) errors.push(`${path}: matches ${ok} of oneOf, expected 1`);
    }
    if (Array.isArray(schema.allOf)) for (const r of sub(schema.allOf)) errors.push(...r);
  };
  walk(root, value, '$');
  return errors;
}
