/**
 * The embedded engine and its helpers. Nothing here is API: it may change in any release without notice.
 */
package io.sluice.internal;
