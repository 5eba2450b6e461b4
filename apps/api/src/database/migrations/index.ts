/** Versioned migrations, in order. Never `synchronize`. */
import { Initial1764000000001 } from './1764000000001-initial.js';
import { LinksAutonumbers1764000000002 } from './1764000000002-links-autonumbers.js';
import { Attachments1764000000003 } from './1764000000003-attachments.js';
import { Rights1764000000005 } from './1764000000005-rights.js';

export const MIGRATIONS = [Initial1764000000001, LinksAutonumbers1764000000002, Attachments1764000000003, Rights1764000000005];
