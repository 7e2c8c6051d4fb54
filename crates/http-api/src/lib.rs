//! HTTP edge: `create_app`, middleware, routes and the elizaOS response envelopes.
