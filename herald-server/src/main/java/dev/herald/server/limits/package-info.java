/**
 * The front door's limits: connection counts, request sizes and deadlines, accept back-off and the
 * refusals they answer with. Not API: public only for the server's pipeline; it may change without
 * notice.
 */
package dev.herald.server.limits;
