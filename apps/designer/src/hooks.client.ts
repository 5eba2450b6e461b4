/**
 * Errors of the client router. An address that matches no screen is an ordinary 404 with
 * its own page (+error.svelte), not a fault: it is not logged to the console; anything
 * else is, and shows as "Something went wrong".
 */
import type { HandleClientError } from '@sveltejs/kit';

export const handleError: HandleClientError = ({ error, status, message }) => {
  if (status === 404) return { message: 'There is no such page.' };
  console.error(error);
  return { message: status >= 500 ? 'Something went wrong on this page.' : message };
};
