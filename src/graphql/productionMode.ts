/**
 * graphql-js reads NODE_ENV once, when it is loaded, and unless it is
 * "production" runs development checks on the type tests it makes for every
 * resolved field (they show in a profile of a page of orders). The service
 * already treats an unset NODE_ENV as production (config.ts), so graphql-js
 * is told the same, before anything loads it. An explicit NODE_ENV (test,
 * development) is left as it is.
 */
process.env.NODE_ENV ??= 'production';
