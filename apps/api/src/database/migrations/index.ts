/** Versioned migrations, in order. Never `synchronize`. */
import { Initial1764000000001 } from './1764000000001-initial.js';
import { LinksAutonumbers1764000000002 } from './1764000000002-links-autonumbers.js';
import { Attachments1764000000003 } from './1764000000003-attachments.js';
import { Currencies1764000000004 } from './1764000000004-currencies.js';
import { Rights1764000000005 } from './1764000000005-rights.js';
import { RightsVersion1764000000006 } from './1764000000006-rights-version.js';
import { PersonalViews1764000000007 } from './1764000000007-personal-views.js';

export const MIGRATIONS = [
  Initial1764000000001,
  LinksAutonumbers1764000000002,
  Attachments1764000000003,
  Currencies1764000000004,
  Rights1764000000005,
  RightsVersion1764000000006,
  PersonalViews1764000000007,
];
