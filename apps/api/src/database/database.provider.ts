/** The Database instance as a Nest provider (created before Nest, owned by app.ts). */
export const DATABASE = Symbol('DATABASE');
export const APP_CONFIG = Symbol('APP_CONFIG');
