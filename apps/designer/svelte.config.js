import adapter from '@sveltejs/adapter-static';

/** The designer is a single-page app served by the API on the same port. */
export default {
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: false }),
  },
};
