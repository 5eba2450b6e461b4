/** Versioned migrations, in order. Never `synchronize`. */
import { Initial1764000000001 } from './1764000000001-initial.js';

export const MIGRATIONS = [Initial1764000000001];
