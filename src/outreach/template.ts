/** Message templates: {name}, {first_name}, {email}, {customer_id}, {product} and any customer attribute. */
import { ownValue } from '../domain/own.ts';

export interface Recipient {
  customer_id: string;
  name: string | null;
  email: string | null;
  attributes: Record<string, unknown>;
}

export function templateVars(r: Recipient): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.attributes)) if (v !== null && typeof v !== 'object') vars[k] = String(v);
  const name = r.name ?? '';
  return {
    ...vars,
    customer_id: r.customer_id,
    name: name || 'there',
    first_name: name.split(/\s+/)[0] || 'there',
    email: r.email ?? '',
    // Most CRMs call it product or model; a template can say {product} either way.
    product: vars.product ?? vars.model ?? 'your device',
  };
}

/** Unknown placeholders stay visible ("{plan}") rather than silently becoming empty; only own values fill one. */
export function fillTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => ownValue(vars, key) ?? whole);
}

export const DEFAULT_FIXED_TEMPLATE =
  'Hi {first_name}, the problem you may have seen with {product} is fixed. Thank you for your patience.';
