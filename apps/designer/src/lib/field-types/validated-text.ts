/** email, phone and url: one line of text checked by the API. */
import { base } from './field-type';

function make(type: string, label: string, icon: string, description: string) {
  return base({
    type,
    label,
    icon,
    group: 'Text',
    description,
    defaultOp: 'contains',
    parse: (t) => ({ value: t.trim() === '' ? null : t.trim() }),
  });
}

export const email = make('email', 'Email', '@', 'An email address');
export const phone = make('phone', 'Phone', '☎', 'A phone number');
export const url = make('url', 'Link (URL)', 'link', 'A web address (http or https)');
